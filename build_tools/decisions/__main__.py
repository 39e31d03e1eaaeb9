"""``python -m build_tools.decisions [--docs docs] [--out calculators/guidelines] [--check]``

Runs the build's pipeline (:class:`build_tools.pipeline.SiteBuild`: the same loader, checks and
stages as the site build) on the pages under ``--docs``: verifies every guideline's decision
tables exhaustively, proves its safety constraints, reads its releases, and writes the compiled
modules to ``--out`` and the superseded versions' modules to ``calculators/released`` (``make
tables``). With ``--check`` nothing is written: the command exits 1 when a committed module
differs from what the pages compile to.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from build_tools.findings import ContentError
from build_tools.pipeline import BuildOptions, SiteBuild


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m build_tools.decisions", description=__doc__.splitlines()[2].strip()
    )
    parser.add_argument(
        "--docs", type=Path, default=Path("docs"), help="the docs folder (default: docs)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("calculators/guidelines"), help="where the modules go"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a module is stale"
    )
    args = parser.parse_args(argv)
    if not args.docs.is_dir():
        print(f"{args.docs}: no such folder (give the docs folder with --docs)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    root = Path.cwd()
    build = SiteBuild(BuildOptions(root, docs_dir=args.docs, modules_dir=str(args.out.resolve())))
    try:
        build.run()
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    elapsed_ms = (time.perf_counter() - started) * 1000
    stale = build.stale_module_paths()
    if not args.check:
        build.write_modules()
    for guideline in build.compiled.values():
        model = guideline.model
        target = args.out / f"{guideline.module_name}.py"
        state = (
            ("stale" if target.resolve() in stale else "up to date") if args.check else "written"
        )
        print(
            f"{model.guideline_id}: {len(model.tables)} tables, {len(model.items)} items "
            f"verified and proven; {target} {state}"
        )
    print(
        f"{len(build.content.pages)} pages loaded and checked, {len(build.compiled)} "
        f"guideline(s) compiled in {elapsed_ms:.0f} ms"
    )
    if args.check and stale:
        for path, why in stale.items():
            print(str(build.stale_finding(path, why)), file=sys.stderr)
    if not build.compiled:
        print(f"no guideline under {args.docs}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
