"""The reference list as citeproc formats it (NLM / Vancouver): every reference of every guideline
numbered as the citations number it, no doubled full stops, no internal note on the page, the
public note after the entry, markup in a field escaped, and a list cut short ending "et al."."""

from __future__ import annotations

import re
from functools import cache
from html import unescape

import pytest

from build_tools.content.schema import Reference
from build_tools.content.site import SiteContent
from build_tools.interchange.bibliography import doubled_stops, formatted_references
from build_tools.pipeline import SiteBuild
from build_tools.render.references import reference_list_html
from tests.support.paths import GUIDELINE, ROOT


@cache
def site() -> SiteContent:
    """The project's pages as the build loads them (the pipeline's loader alone)."""
    return SiteBuild.of(ROOT, tables=False).content


def guideline_references() -> dict[str, list[Reference]]:
    return {gid: list(g.meta.references) for gid, g in site().guidelines.items()}


def _reference(**fields: object) -> Reference:
    return Reference.model_validate({"key": "k", "type": "article", "title": "T", **fields})


@pytest.mark.parametrize("guideline_id", sorted(guideline_references()))
def test_every_reference_is_formatted_in_list_order(guideline_id: str) -> None:
    references = guideline_references()[guideline_id]
    formatted = formatted_references(references)
    assert [(entry.key, entry.number) for entry in formatted] == [
        (reference.key, number) for number, reference in enumerate(references, start=1)
    ]
    for entry, reference in zip(formatted, references, strict=True):
        assert entry.text.startswith(tuple(reference.authors[:1]) or reference.title[:20]), entry
        assert reference.title.rstrip(".") in entry.text
        assert doubled_stops(entry.text) == [], entry.text
        if reference.year is not None:
            assert str(reference.year) in entry.text


@pytest.mark.parametrize("guideline_id", sorted(guideline_references()))
def test_the_rendered_list_has_no_doubled_stops_and_no_internal_note(guideline_id: str) -> None:
    references = guideline_references()[guideline_id]
    html = reference_list_html(references)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    assert doubled_stops(text) == []
    assert text.count("Formatted in the NLM (Vancouver) style") == 1
    for reference in references:
        if reference.internal_note:
            assert reference.internal_note[:40] not in text, reference.key
        if reference.note:
            assert " ".join(reference.note.split())[:40] in " ".join(text.split()), reference.key


def test_this_guideline_keeps_editors_notes_apart() -> None:
    references = guideline_references()[GUIDELINE]
    assert any(reference.internal_note for reference in references)
    for reference in references:
        # what an editor writes about the record itself belongs in internal_note
        assert "not recorded" not in (reference.note or ""), reference.key


def test_a_list_cut_short_ends_with_et_al_and_initials_are_kept() -> None:
    [entry] = formatted_references(
        [_reference(authors=["Slamon DJ", "et al."], container="N Engl J Med", year=2001)]
    )
    assert entry.text.startswith("Slamon DJ, et al. T. N Engl J Med. 2001")


def test_markup_in_a_field_is_escaped() -> None:
    [entry] = formatted_references(
        [_reference(title="A <b> & B", authors=["R&D Group"], container="J <x>", year=2000)]
    )
    assert "<" not in entry.html
    assert entry.html.startswith("R&amp;D Group. A &lt;b&gt; &amp; B. J &lt;x&gt;. 2000")


def test_a_title_ending_in_punctuation_ends_the_sentence_once() -> None:
    for title in ("Is it safe?", "A study.", "Dosing, etc."):
        [entry] = formatted_references([_reference(title=title, container="Lancet", year=1999)])
        assert doubled_stops(entry.text) == [], entry.text
        assert f"{title} Lancet. 1999." in entry.text


def test_a_guideline_in_a_journal_is_a_journal_article() -> None:
    [entry] = formatted_references(
        [
            _reference(
                type="guideline", container="J Clin Oncol", year=2021, volume="39", pages="1-9"
            )
        ]
    )
    assert entry.text == "T. J Clin Oncol. 2021;39:1–9."
