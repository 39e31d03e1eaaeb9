"""axe-core (from the npm lock) finds no serious or critical violation on the guideline and
calculator pages, in both wordings."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.calculator_page import wait_for_relevance, wait_for_result
from tests.support.chromium import RequestLog, guarded_context
from tests.support.paths import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CASE = "#sex=female&er_status=negative&pr_status=negative&her2_ihc=3%2B&weight_kg=70"
PAGES = [
    "metastatic-breast-cancer/",
    "metastatic-breast-cancer/initial-assessment/",
    "metastatic-breast-cancer/her2-positive/",
    "metastatic-breast-cancer/references/",
    "metastatic-breast-cancer/case-fields/",
    "metastatic-breast-cancer/calculator/" + CASE,
]


def serious_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    report = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]][:5],
        }
        for v in report["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("audience", ["clinician", "patient"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(
    browser: Browser, site_url: str, path: str, audience: str
) -> None:
    log = RequestLog()
    # axe is injected as an inline script, which the site's own CSP rightly refuses.
    context = guarded_context(browser, log, bypass_csp=True)
    page = context.new_page()
    page.goto(site_url + "metastatic-breast-cancer/")
    if audience == "patient":
        page.get_by_label("Patient, family member or carer").check()
    page.goto(site_url + path)
    if "calculator" in path:
        expect(page.locator(".gl-result-item").first).to_be_visible(timeout=60_000)
        # With the next question, its answer buttons and its list (asked once the edits pause).
        wait_for_relevance(page)
        expect(page.locator(".gl-next-question-answers li").first).to_be_visible()
    assert serious_violations(page) == []
    context.close()
    assert log.foreign == []


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}], ids=str
)
def test_the_calculator_has_no_serious_violation_at_desktop_and_phone_sizes(
    browser: Browser, site_url: str, viewport: dict[str, int]
) -> None:
    """With the result beside the form (desktop) or the summary bar showing (phone), and with a
    needs-information case whose fields are marked as waited for."""
    log = RequestLog()
    context = guarded_context(browser, log, bypass_csp=True, viewport=viewport)
    page = context.new_page()
    for case in (CASE, "#sex=female&er_status=positive&her2_status=negative"):
        page.goto(site_url + "metastatic-breast-cancer/calculator/" + case)
        wait_for_result(page)
        page.wait_for_timeout(500)  # the field marks come once the edits pause
        assert serious_violations(page) == []
    context.close()
    assert log.foreign == []


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}], ids=str
)
@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_the_chrome_with_its_details_open_has_no_serious_violation(
    browser: Browser, site_url: str, viewport: dict[str, int], audience: str
) -> None:
    """The compact chrome (the segmented audience switch, the one-line notice) and everything
    its "Details" disclosure holds (the review stepper, every notice in full, the history)."""
    log = RequestLog()
    context = guarded_context(browser, log, bypass_csp=True, viewport=viewport)
    page = context.new_page()
    page.goto(site_url + "metastatic-breast-cancer/her2-positive/")
    if audience == "patient":
        page.get_by_label("Patient, family member or carer").check()
    page.locator("header.gl-chrome details > summary").click()
    expect(page.locator("header.gl-chrome .gl-stepper")).to_be_visible()
    assert serious_violations(page) == []
    context.close()
    assert log.foreign == []
