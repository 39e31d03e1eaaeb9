"""Versions in the browser: a case whose result changed since the previous release shows the
"changed in" note (heading, first choice then and now, one entry per change); a case whose result
did not change shows none; each recommendation says since when; a superseded version's page shows
its banner and its calculator runs that version's module."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import calculators
from tests.support.calculator_page import NONE, READY_MS, wait_for_result
from tests.support.chromium import SharedPage
from tests.support.paths import CALCULATOR_PATH, GUIDELINE

pytestmark = pytest.mark.browser

# HER2-positive with ECOG 3, every finding 1.1.1 knows stated "no" (1.1.1 has no field
# "pregnant": a case link naming it is refused there by name): 1.1.1 ranked trastuzumab with
# chemotherapy first, 1.2.0 ranks no chemotherapy first at ECOG 3 or 4.
CHANGED = (
    "sex=female&er_status=negative&pr_status=negative&her2_status=positive"
    "&menopausal_status=postmenopausal&weight_kg=70&ecog=3&" + NONE.replace("&pregnant=false", "")
)
UNCHANGED = "sex=male&er_status=positive&her2_status=negative"


def _wait_for_changes(page: Page, fragment: str) -> None:
    page.wait_for_function(
        "(f) => document.querySelector('.gl-calculator').dataset.changesCase === f",
        arg=fragment,
        timeout=READY_MS,
    )


def _open(page: Page, url: str, fragment: str) -> str:
    page.goto(f"{url}#{fragment}")
    wait_for_result(page)
    shown: str = page.evaluate("() => new URLSearchParams(location.hash.slice(1)).toString()")
    _wait_for_changes(page, shown)
    return shown


def test_a_changed_result_shows_the_note(calculator_page: SharedPage, site_url: str) -> None:
    page, _, errors = calculator_page
    expected: Any = calculators.changes(
        GUIDELINE, calculators.case_from_fragment(GUIDELINE, CHANGED)
    )
    assert expected is not None
    assert expected["changes"]
    _open(page, site_url + CALCULATOR_PATH, CHANGED)
    note = page.locator(".gl-changed-note")
    expect(note).to_have_count(1)
    title = f"Changed in {expected['to']} (since {expected['from']})"
    expect(note.locator("h3")).to_have_text(title)
    assert note.get_attribute("aria-labelledby") == note.locator("h3").get_attribute("id")
    # One line for the clinician: what changed, in words; the details one click away.
    line = note.locator("summary")
    expect(line).to_have_text(f"{title}: the first choice changed.Details")
    height = line.evaluate("node => node.getBoundingClientRect().height")
    line_height = line.evaluate("node => parseFloat(getComputedStyle(node).lineHeight)")
    assert height <= line_height * 1.5
    expect(note.locator(".gl-changed-note-list")).to_be_hidden()
    line.click()
    expect(note.locator(".gl-changed-note-list")).to_be_visible()
    expect(note.locator(".gl-changed-note-first")).to_contain_text(
        f"First choice in {expected['from']}: "
    )
    expect(note.locator(".gl-changed-note-first")).to_contain_text("; now: none ranked first.")
    expect(note.locator(".gl-changed-note-list li")).to_have_count(len(expected["changes"]))
    expect(note.locator(".gl-changed-note-list li").first).to_have_text(
        expected["changes"][0]["text"]
    )
    expect(note.locator("a")).to_have_attribute("href", re.compile(f"{GUIDELINE}/versions/$"))
    # After the summary, before the recommendations.
    order = page.evaluate(
        """() => {
          const output = document.querySelector('.gl-calculator-output');
          return Array.from(output.children).map((node) => node.className);
        }"""
    )
    assert order[0] == "gl-changed-note"
    # In the patient wording, the patient text.
    page.locator('input[name="gl-audience"][value="patient"]').check()
    expect(note.locator(".gl-changed-note-list li").first).to_have_text(
        expected["changes"][0]["patient_text"]
    )
    page.locator('input[name="gl-audience"][value="clinician"]').check()
    assert errors == []


def test_an_unchanged_result_shows_no_note(calculator_page: SharedPage, site_url: str) -> None:
    page, _, errors = calculator_page
    expected: Any = calculators.changes(
        GUIDELINE, calculators.case_from_fragment(GUIDELINE, UNCHANGED)
    )
    assert expected is not None
    assert expected["changes"] == []
    _open(page, site_url + CALCULATOR_PATH, UNCHANGED)
    expect(page.locator(".gl-changed-note")).to_have_count(0)
    assert errors == []


def test_each_recommendation_says_since_when(calculator_page: SharedPage, site_url: str) -> None:
    page, _, _ = calculator_page
    _open(page, site_url + CALCULATOR_PATH, CHANGED.replace("&weight_kg=70", ""))
    since = page.locator(".gl-result-since")
    assert since.count() > 0
    expect(since.first).to_have_text(re.compile(r"^since \d+\.\d+\.\d+ \(\d{1,2} \w{3} \d{4}\)$"))


def test_a_superseded_version_page_runs_its_own_calculator(
    calculator_page: SharedPage, site_url: str
) -> None:
    page, _, errors = calculator_page
    # the release before the one that changed this case's result
    changed: Any = calculators.changes(
        GUIDELINE, calculators.case_from_fragment(GUIDELINE, CHANGED)
    )
    old = changed["from"]
    key = f"{GUIDELINE}@{old}"
    url = f"{site_url}{GUIDELINE}/versions/{old}/"
    shown = _open(page, url, CHANGED)
    expect(page.locator(".gl-superseded")).to_contain_text("Superseded")
    expect(page.locator(".gl-superseded")).to_contain_text(f"version {old}")
    expect(page.locator(".gl-changed-note")).to_have_count(0)
    expected: Any = calculators.recommend(key, calculators.case_from_fragment(key, shown))
    ids = page.locator(".gl-calculator-output [data-item]").evaluate_all(
        "nodes => nodes.map((node) => node.dataset.item)"
    )
    wanted = [item["id"] for item in expected["recommendations"]]
    assert wanted
    shown_recommendations = [item for item in ids if item in wanted]
    assert sorted(set(shown_recommendations)) == sorted(wanted)
    current: Any = calculators.recommend(
        GUIDELINE, calculators.case_from_fragment(GUIDELINE, shown)
    )
    assert wanted != [item["id"] for item in current["recommendations"]]
    assert errors == []
