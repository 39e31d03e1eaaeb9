"""The case calculator in Chromium, on the real built site served under a sub-path: Python in a
self-hosted Pyodide worker, case links, keyboard entry, no request to anyone while computing,
one worker across instant navigation, and plain-words failures.

Every result shown is compared with what CPython computes from the very ``calculators.zip`` the
site serves: the browser and the command line run the same code on the same case.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

import calculators
from calculators.runtime import browser_entry
from devtools.serve import SiteRequestHandler, start_server
from tests.support.builds import copy_project, run_mkdocs_build
from tests.support.calculator_page import (
    BRANCHES,
    HR_POSITIVE,
    LISTS,
    NONE,
    READY_MS,
    control,
    expected_items,
    shown_items,
    wait_for_result,
)
from tests.support.chromium import RequestLog, SharedPage, console_errors, guarded_context
from tests.support.paths import BASE_PATH, CALCULATOR_PATH, GUIDELINE, ROOT

pytestmark = pytest.mark.browser

CALCULATOR = CALCULATOR_PATH
OpenPage = Callable[[str], tuple[Page, RequestLog]]

# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def instant_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built for the address it is served at: mkdocs-material only navigates
    instantly to URLs of its sitemap, which are made from site_url."""
    project = copy_project(ROOT, tmp_path_factory.mktemp("instant"))
    (project / "site").mkdir()
    server = start_server(project / "site", base_path=BASE_PATH)
    url = f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITE_URL", url)
        result = run_mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.output
    yield url
    server.shutdown()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """Opens a URL in a new context that records every request and refuses any leaving the
    machine; at the end, closes the contexts and checks that none tried."""
    opened: list[tuple[BrowserContext, RequestLog]] = []

    def open_url(url: str) -> tuple[Page, RequestLog]:
        log = RequestLog()
        context = guarded_context(browser, log)
        opened.append((context, log))
        page = context.new_page()
        page.goto(url)
        return page, log

    yield open_url
    for context, log in opened:
        context.close()
        assert log.foreign == []


# --- helpers ------------------------------------------------------------------------------------


def anchor_exists(built_site: Path, site_url: str, url: str) -> bool:
    parts = urlsplit(url)
    assert parts.path.startswith(BASE_PATH), url
    page = built_site / parts.path[len(BASE_PATH) :] / "index.html"
    return page.exists() and f'id="{parts.fragment}"' in page.read_text()


# --- case links -----------------------------------------------------------------------------


@pytest.mark.parametrize("branch", list(BRANCHES))
def test_case_link_shows_what_cpython_computes(
    calculator_page: SharedPage,
    site_url: str,
    built_site: Path,
    cpython: Callable[[str], dict[str, Any]],
    branch: str,
) -> None:
    page, log, errors = calculator_page
    fragment = BRANCHES[branch]
    expected = cpython(fragment)
    page.evaluate("f => { location.hash = f; }", fragment)  # as following a case link
    wait_for_result(page)
    section = page.locator(".gl-calculator")
    assert section.get_attribute("data-status") == expected["status"]
    shown, general = expected_items(expected)
    assert shown_items(page) == shown
    general_shown = page.locator(".gl-result-general li.gl-result-item").evaluate_all(
        "items => items.map(item => item.dataset.item)"
    )
    assert sorted(general_shown) == sorted(general)
    # The findings to establish come first, apart from the other work-up; those that change only
    # the prognosis (not waited for) last, under their own heading.
    asked = [item for item in expected["workup"] if item.get("field")]
    asks = page.locator(
        ".gl-result-asks:not(.gl-result-asks--prognosis) li.gl-result-item"
    ).evaluate_all("items => items.map(item => item.dataset.item)")
    assert asks == [item["id"] for item in asked if item["needed_for"] != "prognosis"]
    later = page.locator(".gl-result-asks--prognosis li.gl-result-item").evaluate_all(
        "items => items.map(item => item.dataset.item)"
    )
    assert later == [item["id"] for item in asked if item["needed_for"] == "prognosis"]
    if later:
        expect(page.locator(".gl-result-asks--prognosis h4")).to_have_text(
            "To establish for the prognosis"
        )
        assert page.locator(".gl-result-workup > :last-child").evaluate(
            "node => node.classList.contains('gl-result-asks--prognosis')"
        )

    held = [item for group in expected["conditional"] for item in group["items"]]
    shown_held = page.locator(".gl-result-conditional li.gl-result-item").evaluate_all(
        "items => items.map(item => item.dataset.item)"
    )
    assert shown_held == [item["id"] for item in held]
    conditions = page.locator(".gl-result-conditional .gl-result-condition").all_inner_texts()
    assert len(conditions) == len(expected["conditional"])
    assert all(text.startswith("If ") for text in conditions)
    # The source's age and the review status, first, on every result.
    notices = page.locator(".gl-result-notices .gl-result-notice")
    expect(notices).to_have_count(2)
    expect(notices.first).to_contain_text("predates the changes of 2012-2025")
    expect(notices.nth(1)).to_contain_text("not approved")

    items = {item["id"]: item for key in LISTS for item in expected[key]}
    for item_id, item in [*items.items(), *((item["id"], item) for item in held)]:
        node = page.locator(f'li.gl-result-item[data-item="{item_id}"]').first
        expect(node.locator(".gl-result-text")).to_contain_text(item["text"])
        # textContent: general points are folded in a closed disclosure (no inner text).
        numbers = node.locator(".gl-result-meta .gl-cite a").evaluate_all(
            "links => links.map(a => a.textContent)"
        )
        assert numbers == [str(number) for number in item["citations"]], item_id
        for link in node.locator(".gl-cite a").evaluate_all("links => links.map(a => a.href)"):
            assert link.startswith(f"{site_url}{GUIDELINE}/references/#ref-"), link
            assert anchor_exists(built_site, site_url, link), link
        if item["newer_guidance"]:
            expect(node.locator(".gl-result-newer")).to_contain_text(item["newer_guidance"]["text"])
        policies = node.locator(".gl-result-policy").evaluate_all(
            "lines => lines.map(line => line.textContent)"
        )
        assert [text.split(": ", 1)[1] for text in policies] == [
            policy["text"] + ", ".join(str(n) for n in policy["citations"])
            for policy in item["policies"]
        ], item_id
        if item.get("field"):  # an unknown finding: asked for, with a way to answer it
            expect(node.locator("button.gl-result-answer")).to_be_visible()
            continue
        source = node.locator("a.gl-result-source").evaluate("a => a.href")
        assert source == urljoin(site_url, item["href"])
        assert anchor_exists(built_site, site_url, source), source

    recommendations = expected["recommendations"]
    if branch == "hr-positive-premenopausal":
        assert any(item["href"].endswith("#hr-premenopausal") for item in recommendations)
    if branch == "hr-positive-postmenopausal":
        assert all("#hr-premenopausal" not in item["href"] for item in recommendations)
    if branch == "her2-positive":
        expect(page.locator(".gl-result-dosing")).to_contain_text("4 mg/kg × 70 kg = 280 mg")
    if branch == "triple-negative":
        assert all("/triple-negative/" in item["href"] for item in recommendations)
    if branch == "male-out-of-scope":
        assert expected["status"] == "out_of_scope"
        expect(page.locator(".gl-calculator-summary")).to_contain_text("outside the scope")
        assert page.locator(".gl-result-recommendations").count() == 0
    if branch == "findings-not-stated":
        assert expected["status"] == "needs_more_information"
        expect(page.locator(".gl-calculator-summary")).to_contain_text("Needs information")
        asked = [item["field"] for item in expected["workup"] if item.get("field")]
        assert "visceral_crisis" in asked
        # Asked for, not waited for: a finding that changes only the prognosis.
        assert "unknown-bulky-disease" in later
        summary = page.locator(".gl-calculator-summary")
        expect(summary).to_contain_text("establish ")
        expect(summary).not_to_contain_text("ulky disease")
        expect(
            page.locator('li.gl-result-item[data-item="unknown-visceral-crisis"]')
        ).to_contain_text("not stated")
        assert "endocrine-first-line" not in items  # held apart until the crisis is ruled out
        expect(page.locator(".gl-result-conditional")).to_contain_text(
            "If isolated locoregional recurrence (no distant disease) is no and visceral crisis "
            "(rapidly progressive, life-threatening visceral disease) is no and resistance to the "
            "current endocrine therapy is no"
        )
    if branch == "her2-positive-cardiac-dysfunction":
        assert expected["status"] == "needs_more_information"
        expect(page.locator(".gl-result-recommendations .gl-result-rank")).to_have_text(
            ["Other option in the source"]
        )
        expect(
            page.locator('li.gl-result-item[data-item="cardiac-dysfunction-caution"]')
        ).to_contain_text("subclinical and clinical cardiac failure")
    if branch == "invalid-weight":
        assert expected["status"] == "invalid"
        weight = page.locator('.gl-field[data-field="weight_kg"]')
        expect(weight.locator(".gl-field-error")).to_contain_text("from 20 to 400")
        expect(control(page, "weight_kg")).to_have_attribute("aria-invalid", "true")
        assert page.locator("li.gl-result-item").count() == 0
    if expected["status"] != "invalid":
        assert page.locator(".gl-field-error:not(:empty)").count() == 0
    assert log.foreign == []
    assert errors == []


def test_findings_are_yes_no_or_not_known_and_the_page_shows_the_sources_age(
    calculator_page: SharedPage,
) -> None:
    page, _, _ = calculator_page
    for name in (
        "visceral_crisis",
        "cardiac_dysfunction",
        "prior_anthracycline",
        "isolated_locoregional_recurrence",
    ):
        options = control(page, name).locator("option")
        expect(options).to_have_text(["Not known", "Yes", "No"])
        assert options.evaluate_all("os => os.map(o => o.value)") == ["", "true", "false"]
    # The currency notice and the review status, on the calculator page itself.
    expect(page.locator(".gl-chrome .gl-notice--currency")).to_contain_text(
        "predates the changes of 2012-2025"
    )
    expect(page.locator(".gl-chrome .gl-notice--review-status")).to_contain_text("not approved")


def test_a_contradiction_is_reported_beside_its_field(browser: Browser, site_url: str) -> None:
    context = guarded_context(browser, RequestLog())
    page = context.new_page()
    page.goto(f"{site_url}{CALCULATOR}#sex=female&her2_status=negative&her2_ihc=3%2B")
    wait_for_result(page)
    expect(control(page, "her2_ihc")).to_have_value("3+")
    field = page.locator('.gl-field[data-field="her2_status"] .gl-field-error')
    expect(field).to_contain_text("her2_ihc is 3+")
    assert page.locator("li.gl-result-item").count() == 0
    context.close()


def test_a_case_link_naming_an_unknown_field_is_refused_by_name(
    browser: Browser, site_url: str
) -> None:
    """A misspelt field in a case link is never read as "not stated": the case is invalid, the
    message names the field and the one meant, and nothing is recommended."""
    context = guarded_context(browser, RequestLog())
    page = context.new_page()
    errors = console_errors(page)
    page.goto(f"{site_url}{CALCULATOR}#sex=female&cardiac_dysfuntion=true")
    wait_for_result(page)
    expect(page.locator(".gl-calculator")).to_have_attribute("data-status", "invalid")
    # The form has no such field: the message is listed with the result, in view.
    message = page.locator(".gl-result-errors .gl-calculator-errors li")
    expect(message).to_have_count(1)
    expect(message).to_be_visible()
    expect(message).to_contain_text("unknown field 'cardiac_dysfuntion'")
    expect(message).to_contain_text("did you mean 'cardiac_dysfunction'?")
    # The status names it as written, with no link to a field the form does not have.
    status = page.locator(".gl-calculator-summary")
    expect(status).to_have_text("Invalid case: correct the link: unknown field cardiac_dysfuntion.")
    assert status.locator("a").count() == 0
    expect(page.locator(".gl-summary-bar-status")).to_have_text("Invalid case")
    # No recommendation, no item, no first choice; no field of the form marked.
    assert page.locator("li.gl-result-item").count() == 0
    assert page.locator(".gl-result-recommendations, .gl-summary-first").count() == 0
    assert page.locator(".gl-field-error:not(:empty), .gl-field[data-state]").count() == 0
    expect(control(page, "cardiac_dysfunction")).to_have_value("")  # not known: not read as yes
    context.close()
    assert errors == []


def test_the_why_names_a_finding_the_case_settles(
    open_page: OpenPage, site_url: str, cpython: Callable[[str], dict[str, Any]]
) -> None:
    """No visceral involvement: no visceral crisis. The "Why" of an item whose table read the
    unstated finding shows the value used and the field that settles it."""
    fragment = f"{HR_POSITIVE}&menopausal_status=postmenopausal&visceral_involvement=false"
    result = cpython(fragment)
    steps = {step["table"]: step for step in result["trace"]}
    shown = [
        *(item for key in ("recommendations", "dosing") for item in result[key]),
        *(item for group in result["conditional"] for item in group["items"]),
    ]
    item = next(item for item in shown if steps.get(item.get("table"), {}).get("implied"))
    step = steps[item["table"]]
    name, settled = next(iter(step["implied"].items()))
    assert step["inputs"][name] is not None  # the value used, not "not known"
    labels = {spec.name: spec.label for spec in calculators.load(GUIDELINE).spec.inputs}
    page, _ = open_page(f"{site_url}{CALCULATOR}#{fragment}")
    wait_for_result(page)
    why = page.locator(f'li.gl-result-item[data-item="{item["id"]}"] details.gl-why').first
    why.locator("summary").click()
    value = "yes" if step["inputs"][name] else "no"
    by = " and ".join(labels[other] for other in settled["by"])
    expect(why.locator(".gl-why-inputs")).to_contain_text(
        f"{labels[name]} = {value} (implied by {by})"
    )


def test_the_summary_bar_gives_doses_per_kg_until_the_weight_is_entered(
    open_page: OpenPage, site_url: str, cpython: Callable[[str], dict[str, Any]]
) -> None:
    fragment = BRANCHES["her2-positive"].replace("&weight_kg=70", "")
    # The dosing list also holds notes without a dose (the chemotherapy given with it).
    doses = [item["dose"] for item in cpython(fragment)["dosing"] if item.get("dose")]
    assert doses
    assert all(dose["total"] is None for dose in doses)
    page, _ = open_page(f"{site_url}{CALCULATOR}#{fragment}")
    wait_for_result(page)
    per_kg = ", ".join(f"{dose['amount_per_kg']} {dose['unit']}/kg" for dose in doses)
    expect(page.locator(".gl-summary-bar-doses")).to_have_text(
        f"Doses: {doses[0]['agent']} {per_kg}"
    )
    control(page, "weight_kg").fill("70")
    wait_for_result(page)
    expect(page.locator(".gl-summary-bar-doses")).to_have_text("Doses: trastuzumab 280 mg, 140 mg")


# --- site policies

# HER2-positive, every finding stated "no", 70.3 kg: 4 mg/kg is 281.2 mg, which a rounding step
# of 0.5 mg or more rounds.
HER2_DOSES = (
    "sex=female&er_status=negative&pr_status=negative&her2_status=positive&weight_kg=70.3&" + NONE
)
# Hormone-receptor positive with a disease-free interval any long-interval policy calls long.
LONG_INTERVAL = (
    f"{HR_POSITIVE}&menopausal_status=postmenopausal&disease_free_interval_months=30"
    "&number_of_metastatic_sites=1&" + NONE
)
# The calculator's own answer for the case shown (what the runtime emitted, in Pyodide).
SHOWN_RESULT = "() => Array.from(window.__glCalculator.calculators)[0].results.last.result"


def result_items(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a result: its lists, the prognosis reasons, what depends on findings."""
    return [
        *(item for key in LISTS for item in result[key]),
        *result["prognosis_reasons"],
        *(item for group in result["conditional"] for item in group["items"]),
    ]


def policy_anchor(policy_id: str) -> str:
    """The anchor of a policy's entry on the policies page (render/page.py: policy_anchor)."""
    return "policy-" + policy_id.replace("_", "-")


@pytest.fixture(scope="module")
def policy_site(built_site: Path, site_url: str) -> tuple[Path, str]:
    """The site, whose guideline declares site policies (a rounding of the trastuzumab doses, a
    lower limit of the LVEF that settles an unstated cardiac dysfunction, the disease-free
    interval cut-offs named by the prognosis rules), and its URL."""
    return built_site, site_url


def test_an_item_shows_the_site_policies_that_decided_it(
    open_page: OpenPage, policy_site: tuple[Path, str]
) -> None:
    site, url = policy_site
    page, _ = open_page(f"{url}{CALCULATOR}#{HER2_DOSES}")
    wait_for_result(page)
    result = page.evaluate(SHOWN_RESULT)
    # A dose rounded to a step a site policy sets: the exact product and the dose shown.
    dose = next(item for item in result_items(result) if item.get("dose") and item["policies"])
    assert dose["dose"]["round_to"] is not None
    assert dose["dose"]["exact"] == "281.2"
    assert dose["dose"]["total"] != dose["dose"]["exact"]
    policy = dose["policies"][0]
    node = page.locator(f'li.gl-result-item[data-item="{dose["id"]}"]').first
    lines = node.locator(".gl-result-policy")
    expect(lines).to_have_count(len(dose["policies"]))
    line = lines.first
    expect(line).to_contain_text(f"This site's policy: {policy['text']}")
    # After the item's text; its label leads to the policy's entry, where its reason is given.
    assert line.evaluate("node => node.previousElementSibling.matches('.gl-result-text')")
    href = line.locator("a.gl-result-policy-label").evaluate("a => a.href")
    assert href.endswith(f"{GUIDELINE}/policies/#{policy_anchor(policy['id'])}"), href
    assert anchor_exists(site, url, href), href
    # The dose shown in the summary bar (doses that hold for the case) is the rounded one.
    if dose in result["dosing"]:
        expect(page.locator(".gl-summary-bar-doses")).to_contain_text(
            f"{dose['dose']['agent']} {dose['dose']['total']} {dose['dose']['unit']}"
        )
    page.get_by_label("Patient, family member or carer").check()
    expect(line).to_contain_text(f"This site's own rule: {policy['patient_text']}")

    # A policy with sources: its citations as the item's are; printed with the item.
    page.get_by_label("Healthcare professional").check()
    page.evaluate("f => { location.hash = f; }", LONG_INTERVAL)
    wait_for_result(page)
    result = page.evaluate(SHOWN_RESULT)
    printed = [*result["prognosis_reasons"], *(item for key in LISTS for item in result[key])]
    item, index, policy = next(
        (item, index, policy)
        for item in printed
        if not item["general"] and not item.get("field")
        for index, policy in enumerate(item["policies"])
        if policy["citations"]
    )
    line = page.locator(f'li.gl-result-item[data-item="{item["id"]}"] .gl-result-policy')
    line = line.nth(index)
    numbers = line.locator(".gl-cite a").evaluate_all("links => links.map(a => a.textContent)")
    assert numbers == [str(number) for number in policy["citations"]]
    for link in line.locator(".gl-cite a").evaluate_all("links => links.map(a => a.href)"):
        assert anchor_exists(site, url, link), link
    page.emulate_media(media="print")
    expect(line).to_be_visible()
    cited = page.locator(".gl-print-references li").evaluate_all(
        "items => items.map(item => item.value)"
    )
    assert set(policy["citations"]) <= set(cited)


def test_an_unstated_finding_a_policy_settles_is_shown_in_the_why(
    open_page: OpenPage, policy_site: tuple[Path, str]
) -> None:
    """An LVEF below the site's lower limit: cardiac dysfunction, though the case leaves it
    unstated."""
    _, url = policy_site
    fragment = HER2_DOSES.replace("cardiac_dysfunction=false", "lvef_percent=45")
    page, _ = open_page(f"{url}{CALCULATOR}#{fragment}")
    wait_for_result(page)
    result = page.evaluate(SHOWN_RESULT)
    steps = {step["table"]: step for step in result["trace"]}
    item = next(
        item
        for item in result_items(result)
        if "cardiac_dysfunction" in steps.get(item["table"], {}).get("implied", {})
    )
    step = steps[item["table"]]
    assert step["inputs"]["cardiac_dysfunction"] is True
    assert step["implied"]["cardiac_dysfunction"]["by"] == ["lvef_percent"]
    labels = {spec.name: spec.label for spec in calculators.load(GUIDELINE).spec.inputs}
    why = page.locator(f'li.gl-result-item[data-item="{item["id"]}"] details.gl-why').first
    why.locator("summary").click()
    expect(why.locator(".gl-why-inputs")).to_contain_text(
        f"{labels['cardiac_dysfunction']} = yes (implied by {labels['lvef_percent']})"
    )


def test_a_policy_in_prose_reads_as_text_and_links_to_its_entry(
    open_page: OpenPage, policy_site: tuple[Path, str]
) -> None:
    site, url = policy_site
    # A page whose prose states a policy's value.
    prose = next(
        path.parent.relative_to(site).as_posix()
        for path in sorted(site.glob(f"{GUIDELINE}/*/index.html"))
        if 'class="gl-policy"' in path.read_text(encoding="utf-8")
    )
    page, _ = open_page(f"{url}{prose}/")
    link = page.locator("article a.gl-policy").first
    href = link.evaluate("a => a.href")
    assert f"/{GUIDELINE}/policies/#policy-" in href, href
    assert anchor_exists(site, url, href), href
    for scheme in ("default", "slate"):
        page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
        # The colour of the text around it, once the theme's colour transition has run; a
        # dotted underline, so that it is still told apart from the text without colour.
        page.wait_for_function(
            """() => { const a = document.querySelector("article a.gl-policy");
                       return getComputedStyle(a).color ===
                         getComputedStyle(a.parentElement).color; }"""
        )
        line, style = link.evaluate(
            "a => [getComputedStyle(a).textDecorationLine, getComputedStyle(a).textDecorationStyle]"
        )
        assert (line, style) == ("underline", "dotted"), scheme
    # The entries of the policies page, each with its reason and where it is used.
    page.goto(href)
    entry = page.locator(f"section.gl-policy-entry#{href.rsplit('#', 1)[1]}")
    expect(entry).to_be_visible()
    expect(entry.locator(".gl-policy-why")).to_contain_text("Why this value:")
    expect(entry.locator(".gl-policy-uses")).to_contain_text("Used by:")


# --- entering a case ------------------------------------------------------------------------


def tab_to(page: Page, name: str) -> None:
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"Tab never reached {name}")


def test_filling_the_form_by_keyboard_gives_a_result_and_a_link(
    open_page: OpenPage,
    site_url: str,
    cpython: Callable[[str], dict[str, Any]],
) -> None:
    page, _ = open_page(site_url + CALCULATOR)
    history_length = page.evaluate("() => history.length")
    expect(page.locator(".gl-calculator-status")).to_contain_text("ready", timeout=READY_MS)
    expect(page.locator(".gl-calculator-summary")).to_contain_text("Fill in the case")
    control(page, "sex").focus()
    page.keyboard.type("f")  # "female"
    tab_to(page, "menopausal_status")
    page.keyboard.type("post")
    for name, value in (("er_status", "p"), ("pr_status", "p"), ("her2_status", "n")):
        tab_to(page, name)
        page.keyboard.type(value)
    tab_to(page, "weight_kg")
    page.keyboard.type("72.5")
    wait_for_result(page)
    fragment = page.evaluate("() => location.hash.slice(1)")
    # Only what differs from the declared defaults goes into the link.
    assert fragment == (
        "sex=female&menopausal_status=postmenopausal&er_status=positive"
        "&pr_status=positive&her2_status=negative&weight_kg=72.5"
    )
    expected = cpython(fragment)
    # Nothing said about a visceral crisis (or the rest): not known, so asked for, never assumed.
    assert expected["status"] == "needs_more_information"
    assert shown_items(page)["recommendations"] == [
        item["id"] for item in expected["recommendations"]
    ]
    assert "endocrine-first-line" not in shown_items(page)["recommendations"]
    # Answering "no" to the findings that decide settles the recommendation.
    for name in (
        "isolated_locoregional_recurrence",
        "visceral_involvement",
        "endocrine_resistance",
        "bulky_disease",
    ):
        control(page, name).focus()
        page.keyboard.type("n")  # "No"
    wait_for_result(page)
    fragment = page.evaluate("() => location.hash.slice(1)")
    assert cpython(fragment)["status"] == "ok"
    assert "endocrine-first-line" in shown_items(page)["recommendations"]
    assert page.evaluate("() => history.length") == history_length  # replaceState only


def test_the_address_bar_follows_edits_and_back_returns_to_the_last_one(
    open_page: OpenPage, site_url: str
) -> None:
    page, _ = open_page(f"{site_url}{CALCULATOR}#{BRANCHES['her2-positive']}")
    wait_for_result(page)
    for weight in ("71", "72", "73"):  # typed in quick succession
        control(page, "weight_kg").fill(weight)
    wait_for_result(page)
    assert page.url.endswith("weight_kg=73")
    control(page, "weight_kg").fill("81")
    # Leaving at once (before the address bar caught up): the link click writes it first.
    page.locator("nav.md-nav a", has_text="Critical pitfalls").first.click()
    page.wait_for_url(f"**/{GUIDELINE}/critical-pitfalls/")
    page.go_back()
    page.wait_for_url(f"**/{CALCULATOR}#*")
    assert page.url.endswith("weight_kg=81")
    wait_for_result(page)
    expect(control(page, "weight_kg")).to_have_value("81")


def test_no_request_at_all_while_recomputing(open_page: OpenPage, site_url: str) -> None:
    page, log = open_page(f"{site_url}{CALCULATOR}#{BRANCHES['hr-positive-postmenopausal']}")
    wait_for_result(page)
    page.wait_for_load_state("networkidle")
    before = len(log.all)
    edits: list[tuple[str, str]] = [
        ("menopausal_status", "premenopausal"),
        ("her2_status", "positive"),
        ("weight_kg", "64"),
        ("weight_kg", "81.5"),
        ("er_status", "negative"),
        ("pr_status", "negative"),
        ("her2_status", "negative"),
        ("visceral_involvement", "true"),
        ("visceral_crisis", "true"),
        ("sex", "male"),
        ("sex", "female"),
    ]
    for name, value in edits:
        target = control(page, name)
        if name == "weight_kg":
            target.fill(value)
        else:
            target.select_option(value)
        wait_for_result(page)
    # Chromium asks for the favicon again after each replaceState; with routing on, Playwright
    # disables the HTTP cache, so the test sees it (a normal visit answers it from the cache).
    assert [url for url in log.all[before:] if not url.endswith("/favicon.png")] == []
    assert page.locator("li.gl-result-item").count() > 0


def test_the_fragment_drives_the_form_and_the_audience_the_wording(
    browser: Browser, site_url: str, cpython: Callable[[str], dict[str, Any]]
) -> None:
    context = guarded_context(browser, RequestLog())
    page = context.new_page()
    page.goto(f"{site_url}{CALCULATOR}#{BRANCHES['triple-negative']}")
    wait_for_result(page)
    fragment = BRANCHES["her2-positive"]
    page.evaluate("f => { location.hash = f; }", fragment)
    wait_for_result(page)
    expect(control(page, "her2_status")).to_have_value("positive")
    expect(control(page, "weight_kg")).to_have_value("70")
    first = cpython(fragment)["recommendations"][0]
    text = page.locator(".gl-result-recommendations .gl-result-text").first
    expect(text).to_have_text(first["text"])
    rank = page.locator(".gl-result-recommendations .gl-result-rank").first
    expect(rank).to_have_text("First choice in the source")
    page.get_by_label("Patient, family member or carer").check()
    expect(text).to_have_text(first["patient_text"])
    expect(rank).to_have_text("The source's first choice")
    context.close()


def test_print_shows_a_case_summary_without_the_form(browser: Browser, site_url: str) -> None:
    """Also the cold path of a case link: a new page opened at a calculator URL with a case."""
    context = guarded_context(browser, RequestLog())
    page = context.new_page()
    page.goto(f"{site_url}{CALCULATOR}#{BRANCHES['her2-positive']}")
    wait_for_result(page)
    page.emulate_media(media="print")
    expect(page.locator(".gl-calculator-form")).to_be_hidden()
    expect(page.locator(".md-header")).to_be_hidden()
    summary = page.locator(".gl-calculator-print")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Body weight")
    expect(summary).to_contain_text("70 kg")
    expect(summary).to_contain_text(f"Guideline version {calculators.load(GUIDELINE).spec.version}")
    expect(page.locator(".gl-meta")).to_be_visible()  # version and dates of the chrome
    # The source's age and the review status print once, at the top of the page (the result's
    # own copy of them is the chrome's: not printed twice, so that a result fits one page).
    expect(page.locator(".gl-review")).to_be_visible()
    expect(page.locator(".gl-chrome .gl-notice--currency")).to_be_visible()
    expect(page.locator(".gl-chrome .gl-notice--review-status")).to_contain_text("not approved")
    expect(page.locator(".gl-calculator-output .gl-result-notices")).to_be_hidden()
    expect(page.locator(".gl-result-newer").first).to_be_visible()
    expect(page.locator(".gl-disclaimer")).to_be_visible()
    expect(page.locator(".gl-result-dosing")).to_be_visible()
    context.close()


# --- one worker across instant navigation ---------------------------------------------------


def test_one_worker_started_by_any_guideline_page_survives_navigation(
    browser: Browser, instant_site_url: str
) -> None:
    log = RequestLog()
    context = guarded_context(browser, log)
    page = context.new_page()
    page.goto(f"{instant_site_url}{GUIDELINE}/her2-positive/")  # no calculator on this page
    page.wait_for_function(
        "() => window.__glCalculator.runtime.state === 'ready'", timeout=READY_MS
    )
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator("nav.md-nav a", has_text="Case calculator").first.click()
    page.wait_for_url(f"**/{CALCULATOR}")
    expect(page.locator(".gl-calculator-status")).to_contain_text("ready")
    control(page, "sex").select_option("male")
    wait_for_result(page)
    assert page.evaluate("() => window.__sameDocument") is True  # instant navigation, no reload
    page.go_back()
    page.wait_for_url(f"**/{GUIDELINE}/her2-positive/")
    page.go_forward()
    page.wait_for_url(f"**/{CALCULATOR}*")
    control(page, "sex").select_option("female")
    wait_for_result(page)
    for name in ("worker.js", "pyodide.asm.wasm", "calculators.zip"):
        assert sum(name in url for url in log.all) == 1, name
    context.close()
    assert log.foreign == []


def test_the_worker_starts_from_the_head_of_calculator_pages(
    browser: Browser, built_site: Path, instant_site_url: str
) -> None:
    # boot.js sits before the stylesheets of the calculator page, and on no page without a
    # calculator (a superseded version's page has its own).
    head = (built_site / CALCULATOR / "index.html").read_text().split("</head>")[0]
    assert '<script src="../../assets/calculator/boot.js"></script>' in head
    assert head.index("boot.js") < head.index('rel="stylesheet"')
    with_boot = [
        path.relative_to(built_site).as_posix()
        for path in built_site.rglob("*.html")
        if "boot.js" in path.read_text()
    ]
    with_calculator = [
        path.relative_to(built_site).as_posix()
        for path in built_site.rglob("*.html")
        if "data-gl-calculator=" in path.read_text()
    ]
    assert f"{CALCULATOR}index.html" in with_boot
    assert sorted(with_boot) == sorted(with_calculator)

    log = RequestLog()
    context = guarded_context(browser, log)
    page = context.new_page()
    page.goto(f"{instant_site_url}{CALCULATOR}#{BRANCHES['her2-positive']}")
    wait_for_result(page)
    started, parsed = page.evaluate(
        "() => [window.__glCalculator.runtime.timings.workerStarted,"
        " performance.getEntriesByType('navigation')[0].domInteractive]"
    )
    assert started < parsed  # while the page was still being parsed
    assert sum("worker.js" in url for url in log.all) == 1

    # A page without boot.js, then instant navigation to a calculator: calculator.js starts it.
    page = context.new_page()
    page.goto(instant_site_url)
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator("a", has_text="Metastatic breast cancer").first.click()
    page.wait_for_url(f"**/{GUIDELINE}/")
    page.locator("nav.md-nav a", has_text="Case calculator").first.click()
    page.wait_for_url(f"**/{CALCULATOR}")
    control(page, "sex").select_option("male")
    wait_for_result(page)
    assert page.evaluate("() => window.__sameDocument") is True
    context.close()
    assert log.foreign == []


WHY = """item => {
  const node = document.querySelector(`li.gl-result-item[data-item="${item}"]`);
  const why = node.querySelector("details.gl-why");
  return { kept: node.__mark === true, open: why.open, text: why.innerText };
}"""


def test_an_edit_redraws_only_the_items_it_changes_and_an_open_why_follows_it(
    open_page: OpenPage,
    site_url: str,
    cpython: Callable[[str], dict[str, Any]],
) -> None:
    fragment = BRANCHES["her2-positive"]
    page, _ = open_page(f"{site_url}{CALCULATOR}#{fragment}")
    wait_for_result(page)
    result = cpython(fragment)
    dose = next(item["id"] for item in result["dosing"] if item.get("dose"))
    warning = next(
        item
        for item in result["warnings"]
        if not item["general"]  # shown, not folded in "General points"
        and "weight_kg"
        in next(step["inputs"] for step in result["trace"] if step["table"] == item["table"])
    )
    others = [item["id"] for key in LISTS if key != "dosing" for item in result[key]]

    why = page.locator(f'li.gl-result-item[data-item="{warning["id"]}"] details.gl-why')
    why.locator("summary").click()
    # Its content is built on the "toggle" event, which fires after the click returns.
    expect(why.locator(".gl-why-facts")).to_be_visible()
    opened = page.evaluate(WHY, warning["id"])
    assert opened["open"] is True
    assert f"Rule\n{warning['rule']}" in opened["text"]
    rule_link = why.locator("a.gl-why-rule").evaluate("a => a.href")
    assert rule_link.endswith(f"/decision-logic/#rule-{warning['table']}-{warning['rule']}")
    assert "Body weight = 70 kg" in opened["text"]
    page.evaluate("""() => { for (const node of document.querySelectorAll("li.gl-result-item"))
                               node.__mark = true; }""")

    control(page, "weight_kg").fill("80")
    wait_for_result(page)
    expect(page.locator(".gl-result-dosing")).to_contain_text("4 mg/kg × 80 kg = 320 mg")
    assert page.evaluate(WHY, dose)["kept"] is False  # its text changed: drawn anew
    after = page.evaluate(WHY, warning["id"])
    assert after["kept"] is True  # the same node,
    assert after["open"] is True  # still open
    assert "Body weight = 80 kg" in after["text"]
    assert "Body weight = 70 kg" not in after["text"]
    assert all(page.evaluate(WHY, item)["kept"] for item in others)


# --- failures in plain words ------------------------------------------------------------------


class WasmAsOctetStream(SiteRequestHandler):
    extensions_map = {  # noqa: RUF012 - as in the parent class
        **SiteRequestHandler.extensions_map,
        ".wasm": "application/octet-stream",
    }


class JsAsOctetStream(SiteRequestHandler):
    extensions_map = {  # noqa: RUF012 - as in the parent class
        **SiteRequestHandler.extensions_map,
        ".js": "application/octet-stream",
    }


class WithoutWasm(SiteRequestHandler):
    def send_head(self) -> Any:
        if self.path.split("?")[0].endswith(".wasm"):
            self.send_error(404)
            return None
        return super().send_head()


def serve(root: Path, handler_class: type[SiteRequestHandler]) -> ThreadingHTTPServer:
    handler = functools.partial(handler_class, directory=str(root), base_path=BASE_PATH)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.quiet = True  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_wrong_wasm_type_is_survived_and_named(browser: Browser, built_site: Path) -> None:
    server = serve(built_site, WasmAsOctetStream)
    context = guarded_context(browser, RequestLog())
    page = context.new_page()
    page.goto(
        f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}{CALCULATOR}"
        f"#{BRANCHES['male-out-of-scope']}"
    )
    wait_for_result(page)
    status = page.locator(".gl-calculator-status")
    expect(status).to_contain_text('as "application/octet-stream"; configure application/wasm')
    context.close()
    server.shutdown()


def test_a_missing_runtime_fails_in_plain_words_and_the_page_stays(
    browser: Browser, built_site: Path
) -> None:
    server = serve(built_site, WithoutWasm)
    context = guarded_context(browser, RequestLog())
    page = context.new_page()
    page.goto(
        f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}{CALCULATOR}"
        f"#{BRANCHES['male-out-of-scope']}"
    )
    status = page.locator(".gl-calculator-status")
    expect(status).to_contain_text(
        f"The calculator could not start: the server answers 404 for {BASE_PATH}assets/pyodide/",
        timeout=READY_MS,
    )
    expect(status).to_contain_text("pyodide.asm.wasm")
    expect(status).to_contain_text("The guideline itself is complete without it")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".gl-calculator-form")).to_be_visible()
    context.close()
    server.shutdown()


def test_a_wrong_module_script_type_is_named(browser: Browser, built_site: Path) -> None:
    server = serve(built_site, JsAsOctetStream)
    context = guarded_context(browser, RequestLog())
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}{CALCULATOR}")
    expect(page.locator(".gl-calculator-status")).to_contain_text(
        f'the server sends {BASE_PATH}assets/calculator/worker.js as "application/octet-stream"; '
        "configure text/javascript for .js files",
        timeout=READY_MS,
    )
    context.close()
    server.shutdown()


def test_a_case_link_pasted_into_the_address_bar_recomputes_with_no_request(
    browser: Browser, instant_site_url: str, cpython: Callable[[str], dict[str, Any]]
) -> None:
    log = RequestLog()
    context = guarded_context(browser, log)  # service workers blocked
    page = context.new_page()
    page.goto(f"{instant_site_url}{CALCULATOR}#{BRANCHES['her2-positive']}")
    wait_for_result(page)
    page.wait_for_load_state("networkidle")
    before = len(log.all)
    second = BRANCHES["triple-negative"]
    page.evaluate("() => { window.__sameDocument = true; }")
    page.goto(f"{instant_site_url}{CALCULATOR}#{second}")  # only the fragment differs
    wait_for_result(page)
    assert shown_items(page)["recommendations"] == [
        item["id"] for item in cpython(second)["recommendations"] if not item.get("field")
    ]
    page.go_back()  # the previous case, again with no request
    wait_for_result(page)
    assert page.evaluate("() => window.__sameDocument") is True
    # Chromium itself checks the tab's icon again on every new history entry: not the page's.
    assert [url for url in log.all[before:] if not url.endswith("/favicon.png")] == []
    # Built with SITE_URL: the address is known, so pages name it as canonical.
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical == f"{instant_site_url}{CALCULATOR}"
    context.close()


# --- field relevance --------------------------------------------------------------------------

# runtime-client.js's relevance(), from the page: the module the page itself loaded (same URL,
# same module), so the request goes to the page's own worker.
RELEVANCE = """async ([guideline, fragment]) => {
  const page = document.querySelector('script[type="module"][src*="calculator-page.js"]');
  const client = await import(new URL("runtime-client.js", page.src).href);
  return await client.relevance(guideline, fragment);
}"""


@pytest.mark.parametrize("branch", ["her2-positive", "triple-negative"])
def test_the_worker_answers_field_relevance_as_cpython_does(
    calculator_page: SharedPage, branch: str
) -> None:
    page, _, errors = calculator_page
    fragment = BRANCHES[branch]
    answer = page.evaluate(RELEVANCE, [GUIDELINE, fragment])
    assert "error" not in answer, answer
    # What CPython answers, through the entry the worker calls in Pyodide.
    assert answer == json.loads(browser_entry.relevance_json(GUIDELINE, "fragment", fragment))
    assert any(not field["needed"] for field in answer["relevance"]["fields"])
    assert errors == []
