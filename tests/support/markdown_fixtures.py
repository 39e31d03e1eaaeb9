"""What the fixture tests of :mod:`tests.markdown` share: reading and rewriting fixture files,
rendering a fixture's Markdown as the site renders a page body, and summarising what the content
loader collects from a page.

Fixture files use markdown-it-py's format (:func:`markdown_it.utils.read_fixture_file`): a title
line, a line holding only ``.``, the input, ``.``, the expected output, ``.``. Text between cases
is free commentary. A case's id is ``<file>:<line of its title>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown_it.utils import read_fixture_file

from build_tools.content.pages import ParsedPage, parse_page
from build_tools.content.schema import GuidelineMeta, Policy, PolicyWording, Reference
from build_tools.content.site import Guideline, SiteContent
from build_tools.markdown.blocks import DIRECTIVES
from build_tools.markdown.parser import make_parser
from build_tools.render.page import PageContext, render_body

FIXTURES = Path(__file__).resolve().parents[1] / "markdown" / "fixtures"
RULE_FIXTURES = FIXTURES  # <rule module>.md: Markdown -> HTML of the page body
COLLECTED_FIXTURES = FIXTURES / "collected"  # Markdown page -> what parse_page collects

# The page every rule fixture is rendered as: a section of a guideline "demo" whose reference
# list lives on demo/references.md. Its URL is demo/section/, so links and the reference list
# come out relative to that.
PAGE_SRC_URI = "demo/section.md"
PAGE_DISPLAY_PATH = "docs/demo/section.md"
REFERENCES_SRC_URI = "demo/references.md"
REFERENCES = [
    Reference(key="smith-2020", type="article", title="Trials of sorting"),
    Reference(key="doi:10.1/x.y", type="article", title='Keys with "odd" <characters> & more'),
    Reference(key="label_2", type="label", title="A drug label"),
]
# The site policies of the demo guideline, listed on demo/policies.md.
POLICIES_SRC_URI = "demo/policies.md"
POLICIES = [
    Policy(
        id="long_interval_months",
        value=24,
        unit="months",
        text=PolicyWording(
            clinician="An interval of more than 24 months is long.", patient="Long."
        ),
        why="The source says only 'long'.",
    ),
    Policy(
        id="lower_limit_percent",
        value=50,
        unit="%",
        text=PolicyWording(clinician="Below 50% is low & <b>abnormal</b>.", patient="Low."),
        why="A round figure.",
    ),
    Policy(
        id="rounding",
        value=0.5,
        text=PolicyWording(clinician="Doses to the nearest 0.5.", patient="Rounded."),
        why="Syringes.",
    ),
]


@dataclass(frozen=True)
class Case:
    """One case of a fixture file."""

    file: Path
    line: int  # 1-based line of the case's title
    title: str
    input: str
    expected: str

    @property
    def id(self) -> str:
        return f"{self.file.name}:{self.line}"


def fixture_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.md"))


def read_cases(path: Path) -> list[Case]:
    # read_fixture_file gives [index of the opening '.', title, input, expected]; the index of
    # that '.' (0-based) is the 1-based line of the title.
    return [
        Case(path, int(line), str(title), str(source), str(expected))
        for line, title, source, expected in read_fixture_file(path)
    ]


def cases(folder: Path) -> list[Case]:
    return [case for path in fixture_files(folder) for case in read_cases(path)]


def as_fixture_output(text: str) -> str:
    """``text`` as it is written in an expected-output section (ending with a newline unless
    empty)."""
    return text if text == "" or text.endswith("\n") else text + "\n"


# --- rendering the body of a page --------------------------------------------------------------


def _directive_stub(name: str) -> Callable[[], str]:
    # The real directives (reference_list_html, ...) return a block of HTML with no trailing
    # newline; the stub does the same, so what follows a directive shows as it does on the site.
    return lambda: f'<div data-directive="{name}"></div>'


def _after_point(anchor: str) -> str:
    # The real hook (render/pointers.py) adds newer guidance at the end of some points; the stub
    # marks the end of every point so the fixtures show which anchor each closing '::::' ends.
    return f'<p data-after-point="{anchor}"></p>\n'


def page_context(text: str) -> PageContext:
    """The :class:`PageContext` the site renderer builds, for ``text`` as the body of
    ``demo/section.md``: tokens parsed as :func:`parse_page` parses them, the real
    ``render_citation`` (reference numbers from :data:`REFERENCES`) and ``resolve_href``, stub
    directives and a stub ``after_point``."""
    tokens = make_parser().parse(text, {})
    page = ParsedPage(PAGE_SRC_URI, PAGE_DISPLAY_PATH, None, None, tokens)
    references_page = ParsedPage(REFERENCES_SRC_URI, "docs/demo/references.md", None, None, [])
    policies_page = ParsedPage(POLICIES_SRC_URI, "docs/demo/policies.md", None, None, [])
    meta = GuidelineMeta.model_construct(
        type="guideline", id="demo", references=REFERENCES, policies=POLICIES
    )
    numbers = {reference.key: number for number, reference in enumerate(REFERENCES, start=1)}
    guideline = Guideline(meta, "demo", references_page, [page], numbers, references_page)
    guideline.policies_page = policies_page
    site = SiteContent(
        {PAGE_SRC_URI: page, REFERENCES_SRC_URI: references_page, POLICIES_SRC_URI: policies_page},
        {"demo": guideline},
    )
    directives = {name: _directive_stub(name) for name in DIRECTIVES}
    return PageContext(site, page, guideline, directives, _after_point)


def render_rule_fixture(text: str) -> str:
    """The body HTML of a page holding ``text``; an exception the renderer raises is written
    as one line ``!! raises <Type>: <message>`` (e.g. an unknown citation key, which the content
    loader reports before anything is rendered)."""
    try:
        return render_body(page_context(text)).html
    except Exception as error:  # the fixture records what is raised
        return f"!! raises {type(error).__name__}: {error}\n"


# --- what the content loader collects from a page ----------------------------------------------

COLLECTED_SRC_URI = "demo/page.md"
COLLECTED_DISPLAY_PATH = "docs/demo/page.md"


def collect_page(text: str, folder: Path) -> str:
    """What :func:`parse_page` collects from a page holding ``text``, one field a line, and its
    findings (``file:line: message -> remedy``), one a line."""
    path = folder / "page.md"
    path.write_text(text, encoding="utf-8")
    page, findings = parse_page(path, COLLECTED_SRC_URI, COLLECTED_DISPLAY_PATH)
    anchors = ", ".join(f"{anchor} ({line})" for anchor, line in page.anchors.items())
    directives = ", ".join(f"{name} ({line})" for name, line in page.directives.items())
    citations = " | ".join(
        f"{use.line}: {', '.join(use.keys) or '(none)'}" for use in page.citations
    )
    links = " | ".join(f"{use.line}: {use.href}" for use in page.links)
    policies = " | ".join(f"{use.line}: {use.id}" for use in page.policies)
    lines = [
        f"meta: {type(page.meta).__name__ if page.meta is not None else '-'}",
        f"anchors: {anchors or '-'}",
        f"heading ids: {', '.join(sorted(page.heading_ids)) or '-'}",
        f"citations: {citations or '-'}",
        f"links: {links or '-'}",
        *([f"policies: {policies}"] if policies else []),
        f"directives: {directives or '-'}",
        "findings:" + ("" if findings else " -"),
        *(f"  {finding}" for finding in findings),
    ]
    return "\n".join(lines) + "\n"
