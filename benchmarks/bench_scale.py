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
``site_html_bytes`` (the built pages' size), then ``{"name": "<figure>_per_guideline", "n",
"value"}`` (median / N) and ``{"name": "<figure>_growth", "from", "to", "value"}`` (t(to) /
t(from) / (to / from): 1.0 is linear growth, below 1.0 a fixed cost being shared), then:

* ``page_size_ratio`` for each size: every page's size (bytes of its .html) over the size of the
  same page in the one-guideline site (a copy's page: the real guideline's page), the largest
  (``max``, with its ``page``) and the median. Pages carry the navigation: a site with several
  guidelines lists on a guideline's page that guideline alone, on the home page each guideline
  as one link, elsewhere one link to the home page (build_tools/mkdocs_plugin/navigation.py), so
  only the home page grows with the site, by one link a guideline;
* ``navigation_change``: a guideline is added to the largest site (a copy numbered N+1), which is
  built again: ``files`` compressible files, ``changed`` of them new or with other bytes than
  before (``changed_guideline_pages``: pages of the guidelines already there), ``recompressed``
  the contents the precompression cache did not hold (new cache entries),
  ``unchanged_recompressed`` the unchanged files among those (0: the cache, keyed by content,
  skips every unchanged file),
  ``seconds`` that build (beside ``ordinary_seconds``, the median build of N);

then one line per target ``{"name", "value", "target", "met"}``.

The rule of each time target (``build_linear``, ``load_linear``, ``verify_linear``): growth is
**linear** when the time per guideline at the largest size is at most 1.5 times the time per
guideline at the next smaller size (with the default sizes: the per-guideline time at 50 is at
most 1.5 x the per-guideline time at 10); ``value`` is that ratio. ``page_size_bound``: at the
largest size, no page is more than 1.5 times its one-guideline size. ``navigation_change_local``:
the build after adding a guideline compresses no unchanged file again, and changes (so compresses
again) at most 2 pages of the guidelines already there (its neighbours' previous/next links);
``value`` is the number of those pages.

The build cache is kept between runs in ``--cache-dir`` (default ``.cache/bench-scale`` of the
checkout, beside the build's own ``.cache/``, whose entries it leaves alone): the first build of
a 50-guideline site brotli-compresses its 52 MB of HTML (~5 min with the other sizes' warm-ups
on the project's 2-core machine; when every page listed every guideline's pages, 295 MB and
8-13 min). ``--cache-dir ''``: a temporary cache. The cache keeps every entry of the last build
and the CACHE_MAX_ENTRIES most recently used others (build_tools/hosting/compress.py); a timed
build that compressed anything (the cache had dropped it) is reported on stderr.

``--profile N`` runs the two in-process stages for size N under cProfile instead and prints
the functions with the most cumulative time to stderr. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
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
from build_tools.hosting.policy import compressible  # noqa: E402
from devtools.site_build import mkdocs_build  # noqa: E402

GUIDELINE = "metastatic-breast-cancer"  # the real guideline, copied under other ids
LINEAR_LIMIT = 1.5  # per-guideline time at the largest size / at the next smaller one
STAGES = ("load", "verify")
PAGE_SIZE_LIMIT = 1.5  # a page's size at the largest size / its size with one guideline
# The pages of the guidelines already there that adding one may change: the previous/next links
# of its neighbours in the reading order.
NEIGHBOUR_PAGES = 2
BUILD_TIMEOUT_S = 1800
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
    ids = [copy_id(number) for number in range(2, count + 1)]
    for new_id in ids:
        copy_guideline(destination, new_id)
    config = (source / "mkdocs.yml").read_text(encoding="utf-8")
    (destination / "mkdocs.yml").write_text(with_nav_copies(config, ids), encoding="utf-8")
    return destination


def copy_guideline(project: Path, new_id: str) -> Path:
    """A copy of the real guideline's folder in ``project``'s docs/ under the id ``new_id``
    (a mkdocs.yml ``nav`` is left as it is: :func:`with_nav_copies`)."""
    folder = project / "docs" / new_id
    shutil.copytree(project / "docs" / GUIDELINE, folder)
    for page in folder.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(GUIDELINE, new_id), encoding="utf-8")
    return folder


def one_guideline_page(path: str) -> str:
    """The page of the one-guideline site that ``path`` (site-relative) corresponds to: a
    copy's page is the real guideline's page, any other page itself."""
    folder, slash, rest = path.partition("/")
    if slash and folder.startswith(f"{GUIDELINE}-copy-"):
        return f"{GUIDELINE}/{rest}"
    return path


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
    pages: dict[str, int]  # each built page (.html, site-relative) -> bytes, uncompressed
    digests: dict[str, str]  # each compressible file (site-relative) -> SHA-256 of its bytes

    @property
    def html_bytes(self) -> int:
        return sum(self.pages.values())


def build(project: Path, site: Path, cache: Path) -> Built:
    """One ``mkdocs build --strict`` of ``project`` into a fresh ``site`` (removed after)."""
    shutil.rmtree(site, ignore_errors=True)
    started = time.perf_counter()
    completed = mkdocs_build(
        project / "mkdocs.yml",
        site,
        quiet=True,
        # The copies' generated modules are not committed anywhere: the build writes them.
        modules="write",
        env={CACHE_ENV: str(cache)},
        timeout=BUILD_TIMEOUT_S,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"bench: the build of {project} failed:\n{completed.stderr}")
    pages: dict[str, int] = {}
    digests: dict[str, str] = {}
    for path in site.rglob("*"):
        if not path.is_file() or path.suffix in (".br", ".gz"):
            continue
        relative, size = path.relative_to(site).as_posix(), path.stat().st_size
        if path.suffix == ".html":
            pages[relative] = size
        if compressible(relative, size):
            digests[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    shutil.rmtree(site, ignore_errors=True)
    return Built(seconds, pages, digests)


def cache_names(cache: Path) -> set[str]:
    """The precompressed files in the build cache (``<format>-<sha256 of the original><suffix>``;
    it keeps the last build's and the CACHE_MAX_ENTRIES most recently used others)."""
    folder = cache / "precompressed"
    return {path.name for path in folder.glob(f"{CACHE_FORMAT}-*")} if folder.is_dir() else set()


def cache_entries(cache: Path) -> int:
    return len(cache_names(cache))


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


def page_size_ratio(n: int, pages: Mapping[str, int], one: Mapping[str, int]) -> dict[str, object]:
    """Each page's size over its one-guideline size (``one``): the largest and the median."""
    ratios = {
        path: size / one[base]
        for path, size in pages.items()
        if (base := one_guideline_page(path)) in one
    }
    if not ratios:
        raise SystemExit(f"bench: no page of the {n}-guideline site is in the one-guideline site")
    worst = max(ratios, key=lambda path: ratios[path])
    return {
        "name": "page_size_ratio",
        "n": n,
        "max": round(ratios[worst], 3),
        "page": worst,
        "page_bytes": pages[worst],
        "one_guideline_bytes": one[one_guideline_page(worst)],
        "median": round(statistics.median(ratios.values()), 3),
        "pages": len(ratios),
        "largest_page_bytes": max(pages.values()),
    }


def page_size_bound(ratio: Mapping[str, object]) -> dict[str, object]:
    value = float(str(ratio["max"]))
    return {
        "name": "page_size_bound",
        "value": value,
        "target": f"every page at {ratio['n']} <= {PAGE_SIZE_LIMIT:g} x its one-guideline size",
        "met": value <= PAGE_SIZE_LIMIT,
    }


def in_a_guideline(path: str) -> bool:
    """Whether ``path`` (site-relative) is in the real guideline's folder or a copy's."""
    folder, slash, _ = path.partition("/")
    return bool(slash) and (folder == GUIDELINE or folder.startswith(f"{GUIDELINE}-copy-"))


def navigation_change(
    project: Path, n: int, before: Built, site: Path, cache: Path, ordinary: float
) -> dict[str, object]:
    """Add a guideline to ``project`` (built as ``before``), build it again and count the files
    it changed and the contents it compressed; the guideline is removed after."""
    folder = copy_guideline(project, copy_id(n + 1))
    known = cache_names(cache)
    try:
        after = build(project, site, cache)
    finally:
        shutil.rmtree(folder)
    # Cache entries are named <format>-<sha256 of the original><suffix>.
    new_hashes = {name.split("-", 1)[1].split(".", 1)[0] for name in cache_names(cache) - known}
    changed = sorted(p for p, digest in after.digests.items() if before.digests.get(p) != digest)
    unchanged = [p for p, digest in after.digests.items() if before.digests.get(p) == digest]
    pages = [path for path in changed if path in before.pages]
    guideline_pages = [path for path in pages if in_a_guideline(path)]
    log(
        f"navigation change at {n}: {len(changed)} of {len(after.digests)} files changed, "
        f"{len(pages)} of them pages that were there ({', '.join(pages[:8])}"
        f"{' ...' if len(pages) > 8 else ''}); {len(new_hashes)} contents compressed; "
        f"{after.seconds:.1f} s"
    )
    return {
        "name": "navigation_change",
        "n": n,
        "added": copy_id(n + 1),
        "files": len(after.digests),
        "changed": len(changed),
        "changed_pages": len(pages),
        "changed_guideline_pages": len(guideline_pages),
        "recompressed": len(new_hashes),
        "unchanged_recompressed": sum(after.digests[path] in new_hashes for path in unchanged),
        "seconds": round(after.seconds, 3),
        "ordinary_seconds": round(ordinary, 3),
    }


def navigation_change_target(change: Mapping[str, object]) -> dict[str, object]:
    pages = int(str(change["changed_guideline_pages"]))
    return {
        "name": "navigation_change_local",
        "value": pages,
        "target": (
            f"adding a guideline at {change['n']}: no unchanged file compressed again, at most "
            f"{NEIGHBOUR_PAGES} pages of the other guidelines changed"
        ),
        "met": change["unchanged_recompressed"] == 0 and pages <= NEIGHBOUR_PAGES,
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
    pages: dict[int, dict[str, int]] = {}
    if 1 not in sizes:  # the reference of the page sizes
        pages[1] = build(make_project(work / "project-1", 1), site, cache).pages
    for n in sizes:
        entries = cache_entries(cache)
        first = build(projects[n], site, cache)
        html[n] = first.html_bytes
        pages[n] = first.pages
        emit({**figure("build_warm_up", n, [first.seconds]), "cache_entries_before": entries})
        log(
            f"warm-up build of {n} guideline(s): {first.seconds:.1f} s "
            f"({entries} precompressed files in the cache before)"
        )
    series: dict[str, dict[int, list[float]]] = {
        name: {n: [] for n in sizes} for name in ("build", *STAGES)
    }
    last: dict[int, Built] = {}
    for repeat in range(runs):
        shift = repeat % len(sizes)
        for n in [*sizes[shift:], *sizes[:shift]]:
            known = cache_names(cache)
            last[n] = build(projects[n], site, cache)
            series["build"][n].append(last[n].seconds)
            if compressed := len(cache_names(cache) - known):
                log(
                    f"bench: the build of {n} guideline(s) wrote {compressed} precompressed "
                    f"copies the cache (the last build's and {CACHE_MAX_ENTRIES} more) no longer "
                    "held: its time overstates an ordinary rebuild"
                )
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
    ratios = {n: page_size_ratio(n, pages[n], pages[1]) for n in sizes}
    for n in sizes:
        emit(ratios[n])
    largest = sizes[-1]
    change = navigation_change(
        projects[largest], largest, last[largest], site, cache, medians["build"][largest]
    )
    emit(change)
    if len(sizes) >= 2:
        for name in series:
            emit(linear(name, medians[name], sizes))
    emit(page_size_bound(ratios[largest]))
    emit(navigation_change_target(change))


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
