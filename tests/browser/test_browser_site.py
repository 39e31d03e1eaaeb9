"""The built site in a real browser, served under a sub-path: offline search, the audience
switch across pages and visits, and not a single request to another origin."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.support.chromium import RequestLog, console_errors, guarded_context

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
