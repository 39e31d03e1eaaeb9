"""How fast the decision tables run: build-time verification and proof, runtime evaluation.

    python benchmarks/bench_decisions.py [--cases N]

Prints figures only (no thresholds): exhaustive verification of every table of the real
guideline (input combinations per second), the proof of its safety constraints over the whole
case space (which every build runs) and the general items (which every build works out), then
``recommend`` over an exhaustive grid of the inputs that drive the treatment branches (cases per
second), once with every other finding stated and once with them left unknown (each evaluated
under every answer), side by side, and field relevance on the golden cases as the page asks for
it (after each result), beside ``recommend``.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_tools.decisions.from_content import guideline_source  # noqa: E402
from build_tools.pipeline import SiteBuild  # noqa: E402
from build_tools.tables import GuidelineSource, load_decision_model, verify  # noqa: E402
from build_tools.tables.coverage import evaluate_table  # noqa: E402
from build_tools.tables.general import general_items  # noqa: E402
from build_tools.tables.prove import violations  # noqa: E402
from calculators import Calculator, load  # noqa: E402
from calculators.runtime.relevance import relevance  # noqa: E402

GUIDELINE = "metastatic-breast-cancer"

# The branch-driving inputs and the values the grid takes for each (product = the grid).
GRID: dict[str, list[object]] = {
    "er_status": ["positive", "negative", "unknown"],
    "pr_status": ["positive", "negative", "unknown"],
    "her2_ihc": ["0", "1+", "2+", "3+", None],
    "her2_fish": ["positive", "negative", None],
    "menopausal_status": ["premenopausal", "perimenopausal", "postmenopausal", "unknown"],
    "visceral_crisis": [False, True],
    "refuses_chemotherapy": [False, True],
    "number_of_metastatic_sites": [None, 2, 3],
    "chemotherapy_line": [None, 4],
    "ecog": [None, 1, 3],
}

T = TypeVar("T")

# The build's pipeline, its loader alone: each benchmark below times an engine step by itself.
PAGES = SiteBuild.of(ROOT, tables=False)


def _source() -> GuidelineSource:
    """The guideline's engine source, from the pages the pipeline loaded (once)."""
    return guideline_source(PAGES.content.guidelines[GUIDELINE])


def bench_verification() -> None:
    started = time.perf_counter()
    source = _source()
    loaded = time.perf_counter()
    model = load_decision_model(source)
    modelled = time.perf_counter()
    findings = verify(model)
    verified = time.perf_counter()
    combinations = sum(evaluate_table(table, model).domain_size for table in model.tables)
    seconds = verified - modelled
    print(f"verification of {GUIDELINE}: {len(model.tables)} tables, {len(findings)} findings")
    print(
        f"  read pages {1000 * (loaded - started):.0f} ms, "
        f"load model {1000 * (modelled - loaded):.0f} ms, "
        f"verify {1000 * seconds:.0f} ms"
    )
    print(
        f"  {combinations} input combinations checked, {combinations / seconds:,.0f} combinations/s"
    )


def _five_runs(work: Callable[[], T]) -> tuple[T, float]:
    """The last of five runs of ``work`` and their median time, in ms."""
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        value = work()
        runs.append(time.perf_counter() - started)
    return value, 1000 * sorted(runs)[2]


def bench_proof() -> None:
    model = load_decision_model(_source())
    found, median = _five_runs(lambda: violations(model))
    assertions = sum(1 for item in model.items if item.asserts)
    print(
        f"safety proof of {GUIDELINE}: {len(model.safety)} constraints and {assertions} item "
        f"assertions over the whole case space, {len(found)} violations; "
        f"median {median:.0f} ms of 5 runs (budget: 10 s per build)"
    )


def bench_general() -> None:
    model = load_decision_model(_source())
    general, median = _five_runs(lambda: general_items(model))
    print(
        f"general items of {GUIDELINE}: {len(general)} of {len(model.items)} items; "
        f"median {median:.0f} ms of 5 runs"
    )


def _median_max(milliseconds: list[float]) -> str:
    return f"median {statistics.median(milliseconds):.2f} ms, max {max(milliseconds):.2f} ms"


def bench_relevance() -> None:
    """The golden cases one after the other, as a page asks: the result of each (the calculator
    has just evaluated the case before), then its field relevance; and each result on a
    calculator that has seen no case."""
    golden = yaml.safe_load((ROOT / "tests" / "data" / "golden_cases.yml").read_text())["cases"]
    cases = [entry["case"] for entry in golden]
    calculator = Calculator(load(GUIDELINE).spec)
    recommended, related, cold = [], [], []
    for case in cases:
        started = time.perf_counter()
        calculator.recommend(case)
        recommended.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        relevance(calculator, case)
        related.append(1000 * (time.perf_counter() - started))
        fresh = Calculator(calculator.spec)
        started = time.perf_counter()
        fresh.recommend(case)
        cold.append(1000 * (time.perf_counter() - started))
    print(f"field relevance, {len(cases)} golden cases: {_median_max(related)}")
    print(f"  recommend, after the case before: {_median_max(recommended)}")
    print(f"  recommend, on a calculator that has seen no case: {_median_max(cold)}")


def bench_runtime(limit: int) -> None:
    calculator = load(GUIDELINE)
    names = list(GRID)
    findings = [spec.name for spec in calculator.spec.inputs if spec.finding]
    stated = dict.fromkeys(findings, False)
    grid = list(itertools.islice(itertools.product(*GRID.values()), limit))
    timings = {}
    for label, others in (("every other finding stated", stated), ("the others unknown", {})):
        cases = [
            {
                "sex": "female",
                **others,
                "visceral_involvement": True,
                **dict(zip(names, values, strict=True)),
            }
            for values in grid
        ]
        statuses: dict[str, int] = {}
        started = time.perf_counter()
        for case in cases:
            status = str(calculator.recommend(case)["status"])
            statuses[status] = statuses.get(status, 0) + 1
        seconds = time.perf_counter() - started
        timings[label] = seconds / len(cases)
        print(
            f"runtime, {label}: {len(cases)} cases (exhaustive grid over {len(names)} inputs) "
            f"in {seconds:.2f} s, "
            f"{len(cases) / seconds:,.0f} cases/s, {1e6 * seconds / len(cases):.0f} µs/case"
        )
        counted = ", ".join(f"{name} {count}" for name, count in sorted(statuses.items()))
        print(f"  statuses: {counted}")
    ratio = timings["the others unknown"] / timings["every other finding stated"]
    print(f"  unknown findings cost {ratio:.1f}x the time of stated ones (same run)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    full = 1
    for values in GRID.values():
        full *= len(values)
    parser.add_argument(
        "--cases", type=int, default=full, help=f"grid cases to run (default: all {full})"
    )
    args = parser.parse_args()
    bench_verification()
    bench_proof()
    bench_general()
    bench_runtime(args.cases)
    bench_relevance()


if __name__ == "__main__":
    main()
