"""``python -m devtools.second_opinion [GUIDELINE ...] [--cases N] [--python PY]``

A second opinion on the DMN export (``make dmn-second-opinion``): pyDMNrules, run by its own
environment (``--python``, ``.venv-pydmnrules`` from ``build_tools/interchange/pydmnrules.lock``)
on ``build_tools/interchange/pydmnrules_eval.py``, evaluates each guideline's DMN on random cases,
and every table's fired rules and output value are compared with the compiled module's trace.
Prints the figures and every disagreement; exits 1 on a disagreement.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.findings import ContentError
from build_tools.interchange.dmn import dmn_path
from build_tools.interchange.sample_cases import random_cases
from build_tools.pipeline import BuildOptions, SiteBuild
from build_tools.tables import compiled_calculator
from build_tools.tables.model import DecisionModel
from calculators.runtime.engine import Calculator

EVALUATOR = Path(__file__).parent / "interchange" / "pydmnrules_eval.py"
PYDMNRULES_PYTHON = Path(".venv-pydmnrules") / "bin" / "python"


@dataclass(frozen=True)
class Sample:
    """A case as a DMN engine gets it, and the compiled module's trace of it."""

    context: dict[str, object]
    contradictory: bool  # a rule's error: the trace stops at the table that found it
    trace: Sequence[Mapping[str, object]]  # the result's trace steps


def sample(model: DecisionModel, calculator: Calculator, count: int, seed: int) -> list[Sample]:
    """``count`` valid cases of :func:`random_cases`, a fifth of them contradictory at most; a
    null field given as null or left out (DMN reads both as null)."""
    generator = random.Random(seed)  # noqa: S311 (sample cases, not secrets)
    samples: list[Sample] = []
    contradictions = 0
    for case in random_cases(model, 20 * count, seed=seed):
        if len(samples) == count:
            break
        values, errors = calculator.validate(case)
        if errors:
            continue
        result = calculator.recommend(case)
        contradictory = result["status"] == "invalid"
        if contradictory:
            if contradictions >= count // 5:
                continue
            contradictions += 1
        trace = result["trace"]
        assert isinstance(trace, list)
        context = {
            name: value
            for name, value in values.items()
            if value is not None or generator.random() < 0.5
        }
        samples.append(Sample(context, contradictory, trace))
    return samples


@dataclass(frozen=True)
class Disagreement:
    table: str
    case: int  # the case's index among the samples
    context: dict[str, object]
    ours: dict[str, object]
    theirs: object


@dataclass
class Comparison:
    cases: int = 0
    contradictory: int = 0
    compared: int = 0  # tables × cases
    agreeing: int = 0
    fired: set[tuple[str, str]] = field(default_factory=set)  # (table, rule) fired by ours
    disagreements: list[Disagreement] = field(default_factory=list)


def compare(samples: Sequence[Sample], answers: Sequence[object]) -> Comparison:
    """Each table of each case: the rules the engine fired (a default as ``default``) and its
    output ``value`` against our trace; of a contradictory case only the rules, of the tables
    its trace lists (up to the contradiction)."""
    if len(samples) != len(answers):
        raise ValueError(f"{len(answers)} answers for {len(samples)} cases")
    comparison = Comparison(cases=len(samples))
    for index, (sampled, answer) in enumerate(zip(samples, answers, strict=True)):
        comparison.contradictory += sampled.contradictory
        tables = answer if isinstance(answer, dict) else {}
        for step in sampled.trace:
            table_id = str(step["table"])
            rules = step["rules"]
            output = step.get("output")
            assert isinstance(rules, list)
            ours: dict[str, object] = {
                "rules": [*rules, *(["default"] if step["used_default"] else [])],
                "value": output.get("value") if isinstance(output, dict) else None,
            }
            theirs = tables.get(table_id)
            if sampled.contradictory and isinstance(theirs, dict):
                ours["value"] = theirs.get("value")
            comparison.compared += 1
            comparison.fired |= {(table_id, str(rule)) for rule in ours["rules"]}  # type: ignore[attr-defined]
            if theirs == ours:
                comparison.agreeing += 1
            else:
                comparison.disagreements.append(
                    Disagreement(table_id, index, sampled.context, ours, theirs)
                )
    return comparison


def run_pydmnrules(
    python: Path, dmn: Path, contexts: list[dict[str, object]], jobs: int
) -> list[object]:
    """pyDMNrules' answers, the cases split between ``jobs`` processes."""
    size = -(-len(contexts) // jobs) or 1
    batches = [contexts[start : start + size] for start in range(0, len(contexts), size)]
    processes = []
    for batch in batches:
        process = subprocess.Popen(
            [str(python), str(EVALUATOR), str(dmn)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdin is not None
        process.stdin.write(json.dumps({"cases": batch}))
        process.stdin.close()
        processes.append(process)
    answers: list[object] = []
    for process in processes:
        assert process.stdout is not None
        assert process.stderr is not None
        out, err = process.stdout.read(), process.stderr.read()
        if process.wait() != 0:
            raise RuntimeError(f"{EVALUATOR.name} failed:\n{err}")
        batch_answers = json.loads(out)
        assert isinstance(batch_answers, list)
        answers.extend(batch_answers)
    return answers


def report(guideline_id: str, model: DecisionModel, comparison: Comparison) -> list[str]:
    every_rule = sum(len(table.rules) + (table.default is not None) for table in model.tables)
    lines = [
        f"{guideline_id}: {comparison.cases} cases compared"
        f" ({comparison.contradictory} contradictory: their rules only, no output value)",
        f"  tables x cases: {comparison.compared}, agreeing on the fired rules and the output"
        f" value: {comparison.agreeing}, disagreeing: {len(comparison.disagreements)}",
        f"  rules fired by these cases: {len(comparison.fired)} of {every_rule}",
    ]
    lines += [
        f"  DISAGREEMENT {each.table}, case {each.case}: ours {json.dumps(each.ours)},"
        f" pyDMNrules {json.dumps(each.theirs)}; the case: {json.dumps(each.context)}"
        for each in comparison.disagreements
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.second_opinion", description=__doc__.splitlines()[2].strip()
    )
    parser.add_argument("guidelines", nargs="*", help="guideline ids (default: every one)")
    parser.add_argument("--cases", type=int, default=1000, help="cases per guideline (1000)")
    parser.add_argument("--seed", type=int, default=14, help="the cases' random seed (14)")
    parser.add_argument(
        "--python", type=Path, default=PYDMNRULES_PYTHON, help=f"({PYDMNRULES_PYTHON})"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="(docs)")
    args = parser.parse_args(argv)
    if not args.python.exists():
        print(f"{args.python}: no such Python (make dmn-second-opinion makes it)", file=sys.stderr)
        return 2
    # The build's pipeline: the DMN the site publishes, the module the calculator runs.
    build = SiteBuild(BuildOptions(Path.cwd(), docs_dir=args.docs))
    try:
        compiled = build.compiled
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    wanted = args.guidelines or sorted(compiled)
    unknown = sorted(set(wanted) - set(compiled))
    if unknown:
        known = ", ".join(compiled)
        print(f"unknown guideline: {', '.join(unknown)} (of {known})", file=sys.stderr)
        return 2
    disagreements = 0
    with tempfile.TemporaryDirectory() as folder:
        for guideline_id in wanted:
            started = time.perf_counter()
            model = compiled[guideline_id].model
            calculator = compiled_calculator(model, compiled[guideline_id].module_text)
            published = {export.path: export.text for export in build.exports(guideline_id)}
            dmn = Path(folder) / f"{guideline_id}.dmn"
            dmn.write_text(published[dmn_path(guideline_id)], encoding="utf-8")
            samples = sample(model, calculator, args.cases, args.seed)
            contexts = [each.context for each in samples]
            answers = run_pydmnrules(args.python, dmn, contexts, args.jobs)
            comparison = compare(samples, answers)
            print("\n".join(report(guideline_id, model, comparison)))
            print(f"  ({time.perf_counter() - started:.0f} s)")
            disagreements += len(comparison.disagreements)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
