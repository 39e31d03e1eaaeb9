"""The references as CSL-JSON (lossless: every front-matter reference comes back field for field)
and RIS (one record per reference, in list order)."""

from __future__ import annotations

import json
from functools import cache

import pytest

from build_tools.content.schema import Reference
from build_tools.content.site import SiteContent
from build_tools.interchange.references import (
    CSL_TYPES,
    JOURNAL_CSL_TYPE,
    csl_json,
    reference_from_csl,
    reference_to_csl,
    ris,
)
from build_tools.pipeline import SiteBuild
from tests.support.paths import GUIDELINE, ROOT


@cache
def site() -> SiteContent:
    """The project's pages as the build loads them (the pipeline's loader alone)."""
    return SiteBuild.of(ROOT, tables=False).content


def references() -> list[Reference]:
    return [
        reference
        for guideline in site().guidelines.values()
        for reference in guideline.meta.references
    ]


@pytest.mark.parametrize("reference", references(), ids=lambda reference: reference.key)
def test_csl_json_is_lossless(reference: Reference) -> None:
    item = json.loads(json.dumps(reference_to_csl(reference)))
    assert Reference.model_validate(reference_from_csl(item)) == reference
    assert item["id"] == reference.key
    assert item["type"] in {*CSL_TYPES.values(), JOURNAL_CSL_TYPE}
    assert item["title"] == reference.title


def test_people_are_split_and_organisations_kept_whole() -> None:
    made = Reference.model_validate(
        {
            "key": "k",
            "type": "article",
            "title": "T",
            "authors": ["Slamon DJ", "Genentech, Inc.", "et al."],
            "year": 2001,
        }
    )
    item = reference_to_csl(made)
    assert item["author"] == [{"family": "Slamon", "given": "DJ"}, {"literal": "Genentech, Inc."}]
    assert item["custom"]["authors-truncated"] is True
    assert item["issued"] == {"date-parts": [[2001]]}
    assert "AU  - Slamon, DJ\r\nAU  - Genentech, Inc.\r\n" in ris([made])
    assert "et al." not in ris([made])


def test_the_files_list_every_reference_in_order() -> None:
    listed = list(site().guidelines[GUIDELINE].meta.references)
    assert [item["id"] for item in json.loads(csl_json(listed))] == [r.key for r in listed]
    records = ris(listed).split("ER  - \r\n")
    assert len(records) == len(listed) + 1
    assert records[-1] == ""
    for record, reference in zip(records, listed, strict=False):
        lines = record.strip("\r\n").split("\r\n")
        assert lines[0].startswith("TY  - ")
        assert f"ID  - {reference.key}" in lines
        assert all(len(line) > 6 and line[2:6] == "  - " for line in lines)
