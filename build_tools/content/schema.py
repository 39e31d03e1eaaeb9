"""The front-matter schema of the three page types, as strict pydantic models.

Unknown keys, wrong types, bad dates and unknown values are rejected; :func:`validate_front_matter`
turns pydantic's errors into :class:`~build_tools.findings.Finding` objects that point at the exact
line of the offending key and say what to write instead.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from build_tools.findings import Finding
from build_tools.located_yaml import LocatedMap, line_of_path

ReviewStatus = Literal["submitted", "under_review", "approved"]
REVIEW_STEPS: tuple[ReviewStatus, ...] = ("submitted", "under_review", "approved")
ReferenceGroup = Literal["source", "newer_guidance", "see_also", "safety"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_IDENTIFIER = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _iso_date(value: Any) -> Any:
    """Accept a YAML date or a ``YYYY-MM-DD`` string; nothing else (no timestamps, no times)."""
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date without a time, written YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a real date ({error})") from None
    raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD, e.g. 2026-01-26")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Identifier = Annotated[str, Field(pattern=_IDENTIFIER)]
Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewEvent(_Strict):
    date: IsoDate
    status: ReviewStatus
    by: Text
    version: str | None = None  # the guideline version the event concerns
    note: str | None = None  # what changed, in a sentence


class Review(_Strict):
    status: ReviewStatus
    history: Annotated[list[ReviewEvent], Field(min_length=1)]


class SourceDocument(_Strict):
    title: Text
    publisher: Text
    last_updated: IsoDate
    url: str | None = None


class RelatedTopic(_Strict):
    title: Text
    page: str | None = None
    note: str | None = None


class Reference(_Strict):
    key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*$")]
    type: Literal["guideline", "label", "article", "website"]
    title: Text
    authors: list[Text] = []
    container: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    note: str | None = None  # for readers: shown after the entry in the reference list
    internal_note: str | None = None  # for editors: kept with the reference, never shown
    reconstructed: bool = False
    group: ReferenceGroup = "source"


class Notice(_Strict):
    """A notice shown on every guideline page and carried by every result (e.g. the currency of
    the source). Its citations and the patient wording's numbers are checked by the decision
    engine (build_tools.tables), which compiles it into the results."""

    id: Identifier
    title: Text
    text: Text
    patient_text: Text
    cite: list[Text] = []
    anchor: Annotated[str, Field(pattern=_IDENTIFIER)] | None = None  # a point of index.md
    # One line each wording, for the page chrome only (the full texts are what results carry);
    # without them the chrome's line is the title.
    summary: Text | None = None
    patient_summary: Text | None = None

    @model_validator(mode="after")
    def _summaries_in_both_wordings(self) -> Notice:
        if (self.summary is None) != (self.patient_summary is None):
            raise ValueError(
                "has a summary in one wording only: write both 'summary' and 'patient_summary'"
                " (or neither)"
            )
        return self


class PolicyWording(_Strict):
    clinician: Text
    patient: Text


class Policy(_Strict):
    """A value this site chose where its source gives none (a cut-off, a lower limit of normal,
    a rounding): declared once, named by table cells and texts (``{policy:<id>}``), listed on the
    ``::: policies`` page. Its citations and uses are checked by the decision engine."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")]
    value: Annotated[float, Field(strict=True)] | Annotated[int, Field(strict=True)]
    unit: str = ""
    text: PolicyWording  # what the policy decides, in both wordings
    why: Text  # why this value: what the source says, what the value rests on
    cite: list[Text] = []


HideOption = Literal["navigation", "toc", "footer", "path"]


class PageMeta(_Strict):
    """A site-wide page (home, editorial policy, disclaimer)."""

    type: Literal["page"]
    title: Text
    description: str | None = None
    hide: list[HideOption] = []


class GuidelineMeta(_Strict):
    """A guideline's ``index.md``: metadata, references and case inputs."""

    type: Literal["guideline"]
    id: Identifier
    title: Text
    patient_title: Text
    version: Text
    last_updated: IsoDate
    source: SourceDocument | None = None
    review: Review
    editorial_policy: Text
    disclaimer: Text
    related: list[RelatedTopic] = []
    references: Annotated[list[Reference], Field(min_length=1)]
    notices: list[Notice] = []
    policies: list[Policy] = []
    # Validated by build_tools.tables, which owns the decision model.
    case_inputs: list[Any] | None = None
    agents: list[Any] | None = None
    safety: list[Any] | None = None
    hide: list[HideOption] = []


class SectionMeta(_Strict):
    """One section page of a guideline."""

    type: Literal["section"]
    id: Identifier
    title: Text
    patient_title: Text
    order: int
    # Validated by build_tools.tables, which owns the decision model.
    items: dict[str, Any] | None = None
    decision_tables: list[Any] | None = None
    hide: list[HideOption] = []


AnyMeta = PageMeta | GuidelineMeta | SectionMeta
_MODELS: dict[str, type[AnyMeta]] = {
    "page": PageMeta,
    "guideline": GuidelineMeta,
    "section": SectionMeta,
}


def _describe(loc: tuple[str | int, ...]) -> str:
    parts: list[str] = []
    for step in loc:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            parts.append(("." if parts else "") + step)
    return "".join(parts) or "front matter"


def _finding(file: str, front_matter: LocatedMap, error: Any, model: type[BaseModel]) -> Finding:
    loc = tuple(step for step in error["loc"] if not str(step).startswith("function-"))
    where = _describe(loc)
    line = line_of_path(front_matter, loc, front_matter.line)
    kind = error["type"]
    if kind == "missing":
        return Finding(
            file,
            line,
            f"missing required key '{where}'",
            f"add '{loc[-1]}:' here (see AUTHORING.md)",
        )
    if kind == "extra_forbidden":
        return Finding(
            file,
            line,
            f"unknown key '{where}'",
            "remove it or fix its spelling (see AUTHORING.md for the allowed keys)",
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return Finding(
            file,
            line,
            f"'{where}' is {error['input']!r}, which is not allowed",
            f"use one of {expected}",
        )
    if kind == "string_pattern_mismatch":
        return Finding(
            file,
            line,
            f"'{where}' is {error['input']!r}, which is not a valid id",
            "use lowercase letters, digits and single hyphens, e.g. her2-positive",
        )
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return Finding(file, line, f"'{where}' {message}", "fix the value")
    if kind == "string_type":
        return Finding(
            file,
            line,
            f"'{where}' must be text, not {error['input']!r}",
            'quote the value, e.g. version: "1.0"',
        )
    return Finding(file, line, f"'{where}': {error['msg']}", "fix the value (see AUTHORING.md)")


def validate_front_matter(
    file: str, front_matter: LocatedMap
) -> tuple[AnyMeta | None, list[Finding]]:
    """Validate ``front_matter`` against the model its ``type`` names."""
    page_type = front_matter.get("type")
    model = _MODELS.get(page_type) if isinstance(page_type, str) else None
    if model is None:
        line = front_matter.line_of("type")
        what = "missing" if page_type is None else f"{page_type!r} is not a page type"
        return None, [
            Finding(
                file,
                line,
                f"front matter key 'type' is {what}",
                "set 'type:' to page, guideline or section",
            )
        ]
    try:
        return model.model_validate(dict(front_matter)), []
    except ValidationError as error:
        return None, [_finding(file, front_matter, item, model) for item in error.errors()]
