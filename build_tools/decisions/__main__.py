"""``python -m build_tools.decisions [--docs docs] [--out calculators/guidelines] [--check]``

Loads the pages under ``--docs`` exactly as the site build does (same loader, same checks),
verifies every guideline's decision tables exhaustively, proves its safety constraints and writes
the compiled modules to ``--out``. With ``--check`` nothing is written: the command exits 1 when a
committed module differs from what the pages compile to.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from build_tools.content.site import load_site, markdown_pages
from build_tools.decisions.stage import compile_site
from build_tools.findings import ContentError
from build_tools.tables import write_module


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
    try:
        site = load_site(args.docs, markdown_pages(args.docs), Path.cwd())
        compiled = compile_site(site)
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    elapsed_ms = (time.perf_counter() - started) * 1000
    stale: list[str] = []
    for guideline in compiled.values():
        model = guideline.model
        target = args.out / f"{guideline.module_name}.py"
        if args.check:
            current = target.read_text(encoding="utf-8") if target.exists() else None
            state = "up to date" if current == guideline.module_text else "stale"
            if state == "stale":
                stale.append(str(target))
        else:
            write_module(model, args.out, guideline.module_text)
            state = "written"
        print(
            f"{model.guideline_id}: {len(model.tables)} tables, {len(model.items)} items "
            f"verified and proven; {target} {state}"
        )
    print(
        f"{len(site.pages)} pages loaded and checked, {len(compiled)} guideline(s) compiled "
        f"in {elapsed_ms:.0f} ms"
    )
    if stale:
        print(
            f"stale: {', '.join(stale)} -> "
            "run `python -m build_tools.decisions` and commit the result",
            file=sys.stderr,
        )
    if not compiled:
        print(f"no guideline under {args.docs}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
