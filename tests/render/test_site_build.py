"""The project's real site, built once with ``mkdocs build --strict``: chrome, citations,
references, offline-ness and the source checklist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

import calculators
from tests.support.builds import run_mkdocs_build
from tests.support.htmltext import article_text, fetched_urls, is_foreign
from tests.support.linkcheck import check_site
from tests.support.paths import DATA, ROOT

GUIDELINE = "metastatic-breast-cancer"


def guideline_pages(site: Path) -> list[Path]:
    """The pages of the guideline's current version (not the read-only pages of superseded
    versions, ``versions/<version>/``: their own banner and references, see test_versions)."""
    return sorted(
        page
        for page in (site / GUIDELINE).glob("**/index.html")
        if page.parent.parent.name != "versions"
    )


def test_a_superseded_version_page_is_built_apart(built_site: Path) -> None:
    pages = sorted((built_site / GUIDELINE / "versions").glob("*/index.html"))
    assert pages
    for page in pages:
        html = page.read_text()
        assert 'class="gl-superseded"' in html
        assert 'class="gl-stepper"' not in html  # the current version's chrome is not its own
        # Its citations link to its own reference list, on the page itself.
        assert re.search(r'<a href="#ref-[^"]+" title=', html)
        assert '<li id="ref-' in html


def section_ids() -> dict[str, str]:
    """section id -> built page folder, read from the docs' front matter."""
    ids: dict[str, str] = {}
    for path in sorted((ROOT / "docs" / GUIDELINE).glob("*.md")):
        front = yaml.safe_load(path.read_text().split("---", 2)[1])
        if front.get("type") == "section":
            ids[front["id"]] = path.stem
    return ids


def test_every_guideline_page_has_its_chrome(built_site: Path) -> None:
    pages = guideline_pages(built_site)
    assert len(pages) >= 10
    spec = calculators.load(GUIDELINE).spec
    for page in pages:
        html = page.read_text()
        assert 'class="gl-stepper"' in html, page
        assert re.search(
            r'<li class="gl-step gl-step--current" aria-current="step">\s*'
            r'<span class="gl-step-label">Submitted</span>',
            html,
        ), page
        assert f"<dt>Version</dt><dd>{spec.version}</dd>" in html, page
        assert f'<time datetime="{spec.last_updated}">' in html, page
        # The source's age and the review status, on every page of the guideline.
        assert 'class="gl-notice gl-notice--currency"' in html, page
        assert "predates the changes of 2012-2025" in html, page
        assert 'class="gl-notice gl-notice--review-status"' in html, page
        assert (
            f"Review status of version {spec.version}: submitted, not yet reviewed, not approved"
            in html
        )
        assert re.search(r'<a href="(\.\./)+editorial-policy/">', html), page
        assert 'class="gl-disclaimer"' in html
        assert re.search(r'href="(\.\./)+disclaimer/"', html)
        assert 'class="gl-related"' in html, page
        assert 'name="gl-audience" value="patient"' in html, page


def currency_notice() -> dict[str, str]:
    """The currency notice of the guideline's ``notices:``, read from the docs' front matter."""
    front = yaml.safe_load((ROOT / "docs" / GUIDELINE / "index.md").read_text().split("---", 2)[1])
    notices: list[dict[str, str]] = front["notices"]
    return next(notice for notice in notices if notice["id"] == "currency")


def test_the_chrome_is_one_compact_block_with_the_rest_one_click_away(built_site: Path) -> None:
    spec = calculators.load(GUIDELINE).spec
    notice = currency_notice()
    for page in guideline_pages(built_site):
        html = page.read_text()
        start = html.index('<header class="gl-chrome"')
        chrome = html[start : html.index("</header>", start)]
        bar, details = chrome.split('<details class="gl-chrome-details">', 1)
        # The bar: name, version, date, the review status in words, the audience switch.
        assert f"<dt>Version</dt><dd>{spec.version}</dd>" in bar, page
        assert f'<time datetime="{spec.last_updated}">' in bar, page
        assert "Submitted, not yet reviewed, not approved" in bar, page
        assert "Not yet checked or approved by its reviewers" in bar, page
        assert 'name="gl-audience" value="clinician"' in bar, page
        # The currency notice as one line in both wordings, linked to where it is told in full.
        line = re.search(r'<p class="gl-notice-line gl-notice-line--currency">(.*?)</p>', bar)
        assert line is not None, page
        assert escape(notice["summary"]) in line.group(1), page
        assert escape(notice["patient_summary"]) in line.group(1), page
        here = page == built_site / GUIDELINE / "index.html"
        target = "#currency-notice" if here else "../#currency-notice"
        assert f'<a href="{target}">Details</a>' in line.group(1), page
        # Everything else one click away: the stepper, the versions page, the source, the
        # editorial policy, every notice in full with its citations, the review history.
        assert 'class="gl-stepper"' not in bar, page
        assert 'class="gl-notice gl-notice--' not in bar, page
        assert "<summary>Details" in details, page
        for part in (
            'class="gl-stepper"',
            ">Versions and changes</a>",
            "<dt>Source</dt>",
            "editorial-policy/",
            'class="gl-notice gl-notice--currency"',
            "predates the changes of 2012-2025",
            '#ref-abc-2024" title=',
            'class="gl-notice gl-notice--review-status"',
            'class="gl-review-history"',
        ):
            assert part in details, (page, part)
        # The page's title right after the chrome.
        assert re.search(r'</header>\s*<h1 id="guideline-page-title">', html), page


def test_citations_link_to_the_reference_list(built_site: Path) -> None:
    references = (built_site / GUIDELINE / "references" / "index.html").read_text()
    anchors = set(re.findall(r'<li id="(ref-[^"]+)" value="(\d+)"', references))
    numbers = {anchor: int(number) for anchor, number in anchors}
    # The source's own numbering is kept: 1-5, [4] and [5] reconstructed.
    assert numbers["ref-oracle-overview"] == 1
    assert numbers["ref-praxis-recurrence"] == 2
    assert numbers["ref-praxis-stage4"] == 3
    assert numbers["ref-tamoxifen-label"] == 4
    assert numbers["ref-herceptin-label"] == 5
    assert references.count(">reconstructed</span>") == 2
    cited = 0
    for page in guideline_pages(built_site):
        for match in re.finditer(
            r'<a href="([^"#]*)#(ref-[^"]+)" title="[^"]+" '
            r'aria-label="Reference (\d+):',
            page.read_text(),
        ):
            target = (page.parent / match.group(1) / "index.html").resolve()
            assert target == (built_site / GUIDELINE / "references" / "index.html").resolve()
            assert numbers[match.group(2)] == int(match.group(3))
            cited += 1
    assert cited > 50


def test_currency_notice_cites_newer_guidance(built_site: Path) -> None:
    html = (built_site / GUIDELINE / "index.html").read_text()
    text = article_text(html)
    assert "Currency notice" in text
    for agent in ("CDK4/6", "pertuzumab", "trastuzumab deruxtecan", "pembrolizumab"):
        assert agent.lower() in text.lower(), agent
    notice = html[html.index("Currency notice") :]
    assert re.search(r'#ref-abc-2024"', notice)
    assert re.search(r'#ref-cleopatra-2012"', notice)


@pytest.mark.parametrize(
    ("page", "anchor", "references"),
    [
        ("her2-positive", "her2-preferred-regimen", ["cleopatra-2012", "destiny-breast03-2022"]),
        ("hr-positive-her2-negative", "hr-postmenopausal-ai", ["asco-hr-2021"]),
        ("triple-negative", "tnbc-chemotherapy-primary", ["keynote355-2022", "ascent-2021"]),
        ("initial-assessment", "policy-her2-low", ["destiny-breast04-2022"]),
    ],
)
def test_newer_guidance_is_shown_beside_the_advice_it_changes(
    built_site: Path, page: str, anchor: str, references: list[str]
) -> None:
    html = (built_site / GUIDELINE / page / "index.html").read_text()
    point = html[html.index(f'id="{anchor}"') :]
    if '<div class="gl-point"' in point:  # up to the next point
        point = point[: point.index('<div class="gl-point"')]
    assert 'class="gl-newer-guidance"' in point
    aside = point[point.index('class="gl-newer-guidance"') :]
    aside = aside[: aside.index("</aside>")]
    assert (
        "Newer guidance, not this guideline&#x27;s recommendation" in aside
        or "Newer guidance, not this guideline's recommendation" in aside
    )
    for key in references:
        assert f"#ref-{key}" in aside, key
    # Items that share a pointer (the source's standard of care and its preferred regimen,
    # both at this point) show it once.
    assert point.count('class="gl-newer-guidance"') == 1


def test_no_request_to_another_origin(built_site: Path) -> None:
    html_files = sorted(built_site.glob("**/*.html"))
    assert html_files
    offenders = [
        (str(path.relative_to(built_site)), where, url)
        for path in html_files
        for where, url in fetched_urls(path.read_text())
        if is_foreign(url)
    ]
    assert offenders == []
    for css in built_site.glob("**/*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text()):
            assert not is_foreign(url), (css, url)
        assert "@import" not in css.read_text() or "://" not in css.read_text()


def test_links_are_relative_so_any_sub_path_works(built_site: Path) -> None:
    # 404.html is the exception by necessity: a server returns it for any missing URL at any
    # depth, so MkDocs writes its links from site_url's path (README: "Hosting").
    for path in built_site.glob("**/*.html"):
        if path.name == "404.html":
            continue
        for where, url in fetched_urls(path.read_text()):
            assert not url.startswith("/"), (path, where, url)
        for href in re.findall(r'<a [^>]*href="(/[^"]*)"', path.read_text()):
            pytest.fail(f"{path}: root-absolute link {href}")


def test_search_index_is_built_locally(built_site: Path) -> None:
    index = (built_site / "search" / "search_index.json").read_text()
    assert "trastuzumab" in index
    assert "aromatase" in index


def test_every_section_has_patient_wording(built_site: Path) -> None:
    for folder in section_ids().values():
        html = (built_site / GUIDELINE / folder / "index.html").read_text()
        assert 'class="gl-audience gl-patient"' in html, folder


FACTS = yaml.safe_load((DATA / "source_facts.yml").read_text())


@pytest.mark.parametrize("fact", FACTS, ids=[f"{f['section']}: {f['fact'][:50]}" for f in FACTS])
def test_every_fact_of_the_source_is_on_the_site(built_site: Path, fact: dict[str, object]) -> None:
    folder = section_ids().get(str(fact["section"]), "") if fact["section"] != GUIDELINE else ""
    page = built_site / GUIDELINE / folder / "index.html"
    text = article_text(page.read_text()).lower()
    for phrase in fact["must_contain"]:  # type: ignore[attr-defined]
        assert str(phrase).lower() in text, f"{phrase!r} missing from {page}"


def test_navigation_follows_the_section_order(built_site: Path) -> None:
    html = (built_site / GUIDELINE / "her2-positive" / "index.html").read_text()
    primary = html[html.index("md-nav--primary") :]
    titles = [
        t.strip() for t in re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', primary)
    ]
    expected = [
        "Treatment of metastatic breast cancer",
        "Goals of care",
        "Initial assessment and risk stratification",
        "Hormone-receptor-positive, HER2-negative disease",
        "HER2-positive disease",
        "Triple-negative disease",
        "Treatment duration and response evaluation",
        "Supportive care",
        "Critical pitfalls",
    ]
    positions = [titles.index(title) for title in expected]
    assert positions == sorted(positions), titles


def test_case_fields_are_documented_from_the_declaration(built_site: Path) -> None:
    html = (built_site / GUIDELINE / "case-fields" / "index.html").read_text()
    for field in ("sex", "er_status", "her2_ihc", "visceral_crisis", "weight_kg", "ecog"):
        assert f'<code id="input-{field}">{field}</code>' in html


def test_no_broken_internal_link_or_anchor(built_site: Path) -> None:
    assert check_site(built_site) == []


def test_link_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<h2 id="x">X</h2><a href="#x">ok</a>'
        '<a href="#y">bad anchor</a>'
        '<a href="../b/">missing page</a>'
    )
    found = {(link.link, link.reason) for link in check_site(tmp_path)}
    assert found == {("#y", "no such anchor"), ("../b/", "no such file")}


def test_two_builds_are_byte_identical(built_site: Path, tmp_path: Path) -> None:
    again = run_mkdocs_build(built_site.parent, tmp_path / "site")
    assert again.returncode == 0, again.output
    first, second = (
        {path.relative_to(site): path.read_bytes() for path in site.rglob("*") if path.is_file()}
        for site in (built_site, again.site_dir)
    )
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_every_page_carries_the_same_content_security_policy(built_site: Path) -> None:
    policies = {
        re.search(
            r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', path.read_text()
        ).group(1)  # type: ignore[union-attr]
        for path in built_site.rglob("*.html")
    }
    assert len(policies) == 1
    (policy,) = policies
    assert policy.startswith("default-src 'self'; script-src 'self' 'sha256-")
    assert "object-src 'none'" in policy
    assert not re.search(r"https?:|\*|unsafe", policy)
