"""The guideline's versions on its pages: "since version X (date)" after each point a
recommendation links to and in the calculator's page data, the Versions page (newest first, each
version's review history, current or superseded with a link, its changed points), the review
stepper's link to it, and the read-only page of a superseded version."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html import unescape

import pytest

from build_tools.render.renderer import SiteRenderer
from build_tools.render.versions import changes_html, short_date, superseded_src_uri
from build_tools.versions.history import GuidelineHistory
from tests.support.paths import GUIDELINE, ROOT


@pytest.fixture(scope="module")
def history(renderer: SiteRenderer) -> GuidelineHistory:
    return renderer.histories[GUIDELINE]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_each_point_a_recommendation_links_to_says_since_when(
    renderer: SiteRenderer, history: GuidelineHistory
) -> None:
    model = renderer.decision_models[GUIDELINE]
    checked = 0
    for item in model.items:
        if item.kind != "recommendation":
            continue
        page = renderer.site.pages[f"{GUIDELINE}/{item.href.split('/')[1]}.md"]
        html = renderer.render(page.src_uri).html
        after = html.split(f'<div class="gl-point" id="{item.anchor}">', 1)[1]
        point = after.split('<div class="gl-point"', 1)[0]
        since = history.since_point(item.section, item.anchor)
        assert f"Since version {since.version}" in _text(point), item.id
        assert short_date(since.date) in _text(point)
        checked += 1
    assert checked


def test_points_without_a_recommendation_say_nothing(renderer: SiteRenderer) -> None:
    html = renderer.render(f"{GUIDELINE}/goals-of-care.md").html
    assert "gl-since" not in html


def test_the_calculator_page_data_has_since_for_each_recommendation(
    renderer: SiteRenderer, history: GuidelineHistory
) -> None:
    html = renderer.render(f"{GUIDELINE}/calculator.md").html
    data = json.loads(unescape(re.search(r'data-gl-calculator="([^"]*)"', html).group(1)))  # type: ignore[union-attr]
    model = renderer.decision_models[GUIDELINE]
    recommendations = {item.id for item in model.items if item.kind == "recommendation"}
    assert set(data["since"]) == recommendations
    for item_id, since in data["since"].items():
        expected = history.since_item(item_id)
        assert since["version"] == expected.version
        assert since["label"] == f"since {expected.version} ({short_date(expected.date)})"
    assert data["versions_url"] == f"{GUIDELINE}/versions/"


def test_the_versions_page_lists_every_version_newest_first(
    renderer: SiteRenderer, history: GuidelineHistory
) -> None:
    html = renderer.render(f"{GUIDELINE}/versions.md").html
    versions = re.findall(r'<h2 id="version-[^"]+">Version ([^<]+)</h2>', html)
    assert versions == [v.version for v in reversed(history.versions)]
    current = html.split('<section class="gl-version"', 2)[1]
    assert "gl-version-current" in current
    old = history.superseded()[0]
    section = html.split(
        f'<section class="gl-version" id="version-{old.version.replace(".", "-")}"'
    )[1]
    assert "superseded" in section
    assert f'href="{old.version}/"' in section  # versions/ -> versions/<version>/
    # Every review history entry, under its own version (one without a version: the first's).
    events = history.working.review_history
    block = html.split('<div class="gl-versions">', 1)[1]
    assert len(re.findall(r"<li><time", block)) == len(events)
    version = history.working.version
    assert changes_html(history, version, f"{version}.changes.json") in html
    assert "The first version." in section


def test_changes_show_the_semantic_changelog(history: GuidelineHistory) -> None:
    old, new = history.versions[-2], history.versions[-1]
    changelog = history.changelogs[new.version]
    assert (changelog.before, changelog.after) == (old.version, new.version)
    html = changes_html(history, new.version, "x.json")
    assert f"<p>Since version {old.version}:</p>" in html
    assert f"<strong>{changelog.changed_cases:,}</strong> of {changelog.total_cases:,}" in html
    assert html.count('<details class="gl-change-class"') == len(changelog.classes)
    before = {(p.section, p.anchor): p for p in old.points}
    for point in new.points:  # every point added or reworded is named, and no other
        key = (point.section, point.anchor)
        named = f"<code>{point.section}#{point.anchor}</code>" in html
        assert named == (key not in before or before[key] != point), key
    assert '<a href="x.json" download>JSON</a>' in html
    assert "<del>" in html  # word-level marks
    assert "<ins>" in html


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_the_site_publishes_the_changelog_the_cli_prints(
    published: dict[str, object], renderer: SiteRenderer
) -> None:
    changelog = published[f"{GUIDELINE}/versions/1.1.0.changes.json"]
    printed = subprocess.run(
        [
            sys.executable,
            "-m",
            "build_tools.versions.changes",
            GUIDELINE,
            "--from",
            "1.0.0",
            "--to",
            "1.1.0",
            "--format",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert changelog == printed
    kept = (ROOT / "releases" / GUIDELINE / "1.1.0.changes.md").read_text(encoding="utf-8")
    markdown = subprocess.run(
        [
            sys.executable,
            "-m",
            "build_tools.versions.changes",
            GUIDELINE,
            "--from",
            "1.0.0",
            "--to",
            "1.1.0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert kept == markdown


def test_the_review_stepper_links_the_versions_page(renderer: SiteRenderer) -> None:
    html = renderer.render(f"{GUIDELINE}/her2-positive.md").html
    stepper = html.split('<nav class="gl-review"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="../versions/">Versions and changes</a>' in stepper


def test_a_superseded_version_has_a_read_only_page(
    renderer: SiteRenderer, history: GuidelineHistory
) -> None:
    old = history.superseded()[0]
    src_uri = superseded_src_uri(GUIDELINE, old.version)
    assert src_uri in renderer.generated_pages()
    assert "exclude: true" in renderer.generated_pages()[src_uri]
    html = renderer.render(src_uri).html
    assert 'class="gl-superseded"' in html
    assert "replaced by <a" in html
    assert f"version {history.working.version}</a>" in html
    for point in old.points:
        assert f'id="{point.anchor}"' in html
    assert "[@" not in html  # every citation resolved against the version's own list
    assert 'class="gl-cite"' in html
    data = json.loads(unescape(re.search(r'data-gl-calculator="([^"]*)"', html).group(1)))  # type: ignore[union-attr]
    assert data["guideline"] == f"{GUIDELINE}@{old.version}"
    assert data["version"] == old.version
    assert data["since"] == {}
    assert src_uri in renderer.calculator_pages
