"""The ``::: use-elsewhere`` directive: what a guideline offers other tools. The downloads this
build publishes for it (every export of ``build_tools/interchange/`` and each version's changelog
JSON), the command-line calculator and the Python API, with short examples."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from build_tools.interchange.exports import Export
from build_tools.tables.model import CaseInput, DecisionModel
from build_tools.versions.history import GuidelineHistory


@dataclass(frozen=True)
class Download:
    """One row of the list: a published file as the page shows it."""

    path: str
    title: str
    format: str
    description: str


def downloads(
    exports: Sequence[Export],
    history: GuidelineHistory | None,
    changelog_file: Callable[[str], str],
) -> list[Download]:
    """The exports, then each version's changelog, newest first."""
    found = [Download(e.path, e.title, e.format, e.description) for e in exports]
    if history is not None:
        versions = [snapshot.version for snapshot in history.versions]
        for version in reversed(versions):
            changelog = history.changelogs.get(version)
            if changelog is None:
                continue
            found.append(
                Download(
                    changelog_file(version),
                    f"Changes in version {version}",
                    "JSON",
                    f"How the results of cases differ between version {changelog.before} and "
                    f"version {version}: the changed cases as conditions on the case fields, "
                    "with what changes in their results, and the changed texts.",
                )
            )
    return found


def example_case(model: DecisionModel) -> dict[str, object]:
    """A small valid case: every required field with its first allowed value."""
    return {spec.name: _first_value(spec) for spec in model.inputs if spec.required}


def _first_value(spec: CaseInput) -> object:
    if spec.type == "enum":
        return spec.values[0]
    if spec.type == "boolean":
        return False
    if spec.minimum is not None and not spec.exclusive_min:
        return spec.minimum
    return spec.minimum + 1 if spec.minimum is not None else 0


def use_elsewhere_html(
    model: DecisionModel,
    rows: Sequence[Download],
    url_of: Callable[[str], str],
    previous_version: str | None,
) -> str:
    """The directive's HTML (``url_of(path)``: a published file's link from this page)."""
    guideline_id = model.guideline_id
    items = "".join(
        f'<li><a href="{escape(url_of(row.path))}" download>{escape(row.title)}</a> · '
        f"{escape(row.format)} · <code>{escape(row.path)}</code><br>\n"
        f"{escape(row.description)}</li>\n"
        for row in rows
    )
    case = json.dumps(example_case(model), ensure_ascii=False)
    cli = [
        f"python -m calculators {guideline_id} case.json",
        f"echo '{case}' | python -m calculators {guideline_id} -",
    ]
    api = [
        "import calculators",
        "",
        f"case = {case}",
        f'result = calculators.recommend("{guideline_id}", case)',
        'result["status"]  # ok, needs_more_information, out_of_scope or invalid',
        f'calculators.relevance("{guideline_id}", case)  # which fields could change the result',
    ]
    if previous_version is not None:
        cli.append(f"python -m calculators {guideline_id}@{previous_version} case.json")
        api += [
            f'calculators.changes("{guideline_id}", case)  # what the newest release that '
            "changed its result changed",
            f'calculators.load("{guideline_id}@{previous_version}").recommend(case)  '
            "# a superseded version",
        ]
    schema = next((row for row in rows if row.path.endswith(".schema.json")), None)
    validate = ""
    if schema is not None:
        validate = (
            "<p>Check a case against the case schema with any JSON Schema validator, for "
            "example in Python:</p>\n"
            + _code(
                [
                    "import json, jsonschema",
                    "",
                    f'schema = json.load(open("{schema.path.rsplit("/", 1)[-1]}"))',
                    "jsonschema.Draft202012Validator(schema).validate(case)",
                ]
            )
        )
    return (
        '<div class="gl-use-elsewhere">\n'
        f'<h2 id="downloads">Downloads</h2>\n'
        f"<p>Files this build publishes for version {escape(model.version)}:</p>\n"
        f'<ul class="gl-downloads">\n{items}</ul>\n'
        '<h2 id="command-line">Command line</h2>\n'
        "<p>The calculator runs without the site: <code>calculators/</code> of this project "
        "needs only Python 3.11 or later (standard library). It reads a case as JSON from a "
        "file or from standard input (<code>-</code>) and prints the result as JSON; the exit "
        "status is 0 for a valid case, 2 for an invalid one, 1 when the guideline or the file "
        "cannot be read.</p>\n" + _code(cli) + '<h2 id="python">Python</h2>\n'
        "<p>The same calculator as a library: <code>recommend</code> gives the result, "
        "<code>relevance</code> which fields could still change it, <code>changes</code> what "
        "the newest release that changed it changed, and <code>load</code> a version's calculator "
        '(<code>"&lt;id&gt;@&lt;version&gt;"</code> for a superseded one).</p>\n'
        + _code(api)
        + validate
        + _engines_html(rows)
        + "</div>\n"
    )


def _engines_html(rows: Sequence[Download]) -> str:
    """How to run the DMN and FHIR exports in other engines (only for the exports published)."""
    dmn = next((row for row in rows if row.path.endswith(".dmn")), None)
    fhir = next((row for row in rows if row.path.endswith(".fhir.json")), None)
    if dmn is None and fhir is None:
        return ""
    html = ['<h2 id="engines">Decision engines</h2>\n']
    if dmn is not None:
        name = dmn.path.rsplit("/", 1)[-1]
        html.append(
            "<p>The DMN file runs in a DMN 1.3 engine: load it, give each case field as an input "
            "of the same name (a field left out is null) and evaluate the decisions in the "
            "order of their requirements. Each decision gives a context: <code>rule</code>, the "
            "rule that fired (<code>default</code> for the table's default), one column per "
            "item, and for a table with a value, <code>value</code>, which the tables after it "
            "read as <code>&lt;name&gt;.value</code>. Answer every clinical finding: an "
            "unanswered finding is null in DMN, where the calculator asks for it. Every answer "
            "carries the notices in the file's description. This project's tests run it in "
            "feelin and dmn-moddle (Node.js; <code>npm ci</code> installs them), and "
            "<code>make dmn-second-opinion</code> in pyDMNrules:</p>\n"
            + _code(
                [
                    'echo \'{"mode": "chain", "cases": [case, ...]}\' |',
                    f"  node build_tools/interchange/dmn_eval.mjs {name}",
                    "# per case and table: the rules that fired and the value",
                ]
            )
        )
    if fhir is not None:
        name = fhir.path.rsplit("/", 1)[-1]
        html.append(
            "<p>In the FHIR bundle, a case is a QuestionnaireResponse of its Questionnaire, and "
            "each PlanDefinition's conditions are FHIRPath with the response as "
            "<code>%context</code>: a table applies when its action's condition is true, and a "
            "rule when its own is (a condition that is empty does not apply). For example with "
            "fhirpathpy:</p>\n"
            + _code(
                [
                    "import json",
                    "from fhirpathpy import evaluate",
                    "from fhirpathpy.models import models  # R4: QuestionnaireResponse as in R4B",
                    "",
                    f'bundle = json.load(open("{name}"))',
                    "",
                    "def applies(action, response):",
                    '    tests = [c["expression"] for c in action.get("condition", [])]',
                    "    return all(",
                    '        evaluate(response, t["expression"], {}, models["r4"]) == [True]',
                    "        for t in tests",
                    "    )",
                    "",
                    "fired = {}",
                    'for entry in bundle["entry"]:',
                    '    plan = entry["resource"]',
                    '    if plan["resourceType"] == "PlanDefinition":',
                    '        table = plan["action"][0]',
                    '        rules = table["action"] if applies(table, response) else []',
                    '        fired[table["id"]] = [r["id"] for r in rules if applies(r, response)]',
                ]
            )
        )
    return "".join(html)


def _code(lines: list[str]) -> str:
    return "<pre><code>" + escape("\n".join(lines)) + "</code></pre>\n"
