"""How the build and the verification grow with the number of guidelines.

    python benchmarks/bench_scale.py [--sizes 1,10,50] [--runs 3] [--cache-dir DIR]
                                     [--profile N]
    make bench

For each size N, a project copy in a temporary folder (mkdocs.yml and docs/; the working tree
is never written) holds N guidelines: the real one (``docs/metastatic-breast-cancer/``) and N-1
copies of it under other ids (see :func:`make_project`). For each size, side by side in one run
(the sizes interleaved, in another order on each repeat), it measures:

* ``build``: ``python -P -m mkdocs build --strict`` of the copy in a subprocess (a fresh output
  folder), every size sharing one build cache (``GUIDELINE_CACHE_DIR``: the bytecode of
  Pyodide's standard library and of the bundle, the precompressed files), warmed by one untimed
  build of each size first, so the figures are those of an ordinary rebuild;
* ``load``: the content loader alone (``build_tools.content.site.load_site``: parsing every page
  and the checks that span pages, links included), and ``verify``: the decisions stage alone
  (``build_tools.decisions.compile_site``: every guideline's tables loaded, verified, compiled
  and proven), each timed in a fresh Python (no warm in-process cache from an earlier size).

It prints one JSON object per line: the figures ``{"name", "n", "median", "min", "max", "unit",
"runs"}`` (medians of ``--runs`` repeats, the same number for every size), ``build_warm_up``
(the untimed first build of each size, with how many entries the cache held before it) and
``site_html_bytes`` (the built pages' size: every page carries the navigation of the whole
site), then ``{"name": "<figure>_per_guideline", "n", "value"}`` (median / N) and
``{"name": "<figure>_growth", "from", "to", "value"}`` (t(to) / t(from) / (to / from): 1.0 is
linear growth, below 1.0 a fixed cost being shared), then one line per target
``{"name", "value", "target", "met"}``.

The rule of each target (``build_linear``, ``load_linear``, ``verify_linear``): growth is
**linear** when the time per guideline at the largest size is at most 1.5 times the time per
guideline at the next smaller size (with the default sizes: the per-guideline time at 50 is at
most 1.5 x the per-guideline time at 10); ``value`` is that ratio.

The build cache is kept between runs in ``--cache-dir`` (default ``.cache/bench-scale`` of the
checkout, beside the build's own ``.cache/``, whose entries it leaves alone): every page of a
50-guideline site lists all 600 pages in its navigation, so the first build of that site
brotli-compresses 171 MB of HTML, 8-13 min on the project's 2-core machine. With that cache
filled a run takes ~5 min (3 runs of each size); the first run on a machine ~14 min.
``--cache-dir ''``: a temporary cache (always the slow case). The cache keeps the 2000
precompressed files last used (build_tools/hosting/compress.py): the default sizes need ~1600;
larger ones are reported when they fill it (builds then compress again what it dropped).

``--profile N`` runs the two in-process stages for size N under cProfile instead and prints
the functions with the most cumulative time to stderr. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_tools.cache_dirs import CACHE_ENV  # noqa: E402
from build_tools.content.site import load_site, markdown_pages  # noqa: E402
from build_tools.decisions import compile_site  # noqa: E402
from build_tools.hosting.compress import CACHE_FORMAT, CACHE_MAX_ENTRIES  # noqa: E402
from build_tools.site_build import mkdocs_build  # noqa: E402

GUIDELINE = "metastatic-breast-cancer"  # the real guideline, copied under other ids
LINEAR_LIMIT = 1.5  # per-guideline time at the largest size / at the next smaller one
STAGES = ("load", "verify")
BUILD_TIMEOUT_S = 1800  # a 50-guideline build with an empty cache: 8-13 min
DEFAULT_CACHE = ROOT / ".cache" / "bench-scale"


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
        raise SystemExit(
            f"bench: mkdocs.yml names {GUIDELINE}/ on lines that are not one "
            "block: cannot list the copies in its nav"
        )
    # A nav section's title line ("- Title:") just above the pages goes with them.
    indent = len(lines[first]) - len(lines[first].lstrip())
    if first > 0:
        above = lines[first - 1]
        if (
            above.rstrip().endswith(":")
            and len(above) - len(above.lstrip()) < indent
            and above.lstrip().startswith("- ")
        ):
            first -= 1
    block = "".join(lines[first : last + 1])
    copies = "".join(block.replace(f"{GUIDELINE}/", f"{new_id}/") for new_id in ids)
    return "".join(lines[: last + 1]) + copies + "".join(lines[last + 1 :])


# --- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    seconds: float
    html_bytes: int  # the built pages (.html), uncompressed


def build(project: Path, site: Path, cache: Path) -> Built:
    """One ``mkdocs build --strict`` of ``project`` into a fresh ``site`` (removed after)."""
    shutil.rmtree(site, ignore_errors=True)
    started = time.perf_counter()
    completed = mkdocs_build(
        project / "mkdocs.yml",
        site,
        quiet=True,
        env={CACHE_ENV: str(cache)},
        timeout=BUILD_TIMEOUT_S,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"bench: the build of {project} failed:\n{completed.stderr}")
    html_bytes = sum(path.stat().st_size for path in site.rglob("*.html"))
    shutil.rmtree(site, ignore_errors=True)
    return Built(seconds, html_bytes)


def cache_entries(cache: Path) -> int:
    """Precompressed files in the build cache (it keeps the CACHE_MAX_ENTRIES last used)."""
    folder = cache / "precompressed"
    return sum(1 for _ in folder.glob(f"{CACHE_FORMAT}-*")) if folder.is_dir() else 0


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
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
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


def figure(name: str, n: int, values: Sequence[float], unit: str = "s") -> dict[str, object]:
    digits = 0 if unit == "bytes" else 3
    return {
        "name": name,
        "n": n,
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "unit": unit,
        "runs": len(values),
    }


def growth(name: str, medians: Mapping[int, float], sizes: Sequence[int], unit: str) -> None:
    """Per-guideline values and the growth ratios between successive sizes."""
    for n in sizes:
        value = medians[n] / n
        emit(
            {
                "name": f"{name}_per_guideline",
                "n": n,
                "value": round(value) if unit == "bytes" else round(value, 4),
                "unit": unit,
            }
        )
    for small, large in itertools.pairwise(sizes):
        ratio = medians[large] / medians[small] / (large / small)
        emit({"name": f"{name}_growth", "from": small, "to": large, "value": round(ratio, 3)})


def linear(name: str, medians: Mapping[int, float], sizes: Sequence[int]) -> dict[str, object]:
    """The target line: per-guideline time at the largest size <= LINEAR_LIMIT x at the next."""
    small, large = sizes[-2], sizes[-1]
    ratio = (medians[large] / large) / (medians[small] / small)
    return {
        "name": f"{name}_linear",
        "value": round(ratio, 3),
        "target": f"per guideline at {large} <= {LINEAR_LIMIT:g} x at {small}",
        "met": ratio <= LINEAR_LIMIT,
    }


# --- main -----------------------------------------------------------------------------------


def sizes_argument(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError("give whole numbers, e.g. 1,10,50") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("give sizes of at least 1, e.g. 1,10,50")
    return sizes


def run(sizes: Sequence[int], runs: int, work: Path, cache: Path) -> None:
    projects = {n: make_project(work / f"project-{n}", n) for n in sizes}
    site = work / "site"
    html: dict[int, int] = {}
    for n in sizes:
        entries = cache_entries(cache)
        first = build(projects[n], site, cache)
        html[n] = first.html_bytes
        emit({**figure("build_warm_up", n, [first.seconds]), "cache_entries_before": entries})
        log(
            f"warm-up build of {n} guideline(s): {first.seconds:.1f} s "
            f"({entries} precompressed files in the cache before)"
        )
    if cache_entries(cache) >= CACHE_MAX_ENTRIES:
        log(
            f"bench: the build cache is full ({CACHE_MAX_ENTRIES} precompressed files): builds "
            "compress again what it dropped, so the figures below overstate ordinary builds"
        )
    series: dict[str, dict[int, list[float]]] = {
        name: {n: [] for n in sizes} for name in ("build", *STAGES)
    }
    for repeat in range(runs):
        shift = repeat % len(sizes)
        for n in [*sizes[shift:], *sizes[:shift]]:
            series["build"][n].append(build(projects[n], site, cache).seconds)
            for name, seconds in stages(projects[n]).items():
                series[name][n].append(seconds)
            log(
                f"run {repeat + 1}/{runs}, {n} guideline(s): "
                + ", ".join(f"{name} {series[name][n][-1]:.2f} s" for name in series)
            )

    medians = {
        name: {n: statistics.median(by_size[n]) for n in sizes} for name, by_size in series.items()
    }
    for name, by_size in series.items():
        for n in sizes:
            emit(figure(name, n, by_size[n]))
    for n in sizes:
        emit(figure("site_html_bytes", n, [html[n]], "bytes"))
    for name in series:
        growth(name, medians[name], sizes, "s")
    growth("site_html_bytes", {n: float(html[n]) for n in sizes}, sizes, "bytes")
    if len(sizes) >= 2:
        for name in series:
            emit(linear(name, medians[name], sizes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=sizes_argument,
        default=[1, 10, 50],
        help="numbers of guidelines (default: 1,10,50)",
    )
    parser.add_argument("--runs", type=int, default=3, help="repeats of each figure (default 3)")
    parser.add_argument(
        "--cache-dir",
        default=str(DEFAULT_CACHE),
        help="the build cache kept between runs ('': a temporary one)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="profile the loader and the decisions stage for N guidelines",
    )
    parser.add_argument("--stages", type=Path, help=argparse.SUPPRESS)  # the child of stages()
    args = parser.parse_args()
    if args.stages is not None:
        print(json.dumps(time_stages(args.stages)))
        return
    if args.runs < 1:
        parser.error("--runs: at least 1")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as temp:
        work = Path(temp)
        if args.profile is not None:
            profile(make_project(work / "project", args.profile))
            return
        cache = Path(args.cache_dir).resolve() if args.cache_dir else work / "cache"
        run(args.sizes, args.runs, work, cache)


if __name__ == "__main__":
    main()
