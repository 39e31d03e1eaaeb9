"""How the build and the verification grow with the number of guidelines.

    python benchmarks/bench_scale.py [--sizes 1,10,50] [--runs 3] [--profile N]
    make bench

For each size N, a project copy in a temporary folder (mkdocs.yml and docs/; the working tree
is never written) holds N guidelines: the real one (``docs/metastatic-breast-cancer/``) and N-1
copies of it under other ids (see :func:`make_project`). For each size, side by side in one run
(the sizes interleaved, in a different order on each repeat), it measures:

* ``build``: ``python -P -m mkdocs build --strict`` of the copy in a subprocess (a fresh output
  folder), with every size sharing one build cache (``GUIDELINE_CACHE_DIR``: the bytecode of
  Pyodide's standard library and of the bundle, the precompressed files), warmed by one untimed
  build of each size first, so the figures are those of an ordinary rebuild;
* ``load``: the content loader alone (``build_tools.content.site.load_site``: parsing every page
  and the checks that span pages, links included), and ``verify``: the decisions stage alone
  (``build_tools.decisions.compile_site``: every guideline's tables loaded, verified, compiled
  and proven), each timed in a fresh subprocess (no warm in-process cache from an earlier size).

It prints one JSON object per line: the figures ``{"name", "n", "median", "min", "max", "unit",
"runs"}`` (medians of ``--runs`` repeats), then ``{"name": "<figure>_per_guideline", "n",
"value"}`` (median seconds / N) and ``{"name": "<figure>_growth", "from", "to", "value"}``
(t(to) / t(from) / (to / from): 1.0 is linear growth, below 1.0 a fixed cost being shared),
then one line per target ``{"name", "value", "target", "met"}``.

The rule for each target (``build_linear``, ``load_linear``, ``verify_linear``): growth is
**linear** when the time per guideline at the largest size is at most 1.5 times the time per
guideline at the next smaller size (with the default sizes: per-guideline time at 50 <= 1.5 x
per-guideline time at 10); ``value`` is that ratio.

``--profile N`` runs the two in-process stages for size N under cProfile instead and prints
the functions with the most cumulative time to stderr (to find what grows faster than the
number of guidelines). Progress goes to stderr. The default run takes about 8 minutes on the
project's 2-core machine (building 50 guidelines once is ~1 min).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_tools.browser_bundle.precompile import CACHE_ENV  # noqa: E402
from build_tools.content.site import load_site, markdown_pages  # noqa: E402
from build_tools.decisions import compile_site  # noqa: E402

GUIDELINE = "metastatic-breast-cancer"  # the real guideline, copied under other ids
LINEAR_LIMIT = 1.5  # per-guideline time at the largest size / at the next smaller one
STAGES = ("load", "verify")
BUILD_TIMEOUT_S = 900


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def emit(line: Mapping[str, object]) -> None:
    print(json.dumps(line), flush=True)


# --- the project copies ---------------------------------------------------------------------


def copy_id(number: int) -> str:
    """The id (and folder name) of copy ``number`` (2, 3, ...) of the real guideline."""
    return f"{GUIDELINE}-copy-{number:02d}"


def make_project(destination: Path, count: int, source: Path = ROOT) -> Path:
    """A copy of ``source``'s mkdocs.yml and docs/ in ``destination`` with ``count`` guidelines:
    the real one and ``count - 1`` copies of its folder, each under its own id.

    Everything in a copy's pages that names the folder names the copy instead: its ``id:``
    (which must equal the folder name), the docs-relative paths of its front matter (``related``
    pages) and any text naming it (the command-line example of case-fields.md). Relative links
    between its pages need nothing. If mkdocs.yml names the folder (a ``nav`` listing the
    guideline's pages), the lines that do are repeated for each copy."""
    destination.mkdir(parents=True)
    shutil.copytree(source / "docs", destination / "docs")
    real = destination / "docs" / GUIDELINE
    ids = [copy_id(number) for number in range(2, count + 1)]
    for new_id in ids:
        folder = destination / "docs" / new_id
        shutil.copytree(real, folder)
        for page in folder.rglob("*.md"):
            text = page.read_text(encoding="utf-8")
            page.write_text(text.replace(GUIDELINE, new_id), encoding="utf-8")
    config = (source / "mkdocs.yml").read_text(encoding="utf-8")
    (destination / "mkdocs.yml").write_text(with_nav_copies(config, ids), encoding="utf-8")
    return destination


def with_nav_copies(config: str, ids: Sequence[str]) -> str:
    """``config`` (mkdocs.yml's text) with the block of lines naming the guideline's folder
    (``<id>/``, one contiguous block, as a nav section lists a guideline's pages) repeated once
    per copy id below it, the folder renamed; unchanged if no line names it."""
    lines = config.splitlines(keepends=True)
    naming = [index for index, line in enumerate(lines) if f"{GUIDELINE}/" in line]
    if not naming or not ids:
        return config
    first, last = naming[0], naming[-1]
    if naming != list(range(first, last + 1)):
        raise SystemExit(f"bench: mkdocs.yml names {GUIDELINE}/ on lines that are not one "
                         "block: cannot list the copies in its nav")
    # A nav section's title line ("- Title:") just above the pages goes with them.
    indent = len(lines[first]) - len(lines[first].lstrip())
    if first > 0:
        above = lines[first - 1]
        if above.rstrip().endswith(":") and len(above) - len(above.lstrip()) < indent \
                and above.lstrip().startswith("- "):
            first -= 1
    block = "".join(lines[first:last + 1])
    copies = "".join(block.replace(f"{GUIDELINE}/", f"{new_id}/") for new_id in ids)
    return "".join(lines[:last + 1]) + copies + "".join(lines[last + 1:])


# --- measuring ------------------------------------------------------------------------------


def build(project: Path, site: Path, cache: Path) -> float:
    """Seconds of one ``mkdocs build --strict`` of ``project`` into a fresh ``site``."""
    shutil.rmtree(site, ignore_errors=True)
    started = time.perf_counter()
    # -P: the copy's calculators/guidelines/ (written by the build) must not shadow the
    # installed calculators package as a namespace package.
    completed = subprocess.run(
        [sys.executable, "-P", "-m", "mkdocs", "build", "--strict", "-q",
         "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        cwd=project, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", CACHE_ENV: str(cache)},
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"bench: the build of {project} failed:\n{completed.stderr}")
    shutil.rmtree(site, ignore_errors=True)
    return seconds


def time_stages(project: Path) -> dict[str, float]:
    """Seconds of the content loader and of the decisions stage, in this process."""
    docs = project / "docs"
    started = time.perf_counter()
    site = load_site(docs, markdown_pages(docs), project)
    loaded = time.perf_counter()
    compiled = compile_site(site)
    verified = time.perf_counter()
    if len(compiled) != len(site.guidelines):
        raise SystemExit(f"bench: {len(compiled)} of {len(site.guidelines)} guidelines compiled")
    return {"load": loaded - started, "verify": verified - loaded}


def stages(project: Path) -> dict[str, float]:
    """:func:`time_stages` in a fresh Python (this script, ``--stages``)."""
    completed = subprocess.run(
        [sys.executable, "-P", str(Path(__file__).resolve()), "--stages", str(project)],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"bench: the stages of {project} failed:\n{completed.stderr}")
    times: dict[str, float] = json.loads(completed.stdout)
    return times


def profile(project: Path, limit: int = 30) -> None:
    """The stages of ``project`` under cProfile: the most expensive functions, to stderr."""
    profiler = cProfile.Profile()
    profiler.enable()
    times = time_stages(project)
    profiler.disable()
    log(f"profile of {project.name}: " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items()))
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(limit)


# --- figures --------------------------------------------------------------------------------


def figure(name: str, n: int, values: Sequence[float]) -> dict[str, object]:
    return {
        "name": name,
        "n": n,
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
        "unit": "s",
        "runs": len(values),
    }


def report(series: Mapping[str, Mapping[int, Sequence[float]]], sizes: Sequence[int]) -> None:
    """The figures, the per-guideline times and the growth ratios, then the targets."""
    medians = {name: {n: statistics.median(by_size[n]) for n in sizes}
               for name, by_size in series.items()}
    for name, by_size in series.items():
        for n in sizes:
            emit(figure(name, n, by_size[n]))
    for name in series:
        for n in sizes:
            emit({"name": f"{name}_per_guideline", "n": n,
                  "value": round(medians[name][n] / n, 4), "unit": "s"})
        for small, large in zip(sizes, sizes[1:], strict=False):
            growth = medians[name][large] / medians[name][small] / (large / small)
            emit({"name": f"{name}_growth", "from": small, "to": large, "value": round(growth, 3)})
    if len(sizes) < 2:
        return
    small, large = sizes[-2], sizes[-1]
    for name in series:
        ratio = (medians[name][large] / large) / (medians[name][small] / small)
        emit({"name": f"{name}_linear", "value": round(ratio, 3),
              "target": f"per guideline at {large} <= {LINEAR_LIMIT:g} x at {small}",
              "met": ratio <= LINEAR_LIMIT})


# --- main -----------------------------------------------------------------------------------


def sizes_argument(text: str) -> list[int]:
    sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("give sizes of at least 1, e.g. 1,10,50")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes_argument, default=[1, 10, 50],
                        help="numbers of guidelines (default: 1,10,50)")
    parser.add_argument("--runs", type=int, default=3, help="repeats of each figure (default 3)")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="profile the loader and the decisions stage for N guidelines")
    parser.add_argument("--stages", type=Path, help=argparse.SUPPRESS)  # the child of stages()
    args = parser.parse_args()
    if args.stages is not None:
        print(json.dumps(time_stages(args.stages)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as temp:
        work = Path(temp)
        if args.profile is not None:
            profile(make_project(work / "project", args.profile))
            return
        sizes: list[int] = args.sizes
        cache = work / "cache"
        projects = {n: make_project(work / f"project-{n}", n) for n in sizes}
        for n in sizes:
            log(f"warm-up build of {n} guideline(s): {build(projects[n], work / 'site', cache):.1f} s")
        series: dict[str, dict[int, list[float]]] = {
            name: {n: [] for n in sizes} for name in ("build", *STAGES)
        }
        for run in range(args.runs):
            order = sizes[run % len(sizes):] + sizes[:run % len(sizes)]
            for n in order:
                series["build"][n].append(build(projects[n], work / "site", cache))
                for name, seconds in stages(projects[n]).items():
                    series[name][n].append(seconds)
                log(f"run {run + 1}/{args.runs}, {n} guideline(s): "
                    + ", ".join(f"{name} {series[name][n][-1]:.2f} s" for name in series))
        report(series, sizes)


if __name__ == "__main__":
    main()
