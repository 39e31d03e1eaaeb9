"""Our cells as standard DMN 1.3 unary tests (FEEL), and a small evaluator of those tests.

Two differences of null semantics matter (AUTHORING.md, "Unary tests"): our ``not(x)`` matches
null unless ``x`` does, and our ``!= n`` is false on null; in DMN ``not(>= 4)`` on null is null
(no match). So a cell is never exported with ``not(...)`` around a test that could be null:
enum and boolean cells list the values they match, numeric cells the intervals they match, and
``null`` is listed when our cell matches null. The only ``not`` written is ``not(null)``.

:func:`prove_cell` checks, over an input's enumerated domain, that the exported text matches
exactly where our cell does, with DMN's semantics (:func:`dmn_matches`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from build_tools.tables.domain import DomainValue
from build_tools.tables.unary import (
    AnyOf,
    AnyValue,
    Comparison,
    Interval,
    IsNull,
    Literal,
    Not,
    Number,
    UnaryTest,
)

INFINITY = math.inf


class NotExportable(ValueError):
    """A cell that standard unary tests cannot state (one that matches nothing)."""


@dataclass(frozen=True)
class Span:
    """A set of numbers between two ends (infinite ends are open)."""

    low: float
    high: float
    low_closed: bool
    high_closed: bool

    def empty(self) -> bool:
        return self.low > self.high or (
            self.low == self.high and not (self.low_closed and self.high_closed)
        )


def feel_literal(value: DomainValue) -> str:
    """A value as a FEEL literal: a string in double quotes, ``true``, ``3``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def unary_text(test: UnaryTest, kind: str, values: Sequence[DomainValue]) -> str:
    """The DMN unary tests for ``test`` on an input of ``kind`` (enum, boolean, integer,
    number) whose non-null values are ``values`` (enums and booleans)."""
    if isinstance(test, AnyValue):
        return "-"
    with_null = test.matches(None)
    if kind in ("integer", "number"):
        spans = matched_spans(test)
        if spans == [Span(-INFINITY, INFINITY, False, False)]:
            return "-" if with_null else "not(null)"
        parts = [_span_text(span) for span in spans]
    else:
        matched = [value for value in values if value is not None and test.matches(value)]
        if len(matched) == len([value for value in values if value is not None]) and matched:
            return "-" if with_null else "not(null)"
        parts = [feel_literal(value) for value in matched]
    if with_null:
        parts.append("null")
    if not parts:
        raise NotExportable("the cell matches no value")
    return ", ".join(parts)


def matched_spans(test: UnaryTest) -> list[Span]:
    """The numbers a test matches (null aside), as sorted disjoint spans: what the exports of
    numeric cells write, FEEL here and FHIRPath in fhir.py."""
    return _merge(_spans(test))


def _spans(test: UnaryTest) -> list[Span]:
    """The numbers a test matches, as spans (null aside)."""
    if isinstance(test, AnyValue):
        return [Span(-INFINITY, INFINITY, False, False)]
    if isinstance(test, IsNull):
        return []
    if isinstance(test, Literal):
        if isinstance(test.value, bool) or not isinstance(test.value, (int, float)):
            return []
        return [Span(test.value, test.value, True, True)]
    if isinstance(test, Comparison):
        bound = float(test.bound)
        return {
            "<": [Span(-INFINITY, bound, False, False)],
            "<=": [Span(-INFINITY, bound, False, True)],
            ">": [Span(bound, INFINITY, False, False)],
            ">=": [Span(bound, INFINITY, True, False)],
            "=": [Span(bound, bound, True, True)],
            "!=": [Span(-INFINITY, bound, False, False), Span(bound, INFINITY, False, False)],
        }[test.operator]
    if isinstance(test, Interval):
        return [Span(test.low, test.high, test.low_closed, test.high_closed)]
    if isinstance(test, AnyOf):
        return [span for member in test.tests for span in _spans(member)]
    assert isinstance(test, Not)
    return _complement(_merge([span for member in test.tests for span in _spans(member)]))


def _merge(spans: list[Span]) -> list[Span]:
    """Sorted, disjoint spans covering the same numbers."""
    ordered = sorted(
        (span for span in spans if not span.empty()), key=lambda s: (s.low, not s.low_closed)
    )
    merged: list[Span] = []
    for span in ordered:
        if merged:
            last = merged[-1]
            touches = span.low < last.high or (
                span.low == last.high and (span.low_closed or last.high_closed)
            )
            if touches:
                if span.high > last.high or (span.high == last.high and span.high_closed):
                    merged[-1] = Span(last.low, span.high, last.low_closed, span.high_closed)
                continue
        merged.append(span)
    return merged


def _complement(spans: list[Span]) -> list[Span]:
    result: list[Span] = []
    low, low_closed = -INFINITY, False
    for span in spans:
        result.append(Span(low, span.low, low_closed, not span.low_closed))
        low, low_closed = span.high, not span.high_closed
    result.append(Span(low, INFINITY, low_closed, False))
    return [span for span in result if not span.empty()]


def _span_text(span: Span) -> str:
    if span.low == span.high:
        return _number(span.low)
    if span.low == -INFINITY:
        return ("<= " if span.high_closed else "< ") + _number(span.high)
    if span.high == INFINITY:
        return (">= " if span.low_closed else "> ") + _number(span.low)
    opening = "[" if span.low_closed else "("
    closing = "]" if span.high_closed else ")"
    return f"{opening}{_number(span.low)}..{_number(span.high)}{closing}"


# The evaluator of exported tests, with DMN semantics: a test on null is false unless it is
# ``null`` or ``-``; ``not(null)`` is true on every non-null value.
_TOKEN = re.compile(
    r"^(?:(?P<any>-)|(?P<null>null)|(?P<notnull>not\(null\))|(?P<bool>true|false)"
    r'|"(?P<string>(?:[^"\\]|\\.)*)"|(?P<cmp><=|>=|<|>)\s*(?P<bound>-?[\d.]+)'
    r"|(?P<open>[\[(])(?P<low>-?[\d.]+)\.\.(?P<high>-?[\d.]+)(?P<close>[\])])"
    r"|(?P<number>-?[\d.]+))$"
)


def dmn_matches(text: str, value: DomainValue) -> bool:
    """Whether the exported unary tests ``text`` match ``value`` in DMN."""
    return any(_one_matches(part.strip(), value) for part in _split(text))


def _split(text: str) -> list[str]:
    parts: list[str] = []
    depth, quoted, current = 0, False, ""
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "[(":
            depth += 1
        elif not quoted and char in "])":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current]


def _one_matches(part: str, value: DomainValue) -> bool:
    token = _TOKEN.match(part)
    if token is None:
        raise NotExportable(f"not a unary test this exporter writes: {part!r}")
    if token["any"]:
        return True
    if token["null"]:
        return value is None
    if token["notnull"]:
        return value is not None
    if value is None:
        return False
    if token["bool"]:
        return value is (token["bool"] == "true")
    if token["string"] is not None:
        return isinstance(value, str) and value == token["string"].replace('\\"', '"')
    if isinstance(value, (bool, str)):
        return False
    number: Number = value
    if token["cmp"]:
        bound = float(token["bound"])
        return {
            "<": number < bound,
            "<=": number <= bound,
            ">": number > bound,
            ">=": number >= bound,
        }[token["cmp"]]
    if token["open"]:
        low, high = float(token["low"]), float(token["high"])
        above = number >= low if token["open"] == "[" else number > low
        below = number <= high if token["close"] == "]" else number < high
        return above and below
    return number == float(token["number"])


def prove_cell(test: UnaryTest, text: str, domain: Sequence[DomainValue]) -> list[DomainValue]:
    """The values of ``domain`` (null always included) where the exported ``text`` and our
    ``test`` disagree: empty when the export is exact."""
    values = list(dict.fromkeys([*domain, None]))
    return [value for value in values if dmn_matches(text, value) != test.matches(value)]
