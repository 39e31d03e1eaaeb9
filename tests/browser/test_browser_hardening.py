"""Hostile links and malformed cases in the browser: every value is rendered as text, and a
sample of malformed cases gives the same field-named errors as CPython."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

import calculators
from tests.support.calculator_page import wait_for_result
from tests.support.chromium import SharedPage
from tests.support.paths import GUIDELINE

pytestmark = pytest.mark.browser

XSS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=2</script>",
    '"><svg onload="window.__xss=3">',
    "javascript:window.__xss=4",
    "&lt;b&gt;entity&lt;/b&gt;",
]
INPUTS = calculators.load(GUIDELINE).spec.inputs


def show(page: Page, fragment: str) -> None:
    page.evaluate("f => { location.hash = f; }", fragment)
    wait_for_result(page)


def injected(page: Page) -> list[str]:
    found: list[str] = page.evaluate(
        "() => [window.__xss, ...Array.from(document.querySelectorAll("
        "'.gl-calculator img, .gl-calculator svg, .gl-calculator script:not([type])'),"
        " e => e.outerHTML)].filter(x => x !== undefined)"
    )
    return found


@pytest.mark.parametrize("payload", XSS)
def test_payloads_in_every_field_render_as_text(calculator_page: SharedPage, payload: str) -> None:
    shown, log, errors = calculator_page
    case = {spec.name: payload for spec in INPUTS}
    case[payload] = payload  # a hostile field name too (ignored: not a declared field)
    show(shown, urlencode(case))
    assert shown.locator(".gl-calculator").get_attribute("data-status") == "invalid"
    assert injected(shown) == []
    field_errors = shown.locator(".gl-field-error").all_inner_texts()
    assert any(payload[:40] in text for text in field_errors), field_errors
    assert shown.locator(".gl-result-item").count() == 0
    assert log.foreign == []
    assert errors == []


def malformed_fragments(count: int) -> list[str]:
    """A deterministic sample of malformed cases, written as case links."""
    chooser = random.Random(20261127)
    bad = [
        "maybe",
        "-1",
        "1e999",
        "NaN",
        "Infinity",
        "3.5",
        "TRUE",
        "x" * 5000,
        "[1]",
        "{}",
        "0x10",
        "١",
        " 2",
        "+-1",
        "1,5",
    ]
    fragments: list[str] = []
    while len(fragments) < count:
        case = {"sex": "female"}
        for spec in chooser.sample(INPUTS, k=chooser.randint(1, 3)):
            case[spec.name] = chooser.choice(bad)
        fragment = urlencode(case)
        if (
            calculators.recommend(GUIDELINE, calculators.case_from_fragment(GUIDELINE, fragment))[
                "status"
            ]
            == "invalid"
        ):
            fragments.append(fragment)
    return fragments


@pytest.mark.parametrize("fragment", malformed_fragments(40))
def test_malformed_cases_match_cpython_in_the_browser(
    calculator_page: SharedPage, fragment: str
) -> None:
    shown, log, _ = calculator_page
    expected: Mapping[str, Any] = calculators.recommend(
        GUIDELINE, calculators.case_from_fragment(GUIDELINE, fragment)
    )
    show(shown, fragment)
    assert shown.locator(".gl-calculator").get_attribute("data-status") == "invalid"
    flagged = shown.locator('[aria-invalid="true"]').evaluate_all(
        "controls => controls.map(c => c.name)"
    )
    assert sorted(set(flagged)) == sorted({error["field"] for error in expected["errors"]})
    assert shown.locator(".gl-result-item").count() == 0
    assert log.foreign == []


def test_hostile_link_to_a_guideline_page_is_harmless(
    calculator_page: SharedPage, site_url: str
) -> None:
    shown, log, errors = calculator_page
    shown.goto(site_url + f"{GUIDELINE}/her2-positive/#" + '"><img src=x onerror="window.__xss=5">')
    shown.wait_for_load_state("networkidle")
    assert shown.evaluate("() => window.__xss") is None
    assert log.foreign == []
    assert errors == []
