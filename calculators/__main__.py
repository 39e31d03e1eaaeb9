"""``python -m calculators GUIDELINE CASE.json`` (``-`` reads the case from stdin).

Prints the result as JSON (its keys: :class:`calculators.runtime.results.Result`). Exit status:
0 for a valid case (whatever its clinical status), 2 for an invalid case (the errors are in the
JSON and on stderr), 1 when the guideline is unknown or the case file cannot be read or is not
JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from calculators import available_guidelines, load
from calculators.runtime.errors import UnknownGuidelineError
from calculators.runtime.results import Result


def _read_case(argument: str) -> object:
    text = sys.stdin.read() if argument == "-" else Path(argument).read_text(encoding="utf-8")
    return json.loads(text)


def _print_json(value: Result) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    # Item texts contain non-ASCII (×, —); write UTF-8 whatever the locale says.
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        sys.stdout.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m calculators", description="Recommend from a guideline's decision tables."
    )
    parser.add_argument(
        "guideline", help=f"guideline id ({', '.join(available_guidelines()) or 'none compiled'})"
    )
    parser.add_argument("case", help="case JSON file, or - for stdin")
    args = parser.parse_args(argv)
    source = "standard input" if args.case == "-" else args.case
    try:
        case = _read_case(args.case)
    except OSError as error:
        print(
            f"error: cannot read the case file {source}: {error.strerror or error}", file=sys.stderr
        )
        return 1
    except (ValueError, RecursionError) as error:
        # ValueError covers malformed JSON, bad UTF-8 and numbers of more than 4300 digits;
        # RecursionError, absurdly deep nesting.
        print(f"error: {source} is not valid JSON: {error}", file=sys.stderr)
        return 1
    try:
        calculator = load(args.guideline)
    except UnknownGuidelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    result = calculator.recommend(case)  # a JSON value that is not an object is reported as invalid
    _print_json(result)
    if result["status"] == "invalid":
        for problem in result["errors"]:
            print(f"invalid case: {problem['message']}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
