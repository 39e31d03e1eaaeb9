"""``python -m build_tools.tables [--docs docs] [--out calculators/guidelines] [--check]``

Loads every guideline under ``--docs`` that declares case inputs or decision tables, verifies its
tables exhaustively and writes the compiled module to ``--out``. With ``--check`` nothing is
written: the command exits 1 when a committed module differs from what the pages compile to.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from build_tools.errors import ContentError
from build_tools.tables import check, load_decision_model, module_name, write_module
from build_tools.tables.discover import find_guideline_folders, load_guideline_source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m build_tools.tables", description=__doc__.splitlines()[2].strip()
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
    base = Path.cwd()
    stale: list[str] = []
    failed = False
    compiled = 0
    for folder in find_guideline_folders(args.docs):
        started = time.perf_counter()
        try:
            source = load_guideline_source(folder, base)
            if source.case_inputs is None and not any(
                section.decision_tables for section in source.sections
            ):
                continue
            model = load_decision_model(source)
            text, findings = check(model)
            if findings:
                raise ContentError(findings)
        except ContentError as error:
            print(error.report(), file=sys.stderr)
            failed = True
            continue
        elapsed_ms = (time.perf_counter() - started) * 1000
        compiled += 1
        target = args.out / f"{module_name(model.guideline_id)}.py"
        if args.check:
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                stale.append(str(target))
            state = "stale" if str(target) in stale else "up to date"
        else:
            write_module(model, args.out, text)
            state = "written"
        print(
            f"{model.guideline_id}: {len(model.tables)} tables, {len(model.items)} items "
            f"verified and proven in {elapsed_ms:.0f} ms; {target} {state}"
        )
    if stale:
        print(
            f"stale: {', '.join(stale)} -> "
            "run `python -m build_tools.tables` and commit the result",
            file=sys.stderr,
        )
    if compiled == 0 and not failed:
        print(f"no guideline under {args.docs} declares case inputs or decision tables")
    return 1 if failed or stale else 0


if __name__ == "__main__":
    sys.exit(main())
