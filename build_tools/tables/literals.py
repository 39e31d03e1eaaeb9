"""Deterministic Python source for plain data (dicts, lists, strings, numbers, booleans, None).

``pprint`` output may change between Python versions; the generated modules must be
byte-identical wherever they are built, so the layout is fixed here: a container goes on one line
when it fits, otherwise one entry per line.
"""

from __future__ import annotations

import json

WIDTH = 100
INDENT = "    "


def python_literal(value: object, level: int = 0, room: int = WIDTH) -> str:
    inline = _inline(value)
    if (
        len(inline) <= room - len(INDENT) * level
        or not isinstance(value, (dict, list, tuple))
        or not value
    ):
        return inline
    inner = INDENT * (level + 1)
    if isinstance(value, dict):
        lines = [
            f"{inner}{_scalar(key)}: {python_literal(member, level + 1, room - len(key) - 4)},"
            for key, member in value.items()
        ]
        return "{\n" + "\n".join(lines) + "\n" + INDENT * level + "}"
    lines = [f"{inner}{python_literal(member, level + 1)}," for member in value]
    opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
    return opening + "\n" + "\n".join(lines) + "\n" + INDENT * level + closing


def _inline(value: object) -> str:
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{_scalar(key)}: {_inline(member)}" for key, member in value.items())
            + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(_inline(member) for member in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(_inline(member) for member in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return _scalar(value)


def _scalar(value: object) -> str:
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, str):
        # JSON string syntax is valid Python and always uses double quotes.
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} as a Python literal")
