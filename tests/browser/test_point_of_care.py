"""The calculator at the point of care, on a 1366 x 900 screen and on a 390 x 844 phone: the
answer is in view on opening a case link (the source's first choice and what newer guidance says
for it) and while the last field of the form is edited, a needs-information result asks the most
decisive finding first (what each answer leads to, a button for each, the full list one click
away), the form says which fields cannot change the result and never calls unneeded a field that
decides with another, "new case" clears the case, and printing stays one page for every golden
case."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

import calculators
from tests.support.calculator_page import (
    BRANCHES,
    control,
    fragment_of,
    wait_for_relevance,
    wait_for_result,
)
from tests.support.chromium import RequestLog, guarded_context
from tests.support.paths import CALCULATOR_PATH, DATA, GUIDELINE

pytestmark = pytest.mark.browser

GOLDEN = yaml.safe_load((DATA / "golden_cases.yml").read_text(encoding="utf-8"))["cases"]

# Whether an element is drawn and wholly inside the viewport, below the theme's header and above
# the summary bar when the bar shows (unless it is in the bar).
IN_VIEW = """node => {
  const rect = node.getBoundingClientRect();
  if (!rect.width || !rect.height || getComputedStyle(node).visibility === 'hidden') return false;
  const header = document.querySelector('.md-header');
  const top = header ? header.getBoundingClientRect().bottom : 0;
  const bar = document.querySelector('.gl-summary-bar');
  const covered = bar && !bar.hidden && !bar.contains(node);
  const bottom = covered ? bar.getBoundingClientRect().top : innerHeight;
  return rect.top >= top - 1 && rect.bottom <= bottom + 1 && rect.left >= 0 &&
    rect.right <= innerWidth + 1;
}"""


def visible_summary(page: Page, text: str) -> list[str]:
    """The summary elements (in the result panel or in the summary bar) showing `text` that are
    inside the viewport."""
    found: list[str] = page.evaluate(
        """(text) => {
          const check = """
        + IN_VIEW
        + """;
          const nodes = document.querySelectorAll(
            '.gl-result-summary dd, .gl-result-summary li, .gl-summary-bar-text');
          return Array.from(nodes)
            .filter((node) => node.textContent.includes(text) && check(node))
            .map((node) => node.className || node.tagName);
        }""",
        text,
    )
    return found


def test_the_first_choice_is_in_view_on_opening_a_case_link(
    sized_page: Page, site_url: str, cpython: Callable[[str], dict[str, Any]]
) -> None:
    fragment = BRANCHES["her2-positive"]
    first = next(
        item for item in cpython(fragment)["recommendations"] if item["rank"] == "preferred"
    )
    sized_page.goto(f"{site_url}{CALCULATOR_PATH}#{fragment}")
    wait_for_result(sized_page)
    sized_page.wait_for_timeout(100)  # the bar is placed on the next animation frame
    assert sized_page.evaluate("() => scrollY") == 0
    assert visible_summary(sized_page, first["text"][:40]), "first choice not in view"
    expect(sized_page.locator(".gl-summary-bar")).to_contain_text("Complete")


def test_the_summary_follows_an_edit_of_the_last_field(
    sized_page: Page, site_url: str, cpython: Callable[[str], dict[str, Any]]
) -> None:
    fragment = BRANCHES["her2-positive"]
    sized_page.goto(f"{site_url}{CALCULATOR_PATH}#{fragment}")
    wait_for_result(sized_page)
    last = sized_page.locator(".gl-calculator-form").locator("select, input").last
    name = last.get_attribute("name")
    assert name == "weight_kg"  # the form's last field, a dose input of this case
    last.scroll_into_view_if_needed()
    last.fill("80")
    wait_for_result(sized_page)
    assert sized_page.evaluate(IN_VIEW, last.element_handle()), "the field is covered"
    expected = cpython(fragment.replace("weight_kg=70", "weight_kg=80"))
    total = expected["dosing"][0]["dose"]["total"]
    sized_page.wait_for_timeout(100)
    assert visible_summary(sized_page, f"{total} mg"), "the updated dose is not in view"


def test_a_needs_information_result_asks_the_most_decisive_question_first(
    sized_page: Page, site_url: str, cpython: Callable[[str], dict[str, Any]]
) -> None:
    fragment = BRANCHES["findings-not-stated"]
    # Waited for: the findings whose answer could change the treatment; those that change only
    # other advice or the prognosis are asked for in the work-up, not waited for.
    asked = [item for item in cpython(fragment)["workup"] if item.get("field")]
    waiting = [item["field"] for item in asked if item["needed_for"] == "treatment"]
    others = [item["field"] for item in asked if item["needed_for"] != "treatment"]
    assert waiting
    assert others
    case = calculators.case_from_fragment(GUIDELINE, fragment)
    questions: Sequence[Mapping[str, Any]] = calculators.questions(GUIDELINE, case)
    ranked = [question["field"] for question in questions]
    decisive = [question for question in questions if question["needed_for"] != "prognosis"]
    sized_page.goto(f"{site_url}{CALCULATOR_PATH}#{fragment}")
    wait_for_relevance(sized_page)
    status = sized_page.locator(".gl-calculator-summary")
    expect(status).to_contain_text("Needs information")
    # One question at a time: the status names the most decisive, the next question shows what
    # each answer leads to, and the full list, in the same order, is one click away.
    links = status.locator("a.gl-summary-field")
    assert links.evaluate_all("links => links.map(a => a.dataset.field)") == [ranked[0]]
    next_question = sized_page.locator(".gl-next-question")
    expect(next_question.locator(".gl-next-question-ask a")).to_have_attribute(
        "data-field", decisive[0]["field"]
    )
    expect(next_question.locator(".gl-next-question-answers li")).to_have_text(
        [answer["text"] for answer in decisive[0]["answers"]]
    )
    listed = next_question.locator(".gl-next-question-all a.gl-summary-field")
    assert listed.evaluate_all("links => links.map(a => a.dataset.field)") == ranked
    for name in waiting:
        field = sized_page.locator(f'.gl-field[data-field="{name}"]')
        expect(field).to_have_attribute("data-state", "waiting")
        expect(field.locator(".gl-field-note")).not_to_be_empty()
    for name in others:
        field = sized_page.locator(f'.gl-field[data-field="{name}"]')
        expect(field).not_to_have_attribute("data-state", "waiting")
    next_question.locator(".gl-next-question-all > summary").click()
    for name in waiting:
        listed.and_(sized_page.locator(f'[data-field="{name}"]')).click()
        assert sized_page.evaluate("() => document.activeElement.name") == name
        assert sized_page.evaluate(IN_VIEW, control(sized_page, name).element_handle())
        assert "=" in sized_page.evaluate("() => location.hash")  # the case stays in the link
        # Back to the list for the next field (on a phone it is above the form).
        next_question.scroll_into_view_if_needed()


def test_answering_the_next_question_moves_on(sized_page: Page, site_url: str) -> None:
    fragment = BRANCHES["findings-not-stated"]
    sized_page.goto(f"{site_url}{CALCULATOR_PATH}#{fragment}")
    wait_for_relevance(sized_page)
    ask = sized_page.locator(".gl-next-question-ask")
    first = ask.locator("a").get_attribute("data-field")
    assert first
    ask.locator('button[data-value="false"]').click()
    wait_for_relevance(sized_page)
    assert control(sized_page, first).input_value() == "false"
    assert f"{first}=false" in sized_page.evaluate("() => location.hash")
    expect(ask.locator("a")).not_to_have_attribute("data-field", first)


@pytest.mark.parametrize("branch", ["her2-positive", "hr-positive-postmenopausal"])
def test_the_headline_shows_the_source_and_newer_guidance(
    sized_page: Page, site_url: str, cpython: Callable[[str], dict[str, Any]], branch: str
) -> None:
    """In the first screen of a case link: the source's first choice, labelled as the
    source's with its year, and what newer guidance says for it, cited."""
    fragment = BRANCHES[branch]
    first = [item for item in cpython(fragment)["recommendations"] if item["rank"] == "preferred"]
    pointer = next(item["newer_guidance"] for item in first if item["newer_guidance"])
    sized_page.goto(f"{site_url}{CALCULATOR_PATH}#{fragment}")
    wait_for_result(sized_page)
    sized_page.wait_for_timeout(100)  # the bar is placed on the next animation frame
    assert sized_page.evaluate("() => scrollY") == 0
    expect(sized_page.locator(".gl-summary-first dt")).to_have_text(
        "First choice in the source (Dr.Oracle, 2026)"
    )
    newer = sized_page.locator(".gl-summary-newer")
    expect(newer.locator("dt")).to_contain_text("Newer guidance")
    opening = pointer["text"].split(". ")[0]
    expect(newer.locator("li").first).to_contain_text(opening)
    cited = newer.locator("li").first.locator("sup.gl-cite a")
    assert (
        cited.evaluate_all("links => links.map(a => Number(a.textContent))")
        == (pointer["citations"])
    )
    # Both layers in view without scrolling: in the result panel beside the form, or in the
    # summary bar on a phone, where the result comes after the form.
    assert visible_summary(sized_page, first[0]["text"][:40]), "first choice not in view"
    assert visible_summary(sized_page, opening[:40]), "newer guidance not in view"


def test_new_case_clears_the_form_and_the_fragment(sized_page: Page, site_url: str) -> None:
    sized_page.goto(f"{site_url}{CALCULATOR_PATH}#{BRANCHES['findings-not-stated']}")
    wait_for_result(sized_page)
    sized_page.locator(".gl-calculator-reset").click()
    expect(sized_page.locator(".gl-calculator-summary")).to_contain_text("Fill in the case")
    assert sized_page.evaluate("() => location.hash") == ""
    fragments = sized_page.evaluate(
        "() => Array.from(window.__glCalculator.calculators).map(c => c.form.fragment())"
    )
    assert fragments == [""]  # every field at its default
    assert sized_page.locator(".gl-result-item").count() == 0
    assert sized_page.locator(".gl-field[data-state]").count() == 0
    expect(sized_page.locator(".gl-summary-bar")).to_be_hidden()
    assert sized_page.evaluate("() => document.activeElement.name") == "sex"
    # Reloading shows an empty case too: the fragment is gone from the address bar.
    sized_page.reload()
    expect(sized_page.locator(".gl-calculator-summary")).to_contain_text("Fill in the case")


def test_fields_that_cannot_change_the_result_say_why(sized_page: Page, site_url: str) -> None:
    sized_page.goto(f"{site_url}{CALCULATOR_PATH}#{BRANCHES['her2-positive-cardiac-dysfunction']}")
    wait_for_result(sized_page)
    # FISH decides HER2 status whenever IHC is not 3+: never "not needed", but not decisive.
    fish = sized_page.locator('.gl-field[data-field="her2_fish"]')
    expect(fish).to_have_attribute("data-state", "together", timeout=10_000)
    expect(fish.locator(".gl-field-note")).to_contain_text("Not decisive while “HER2")
    # Not hidden or disabled: the clinician may still state it.
    expect(control(sized_page, "her2_fish")).to_be_enabled()
    # With cardiac dysfunction no trastuzumab dose is given (a cardiac assessment comes first),
    # so the weight cannot change the result either; without it, the weight sets the doses.
    weight = sized_page.locator('.gl-field[data-field="weight_kg"]')
    expect(weight).to_have_attribute("data-state", "not-needed", timeout=10_000)
    control(sized_page, "cardiac_dysfunction").select_option("false")
    wait_for_result(sized_page)
    expect(weight).not_to_have_attribute("data-state", "not-needed", timeout=10_000)
    # A man: out of scope, so the menopausal status cannot matter.
    control(sized_page, "sex").select_option("male")
    wait_for_result(sized_page)
    menopause = sized_page.locator('.gl-field[data-field="menopausal_status"]')
    expect(menopause).to_have_attribute("data-state", "not-needed", timeout=10_000)


def test_er_and_pr_each_deciding_are_never_called_unneeded(sized_page: Page, site_url: str) -> None:
    """ER and PR both positive: each is sufficient alone, so neither changes the result on its
    own; the notes say what the other does, never that the result entered does not matter."""
    sized_page.goto(f"{site_url}{CALCULATOR_PATH}#{BRANCHES['hr-positive-postmenopausal']}")
    wait_for_relevance(sized_page)
    for name, other in (("er_status", "Progesterone"), ("pr_status", "Estrogen")):
        field = sized_page.locator(f'.gl-field[data-field="{name}"]')
        expect(field).to_have_attribute("data-state", "together")
        note = field.locator(".gl-field-note")
        expect(note).to_contain_text(f"Not decisive while “{other} receptor")
        expect(note).not_to_contain_text("Not needed")


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.slow
def test_print_is_one_page_for_every_golden_case(
    browser: Browser, site_url: str, tmp_path: Path
) -> None:
    context = guarded_context(browser, RequestLog())
    page = context.new_page()
    page.goto(f"{site_url}{CALCULATOR_PATH}")
    longer: dict[str, int] = {}
    for case in GOLDEN:
        page.evaluate("f => { location.hash = f; }", fragment_of(case["case"]))
        wait_for_result(page)
        # A4, with the margins the page's own CSS sets (@page), as a print dialog uses them.
        pages = _pages(page.pdf(format="A4"))
        if pages != 1:
            longer[case["name"]] = pages
    context.close()
    assert longer == {}
