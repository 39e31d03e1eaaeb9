"""The "Use this guideline elsewhere" page and the files it lists: the site publishes the case
schema with the changelogs; the page links every export and every changelog relative to itself,
shows the command line and the Python API; release records leave the page out (it is about the
guideline's formats, not its content)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from jsonschema import Draft202012Validator

from build_tools.interchange.case_schema import case_schema_json, schema_path
from build_tools.interchange.dmn import dmn_path
from build_tools.interchange.fhir import fhir_bundle_json, fhir_path
from build_tools.interchange.references import csl_path, ris_path
from build_tools.render.renderer import SiteRenderer
from build_tools.render.versions import changelog_file
from build_tools.versions.record import record_of
from tests.support.paths import GUIDELINE

PAGE = f"{GUIDELINE}/use-elsewhere.md"


@pytest.fixture(scope="module")
def page_html(renderer: SiteRenderer) -> str:
    return renderer.render(PAGE).html


def test_the_site_publishes_the_case_schema(
    published: dict[str, object], renderer: SiteRenderer
) -> None:
    text = published[f"{GUIDELINE}/case.schema.json"]
    model = renderer.decision_models[GUIDELINE]
    title = renderer.site.guidelines[GUIDELINE].meta.title
    assert text == case_schema_json(model, title)
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    assert Draft202012Validator(schema).is_valid({"sex": "female"})
    assert not Draft202012Validator(schema).is_valid({"sex": "unknown-value"})
    assert model.version in schema["title"]


def test_the_site_publishes_the_fhir_bundle(
    published: dict[str, object], renderer: SiteRenderer, page_html: str
) -> None:
    model = renderer.decision_models[GUIDELINE]
    guideline = renderer.site.guidelines[GUIDELINE]
    assert published[fhir_path(GUIDELINE)] == fhir_bundle_json(model, guideline)
    assert fhir_path(GUIDELINE) == f"{GUIDELINE}/{GUIDELINE}.fhir.json"
    assert f'href="../{GUIDELINE}.fhir.json" download' in page_html
    assert "FHIR R4B" in unescape(page_html)


def test_the_page_is_the_guidelines_use_elsewhere_page(renderer: SiteRenderer) -> None:
    guideline = renderer.site.guidelines[GUIDELINE]
    assert guideline.use_elsewhere_page is not None
    assert guideline.use_elsewhere_page.src_uri == PAGE
    assert any(topic.page == PAGE for topic in guideline.meta.related)


def _links(html: str) -> list[str]:
    block = html.split('<ul class="gl-downloads">', 1)[1].split("</ul>", 1)[0]
    return [unescape(href) for href in re.findall(r'<a href="([^"]+)" download>', block)]


def test_the_page_links_every_download_from_where_it_is(
    published: dict[str, object], renderer: SiteRenderer, page_html: str
) -> None:
    history = renderer.histories[GUIDELINE]
    exports = [export.path for export in renderer.exports(GUIDELINE)]
    assert exports[:4] == [
        dmn_path(GUIDELINE),
        schema_path(GUIDELINE),
        csl_path(GUIDELINE),
        ris_path(GUIDELINE),
    ]
    expected = exports + [
        changelog_file(GUIDELINE, version) for version in sorted(history.changelogs, reverse=True)
    ]
    assert history.changelogs  # this guideline has a changelog to list
    # The page is at <id>/use-elsewhere/: every file is one folder up.
    assert _links(page_html) == ["../" + path.removeprefix(f"{GUIDELINE}/") for path in expected]
    assert all(path in published for path in expected)


def test_the_page_shows_the_command_line_and_the_python_api(
    renderer: SiteRenderer, page_html: str
) -> None:
    text = unescape(page_html)
    previous = renderer.histories[GUIDELINE].previous
    assert previous is not None
    assert f"python -m calculators {GUIDELINE} case.json" in text
    assert f"python -m calculators {GUIDELINE}@{previous.version} case.json" in text
    for call in (
        f'calculators.recommend("{GUIDELINE}", case)',
        f'calculators.relevance("{GUIDELINE}", case)',
        f'calculators.changes("{GUIDELINE}", case)',
        f'calculators.load("{GUIDELINE}@{previous.version}")',
    ):
        assert call in text
    assert 'case = {"sex": "female"}' in text


def test_the_examples_run() -> None:
    import calculators

    case: dict[str, object] = {"sex": "female"}
    assert calculators.recommend(GUIDELINE, case)["status"] != "invalid"
    previous = calculators.previous_version(GUIDELINE)
    assert previous is not None
    assert calculators.load(f"{GUIDELINE}@{previous}").recommend(case)["status"] != "invalid"


def test_release_records_leave_the_page_out(renderer: SiteRenderer) -> None:
    record = record_of(renderer.site.guidelines[GUIDELINE])
    sections = {section["id"] for section in record["source"]["sections"]}
    assert "use-elsewhere" not in sections
    assert "decision-logic" in sections
    assert all(point["section"] != "use-elsewhere" for point in record["points"])
