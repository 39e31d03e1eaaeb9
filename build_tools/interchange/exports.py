"""Every file in a standard format the build publishes for a guideline: one list, which the
site adds as generated files and the ``::: use-elsewhere`` page lists. A new format is one more
entry of :func:`guideline_exports`."""

from __future__ import annotations

from dataclasses import dataclass

from build_tools.content.site import Guideline
from build_tools.interchange.case_schema import case_schema_json, schema_path
from build_tools.interchange.dmn import dmn_path, dmn_xml
from build_tools.interchange.fhir import fhir_bundle_json, fhir_path
from build_tools.interchange.references import csl_json, csl_path, ris, ris_path
from build_tools.tables.model import DecisionModel


@dataclass(frozen=True)
class Export:
    """One published file: where (relative to the site root), what it is, and its text."""

    path: str
    title: str
    format: str  # the standard, as a reader would look it up
    description: str
    text: str


def guideline_exports(guideline: Guideline, model: DecisionModel | None) -> list[Export]:
    """The files of a guideline (``model``: its compiled decision model, None when the tables
    are not compiled, which leaves out what needs them)."""
    exports: list[Export] = []
    if model is not None:
        exports.append(
            Export(
                path=dmn_path(guideline.meta.id),
                title="Decision tables",
                format="DMN 1.3",
                description=(
                    "Every table the calculator runs, for DMN engines: a decision per table, a "
                    "rule per rule (labelled with its id), cells as standard unary tests. The "
                    "tests run it in feelin and dmn-moddle and find the same fired rules and "
                    "outputs as the calculator. A finding the case leaves unknown is outside "
                    "DMN: the calculator works the case out under each answer."
                ),
                text=dmn_xml(model),
            )
        )
        exports.append(
            Export(
                path=schema_path(guideline.meta.id),
                title="Case schema",
                format="JSON Schema (draft 2020-12)",
                description=(
                    "Every case field with its type, allowed values, range, default and labels: "
                    "validates a case exactly as the calculator does (its description lists the "
                    "contradictions between fields that only the decision tables find)."
                ),
                text=case_schema_json(model, guideline.meta.title),
            )
        )
    references = list(guideline.meta.references)
    if references:
        exports += [
            Export(
                path=csl_path(guideline.meta.id),
                title="References",
                format="CSL-JSON",
                description=(
                    "Every reference of the guideline for Zotero, Mendeley or any CSL processor "
                    "(each item's id is its citation key; its group and whether it was "
                    "reconstructed are under custom)."
                ),
                text=csl_json(references),
            ),
            Export(
                path=ris_path(guideline.meta.id),
                title="References",
                format="RIS",
                description="The same references for reference managers that import RIS.",
                text=ris(references),
            ),
        ]
    if model is not None:
        exports.append(
            Export(
                path=fhir_path(guideline.meta.id),
                title="Decision tables and case",
                format="FHIR R4B (Bundle)",
                description=(
                    "The case as a Questionnaire and each table as a PlanDefinition (eca-rule) "
                    "with an action per rule, its texts in both wordings and its citations; "
                    "each action's applicability condition is FHIRPath over the case's "
                    "QuestionnaireResponse (as %context) and needs nothing else, tables it "
                    "depends on included. The tests evaluate them in fhirpathpy and find the "
                    "rules the calculator selects. Give the clinical findings as answers: an "
                    "unanswered one is null here."
                ),
                text=fhir_bundle_json(model, guideline),
            )
        )
    return exports
