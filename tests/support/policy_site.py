"""A copy of the project whose guideline uses site policies, for the browser tests of how the
calculator and the pages show them.

When the guideline declares no policies of its own (``policies:`` in its index.md), the copy
declares three: a lower limit of the LVEF, which settles an unstated cardiac dysfunction
(``implied_by``), a rounding step of the trastuzumab loading dose (``round_to``) and the cut-off
of a long disease-free interval, named by a cell of the prognosis table and by the text of the
prognosis reason that states it. It adds the ``::: policies`` page and prose that states a
policy's value, at a version no release has (the released records stay as they are). When the
guideline declares policies, the copy is the project as it is: the tests then read its own
policies, which are expected to include the same kinds of use.
"""

from __future__ import annotations

from pathlib import Path

from build_tools.site_build import copy_project
from tests.support.paths import GUIDELINE

# The ids of the policies the copy declares, and the case fields and values the tests use.
LVEF_LIMIT = "test_lvef_lower_limit"
DOSE_ROUNDING = "test_trastuzumab_rounding_mg"
LONG_DFI = "test_long_dfi_months"

POLICIES = f"""\
  - id: {LVEF_LIMIT}
    value: 50
    unit: "%"
    text:
      clinician: "An LVEF below {{policy:{LVEF_LIMIT}}} counts as cardiac dysfunction."
      patient: "A heart pumping strength below {{policy:{LVEF_LIMIT}}} counts as a heart problem."
    why: "The label gives LVEF criteria for starting and withholding trastuzumab, not a limit."
    cite: ["@herceptin-label"]
  - id: {DOSE_ROUNDING}
    value: 10
    unit: mg
    text:
      clinician: "Trastuzumab loading doses are rounded to the nearest {{policy:{DOSE_ROUNDING}}}."
      patient: "The first dose of trastuzumab is rounded to the nearest {{policy:{DOSE_ROUNDING}}}."
    why: "The source gives the dose per kg only; the pharmacy prepares whole 10 mg steps."
    cite: []
  - id: {LONG_DFI}
    value: 24
    unit: months
    text:
      clinician: "A disease-free interval of more than {{policy:{LONG_DFI}}} counts as long."
      patient: "More than {{policy:{LONG_DFI}}} without signs of cancer counts as a long time."
    why: "The source says more than 1-2 years; this site takes the upper end."
    cite: ["@oracle-overview"]
"""

IMPLIED = f"""\
    implied_by:
      - when: {{lvef_percent: "< {LVEF_LIMIT}"}}
        value: true
"""

POLICIES_PAGE = f"""\
---
type: section
id: policies
title: Site policies
patient_title: This site's own rules
order: 15
---

::: clinician
Where the source gives no value, this site chose one. An LVEF below {{policy:{LVEF_LIMIT}}}
counts as cardiac dysfunction here.
:::
::: patient
Where the source gives no number, this site chose one. A heart pumping strength below
{{policy:{LVEF_LIMIT}}} counts as a heart problem here.
:::

::: policies
:::
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}: adapt tests/support/policy_site.py"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def declares_policies(root: Path) -> bool:
    """Whether the guideline of the project at ``root`` declares site policies of its own."""
    index = root / "docs" / GUIDELINE / "index.md"
    return "\npolicies:\n" in index.read_text(encoding="utf-8")


def policy_project(root: Path, destination: Path) -> Path:
    """A copy of the project at ``root`` in ``destination`` whose guideline uses site policies."""
    project = copy_project(root, destination)
    if declares_policies(root):
        return project
    pages = project / "docs" / GUIDELINE
    index = pages / "index.md"
    text = index.read_text(encoding="utf-8")
    version = text.split('\nversion: "', 1)[1].split('"', 1)[0]
    major, minor, _ = version.split(".")
    _edit(index, f'\nversion: "{version}"', f'\nversion: "{major}.{int(minor) + 1}.0"')
    _edit(index, "\ncase_inputs:\n", "\npolicies:\n" + POLICIES + "case_inputs:\n")
    # An unstated cardiac dysfunction is settled by an LVEF below the limit.
    block = "  - name: cardiac_dysfunction\n"
    after = text.split(block, 1)[1].split("\n  - name: ", 1)[0]
    _edit(index, block + after + "\n", block + after + "\n" + IMPLIED)
    _edit(
        pages / "her2-positive.md",
        'schedule: "once, IV (loading dose)"}',
        f'schedule: "once, IV (loading dose)", round_to: {DOSE_ROUNDING}}}',
    )
    assessment = pages / "initial-assessment.md"
    _edit(
        assessment,
        'when: {disease_free_interval_months: "> 24", ',
        f'when: {{disease_free_interval_months: "> {LONG_DFI}", ',
    )
    _edit(
        assessment,
        "(more than 24 months: this site's",
        f"(more than {{policy:{LONG_DFI}}}: this site's",
    )
    (pages / "policies.md").write_text(POLICIES_PAGE, encoding="utf-8")
    return project
