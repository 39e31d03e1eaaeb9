"""The built site in a real browser, served under a sub-path: offline search, the audience
switch across pages and visits, not a single request to another origin, and a page chrome that
yields to the content (at 1366 x 900 and on a 390 x 844 phone, a page opens on its title and text,
the calculator on its first field; the rest of the chrome is one click away in "Details")."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.chromium import RequestLog, console_errors, guarded_context
from tests.support.paths import CALCULATOR_PATH

pytestmark = pytest.mark.browser


def test_pages_make_no_foreign_request(browser: Browser, site_url: str) -> None:
    log = RequestLog()
    context = guarded_context(browser, log)
    page = context.new_page()
    errors = console_errors(page)
    for path in (
        "",
        "metastatic-breast-cancer/",
        "metastatic-breast-cancer/her2-positive/",
        "metastatic-breast-cancer/references/",
        "editorial-policy/",
    ):
        response = page.goto(site_url + path)
        assert response is not None, path
        assert response.ok, path
        page.wait_for_load_state("networkidle")
    context.close()
    assert log.foreign == []
    assert errors == []
    assert all(url.startswith(site_url) for url in log.all)


def test_search_works_offline(browser: Browser, site_url: str) -> None:
    log = RequestLog()
    context = guarded_context(browser, log)
    page = context.new_page()
    page.goto(site_url + "metastatic-breast-cancer/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")  # material's shortcut opens the search dialog
    page.locator("input.md-search__input").press_sequentially("trastuzumab", delay=20)
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=15_000)
    assert results.count() > 0
    context.close()
    assert log.foreign == []


def test_audience_switch_persists_across_pages_and_visits(browser: Browser, site_url: str) -> None:
    log = RequestLog()
    context = guarded_context(browser, log)
    page = context.new_page()
    page.goto(site_url + "metastatic-breast-cancer/her2-positive/")
    clinician_title = page.locator("h1 .gl-clinician")
    patient_title = page.locator("h1 .gl-patient")
    expect(clinician_title).to_be_visible()
    expect(patient_title).to_be_hidden()

    page.get_by_label("Patient, family member or carer").check()
    expect(patient_title).to_be_visible()
    expect(clinician_title).to_be_hidden()
    expect(page.locator(".gl-point .gl-clinician").first).to_be_hidden()

    # Another page through the navigation (instant navigation swaps the content).
    page.locator("nav.md-nav a", has_text="Triple-negative").first.click()
    page.wait_for_url("**/triple-negative/")
    expect(page.locator("h1 .gl-patient")).to_be_visible()
    expect(page.get_by_label("Patient, family member or carer")).to_be_checked()

    # A new visit: the choice is remembered without any server.
    page.reload()
    expect(page.locator("h1 .gl-patient")).to_be_visible()
    page.get_by_label("Healthcare professional").check()
    expect(page.locator("h1 .gl-clinician")).to_be_visible()
    context.close()
    assert log.foreign == []


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def test_content_security_policy_blocks_nothing_the_site_needs(
    browser: Browser, site_url: str
) -> None:
    log = RequestLog()
    context = guarded_context(browser, log)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.goto(
        site_url + "metastatic-breast-cancer/calculator/"
        "#sex=female&er_status=negative&pr_status=negative&her2_ihc=3%2B&weight_kg=70"
    )
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert policy is not None
    assert "script-src 'self' 'sha256-" in policy
    assert not re.search(r"https?:|unsafe", policy)
    expect(page.locator(".gl-result-item").first).to_be_visible(timeout=90_000)
    page.locator("nav.md-nav a", has_text="Triple-negative").first.click()  # instant navigation
    page.wait_for_url("**/triple-negative/")
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially("capecitabine", delay=20)
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15_000)
    assert page.evaluate("window.__cspViolations") == []
    context.close()
    assert log.foreign == []


# --- the chrome yields to the content ---------------------------------------------------------

READING_PAGE = "metastatic-breast-cancer/her2-positive/"

# Where an element is drawn (px) and whether all of it is in the first viewport, below the
# theme's header.
FIRST_VIEWPORT = """node => {
  const rect = node.getBoundingClientRect();
  const header = document.querySelector('.md-header');
  const top = header ? header.getBoundingClientRect().bottom : 0;
  return {top: rect.top, bottom: rect.bottom, inView: rect.height > 0 && rect.top >= top - 1 &&
    rect.bottom <= innerHeight + 1 && rect.left >= 0 && rect.right <= innerWidth + 1};
}"""


def in_first_viewport(locator: Locator) -> dict[str, Any]:
    result: dict[str, Any] = locator.evaluate(FIRST_VIEWPORT)
    return result


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_a_reading_page_opens_on_its_title_and_text(
    sized_page: Page, site_url: str, audience: str
) -> None:
    page = sized_page
    page.goto(site_url + READING_PAGE)
    if audience == "patient":
        page.get_by_label("Patient, family member or carer").check()
    title = page.locator(f"h1 .gl-{audience}")
    text = page.locator(f"article .gl-point .gl-{audience} p").first
    expect(title).to_be_visible()
    expect(text).to_be_visible()
    assert in_first_viewport(title)["inView"], in_first_viewport(title)
    assert in_first_viewport(text)["inView"], in_first_viewport(text)
    # The chrome's bar, its one-line currency notice and its "Details" are before them.
    expect(page.locator(".gl-chrome .gl-meta-status")).to_be_visible()
    expect(page.locator(".gl-chrome .gl-notice-line--currency")).to_be_visible()
    expect(page.locator(".gl-chrome .gl-stepper")).to_be_hidden()


def test_the_calculator_opens_with_its_first_field_in_view(sized_page: Page, site_url: str) -> None:
    page = sized_page
    page.goto(site_url + CALCULATOR_PATH)
    # The status line says the calculator is ready: the layout as it stays.
    expect(page.locator(".gl-calculator--ready")).to_be_attached(timeout=90_000)
    field = page.locator(".gl-calculator-form .gl-field").first.locator("select, input").first
    expect(field).to_be_visible()
    assert in_first_viewport(field)["inView"], in_first_viewport(field)


def test_details_open_on_the_review_stepper_and_every_notice_in_full(
    sized_page: Page, site_url: str
) -> None:
    page = sized_page
    page.goto(site_url + READING_PAGE)
    chrome = page.locator("header.gl-chrome")
    stepper = chrome.locator(".gl-stepper")
    currency = chrome.locator(".gl-notice--currency")
    expect(stepper).to_be_hidden()
    expect(currency).to_be_hidden()
    summary = chrome.locator("details.gl-chrome-details > summary")
    summary.click()
    expect(stepper).to_be_visible()
    expect(stepper.locator('.gl-step--current[aria-current="step"]')).to_contain_text("Submitted")
    expect(chrome.get_by_role("link", name="Versions and changes")).to_be_visible()
    expect(currency).to_be_visible()
    expect(currency).to_contain_text("predates the changes of 2012-2025")
    expect(chrome.locator(".gl-notice--review-status")).to_contain_text("not approved")
    expect(chrome.locator(".gl-review-history li").first).to_be_visible()
    # From the keyboard: the disclosure closes and opens again.
    summary.focus()
    page.keyboard.press("Enter")
    expect(stepper).to_be_hidden()
    page.keyboard.press("Space")
    expect(stepper).to_be_visible()


def test_the_audience_switch_works_from_the_keyboard(browser: Browser, site_url: str) -> None:
    log = RequestLog()
    context = guarded_context(browser, log)
    page = context.new_page()
    page.goto(site_url + READING_PAGE)
    clinician = page.get_by_role("radio", name="Healthcare professional")
    patient = page.get_by_role("radio", name="Patient, family member or carer")
    expect(page.get_by_role("group", name="Which best describes you?")).to_be_visible()
    clinician.focus()
    page.keyboard.press("ArrowRight")
    expect(patient).to_be_checked()
    expect(page.locator("h1 .gl-patient")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(clinician).to_be_checked()
    expect(page.locator("h1 .gl-clinician")).to_be_visible()
    context.close()
    assert log.foreign == []
