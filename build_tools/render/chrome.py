"""Page chrome of guideline pages, before the body: one compact block (the guideline's name,
version, date, review status in words and the audience switch; each notice as one line; a
"Details" disclosure with the review stepper, the source, the editorial policy, every notice in
full and the review history), then the title; related topics and the disclaimer after it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import jinja2

from build_tools.content.schema import REVIEW_STEPS, GuidelineMeta, SectionMeta
from build_tools.content.site import Guideline
from build_tools.notices import REVIEW_NOTICE_ID, review_notice, review_status_words
from build_tools.render.page import PageContext

STATUS_LABELS = {"submitted": "Submitted", "under_review": "Under review", "approved": "Approved"}
TITLE_ID = "guideline-page-title"


@dataclass(frozen=True)
class Step:
    status: str
    state: str  # done | current | todo


@dataclass(frozen=True)
class Banner:
    """A notice as the page chrome shows it (the same words every result carries)."""

    id: str
    title: str  # "" for a notice whose text says what it is
    text: str
    patient_text: str
    citations: str  # rendered citation HTML, or ""
    url: str | None  # where the notice is told in full
    summary: str  # one line, for the chrome (the title when the notice has no summary)
    patient_summary: str


@dataclass(frozen=True)
class RelatedLink:
    title: str
    url: str | None
    note: str | None


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("build_tools.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def format_date(value: dt.date) -> str:
    return f"{value.day} {value.strftime('%B')} {value.year}"


def review_steps(status: str) -> list[Step]:
    current = REVIEW_STEPS.index(status)
    return [
        Step(step, "done" if index < current else "current" if index == current else "todo")
        for index, step in enumerate(REVIEW_STEPS)
    ]


def _titles(guideline: Guideline, context: PageContext) -> tuple[str, str]:
    meta = context.page.meta
    if isinstance(meta, SectionMeta | GuidelineMeta):
        return meta.title, meta.patient_title
    return guideline.meta.title, guideline.meta.patient_title


def banners(guideline: Guideline, context: PageContext) -> list[Banner]:
    """The guideline's notices and its review status, on every page of the guideline (a notice
    told in full on this very page links to its anchor there)."""
    meta = guideline.meta
    found = []
    for notice in meta.notices:
        keys = [key.removeprefix("@") for key in notice.cite]
        if notice.anchor is None:
            url = None
        elif context.page is guideline.index:
            url = f"#{notice.anchor}"
        else:
            url = context.url_of(guideline.index.src_uri, notice.anchor)
        found.append(
            Banner(
                notice.id,
                notice.title,
                notice.text,
                notice.patient_text,
                context.render_citation(keys) if keys else "",
                url,
                notice.summary or notice.title,
                notice.patient_summary or notice.title,
            )
        )
    text, patient_text = review_notice(meta.review.status, meta.version)
    found.append(Banner(REVIEW_NOTICE_ID, "", text, patient_text, "", None, text, patient_text))
    return found


def audience_switch_html() -> str:
    """The clinician / patient wording switch (guideline.js drives it), also on the read-only
    pages of superseded versions."""
    return _environment().get_template("audience_switch.html").render()


def header_html(guideline: Guideline, context: PageContext) -> str:
    meta: GuidelineMeta = guideline.meta
    title, patient_title = _titles(guideline, context)
    notices = banners(guideline, context)
    status_words, patient_status_words = review_status_words(meta.review.status)
    return (
        _environment()
        .get_template("header.html")
        .render(
            guideline=meta,
            guideline_url=context.url_of(guideline.index.src_uri),
            steps=review_steps(meta.review.status),
            status_labels=STATUS_LABELS,
            format_date=format_date,
            editorial_policy_url=context.url_of(meta.editorial_policy),
            title=title,
            patient_title=patient_title,
            title_id=TITLE_ID,
            notices=notices,
            # The review status has its words on the first line: the other notices, one line each.
            notice_lines=[notice for notice in notices if notice.id != REVIEW_NOTICE_ID],
            status_words=status_words,
            patient_status_words=patient_status_words,
            versions_url=(
                context.url_of(guideline.versions_page.src_uri)
                if guideline.versions_page is not None
                else None
            ),
        )
    )


def footer_html(guideline: Guideline, context: PageContext, disclaimer_html: str) -> str:
    meta = guideline.meta
    related = [
        RelatedLink(topic.title, context.url_of(topic.page) if topic.page else None, topic.note)
        for topic in meta.related
        if topic.page != context.page.src_uri
    ]
    return (
        _environment()
        .get_template("footer.html")
        .render(
            related=related,
            disclaimer_html=disclaimer_html,
            disclaimer_url=context.url_of(meta.disclaimer),
        )
    )
