"""Unary tests: the cells of a decision table, in the manner of DMN.

A cell is a YAML scalar or list. Strings use a small grammar::

    -                      any value, null included
    null                   the value is null (unknown / not given)
    positive  "3+"         an enum value (quote values that YAML would read as something else)
    >= 24   < 12   = 3     a comparison with a number
    [12..24]  (12..24]     an interval; square brackets include the bound, round ones exclude it
    not(null, negative)    none of the listed tests
    a, b                   any of the listed tests (a YAML list means the same)
    >= multiple_sites_min  a comparison (or interval bound) with a site policy, by its id:
                           read as the policy's declared value

Null semantics: comparisons and intervals are false on null; ``-`` matches null; ``not(x)``
matches null unless ``x`` does. The same semantics are compiled into the generated modules
(:mod:`build_tools.tables.codegen`) and used here for exhaustive verification, so both agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Number = int | float

_NUMBER = r"-?\d+(?:\.\d+)?"
# A bound is a number or the id of a site policy (snake_case), read as its declared value.
_BOUND = rf"(?:{_NUMBER}|[a-z][a-z0-9]*(?:_[a-z0-9]+)*)"
_COMPARISON = re.compile(rf"^(<=|>=|!=|<|>|=)\s*({_BOUND})$")
_INTERVAL = re.compile(rf"^([\[(])\s*({_BOUND})\s*\.\.\s*({_BOUND})\s*([\])])$")
_NOT = re.compile(r"^not\s*\((.*)\)$", re.DOTALL)
_WHOLE_NUMBER = re.compile(rf"^{_NUMBER}$")
_BARE_VALUE = re.compile(r"^[A-Za-z0-9_+.-]+$")


class UnaryTestSyntaxError(ValueError):
    """A cell does not follow the unary-test grammar; the message says how to write it."""


def parse_number(text: str) -> Number:
    """A decimal literal as int when it has no fractional part in the text, else float."""
    return float(text) if "." in text else int(text)


@dataclass(frozen=True)
class AnyValue:
    """``-``: the rule does not care about this input."""

    def matches(self, value: object) -> bool:
        return True


@dataclass(frozen=True)
class IsNull:
    """``null``: the input is unknown or not given."""

    def matches(self, value: object) -> bool:
        return value is None


@dataclass(frozen=True)
class Literal:
    """Equality with an enum value (str), a boolean or a number."""

    value: str | bool | Number

    def matches(self, value: object) -> bool:
        if isinstance(self.value, bool) or isinstance(value, bool):
            # True == 1 in Python: never let a boolean equal a number.
            return value is self.value
        return value == self.value and value is not None


@dataclass(frozen=True)
class Comparison:
    """``< <= > >= = !=`` against a number; false on null."""

    operator: str
    bound: Number

    def matches(self, value: object) -> bool:
        if not is_number(value):
            return False
        assert isinstance(value, (int, float))
        return compare(value, self.operator, self.bound)


@dataclass(frozen=True)
class Interval:
    """``[low..high]`` with open or closed ends; false on null."""

    low: Number
    high: Number
    low_closed: bool
    high_closed: bool

    def matches(self, value: object) -> bool:
        if not is_number(value):
            return False
        assert isinstance(value, (int, float))
        above_low = value >= self.low if self.low_closed else value > self.low
        below_high = value <= self.high if self.high_closed else value < self.high
        return above_low and below_high

    def is_empty(self) -> bool:
        if self.low != self.high:
            return self.low > self.high
        return not (self.low_closed and self.high_closed)

    def text(self) -> str:
        opening = "[" if self.low_closed else "("
        closing = "]" if self.high_closed else ")"
        return f"{opening}{self.low}..{self.high}{closing}"


@dataclass(frozen=True)
class AnyOf:
    """A list of tests; matches when one of them does."""

    tests: tuple[UnaryTest, ...]

    def matches(self, value: object) -> bool:
        return any(test.matches(value) for test in self.tests)


@dataclass(frozen=True)
class Not:
    """``not(...)``: matches when none of the listed tests does (so null unless one tests null)."""

    tests: tuple[UnaryTest, ...]

    def matches(self, value: object) -> bool:
        return not any(test.matches(value) for test in self.tests)


UnaryTest = AnyValue | IsNull | Literal | Comparison | Interval | AnyOf | Not


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compare(value: Number, operator: str, bound: Number) -> bool:
    if operator == "<":
        return value < bound
    if operator == "<=":
        return value <= bound
    if operator == ">":
        return value > bound
    if operator == ">=":
        return value >= bound
    if operator == "=":
        return value == bound
    return value != bound


def parse_cell(cell: object, constants: Mapping[str, Number] | None = None) -> UnaryTest:
    """Parse one YAML cell (scalar or list) into a test, or raise :class:`UnaryTestSyntaxError`.
    ``constants``: the site policies a comparison or interval may name as a bound."""
    return _CellParser(constants or {}).cell(cell)


def parse_cell_naming(
    cell: object, constants: Mapping[str, Number]
) -> tuple[UnaryTest, tuple[str, ...]]:
    """The test of a cell and the policies it names as bounds, in order."""
    parser = _CellParser(constants)
    test = parser.cell(cell)
    return test, tuple(dict.fromkeys(parser.named))


def _any_of(tests: list[UnaryTest]) -> UnaryTest:
    return tests[0] if len(tests) == 1 else AnyOf(tuple(tests))


class _CellParser:
    """Parses the cells of one guideline: ``constants`` are its site policies' values; ``named``
    collects the policies the cells parsed so far name."""

    def __init__(self, constants: Mapping[str, Number]) -> None:
        self.constants = constants
        self.named: list[str] = []

    def cell(self, cell: object) -> UnaryTest:
        if isinstance(cell, list):
            if not cell:
                raise UnaryTestSyntaxError(
                    "an empty list matches nothing; write '-' to match any value"
                )
            return _any_of([self._scalar(member, inside_list=True) for member in cell])
        if isinstance(cell, dict):
            raise UnaryTestSyntaxError(
                "a cell cannot be a mapping; write a value, a list or a test string"
            )
        return self._scalar(cell, inside_list=False)

    def _scalar(self, cell: object, *, inside_list: bool) -> UnaryTest:
        return _parse_scalar(cell, inside_list=inside_list, bound=self.bound)

    def bound(self, text: str) -> Number:
        if _WHOLE_NUMBER.match(text):
            return parse_number(text)
        value = self.constants.get(text)
        if value is None:
            known = ", ".join(sorted(self.constants)) or "none declared"
            raise UnaryTestSyntaxError(
                f"unknown site policy {text!r} as a bound; write a number, or declare the "
                f"policy under 'policies:' in the guideline's index.md (declared: {known})"
            )
        self.named.append(text)
        return value


def _parse_scalar(cell: object, *, inside_list: bool, bound: Callable[[str], Number]) -> UnaryTest:
    if cell is None:
        return IsNull()
    if isinstance(cell, bool):
        return Literal(cell)
    if isinstance(cell, (int, float)):
        return Literal(cell)
    if isinstance(cell, list):
        raise UnaryTestSyntaxError("lists cannot be nested; write one flat list of values")
    if not isinstance(cell, str):
        raise UnaryTestSyntaxError(
            f"unsupported cell {cell!r}; write a value, a list or a test string"
        )
    return _parse_text(cell.strip(), inside_list=inside_list, bound=bound)


def _parse_text(text: str, *, inside_list: bool, bound: Callable[[str], Number]) -> UnaryTest:
    if text == "":
        raise UnaryTestSyntaxError("an empty cell; write '-' to match any value")
    not_match = _NOT.match(text)
    if not_match:
        inner = _split_top_level(not_match.group(1))
        if not inner:
            raise UnaryTestSyntaxError("not() needs at least one test inside the parentheses")
        return Not(tuple(_parse_text(part, inside_list=True, bound=bound) for part in inner))
    parts = _split_top_level(text)
    if len(parts) > 1:
        return _any_of([_parse_text(part, inside_list=True, bound=bound) for part in parts])
    if text == "-":
        if inside_list:
            raise UnaryTestSyntaxError("'-' inside a list or not() is meaningless; write '-' alone")
        return AnyValue()
    if text == "null":
        return IsNull()
    comparison = _COMPARISON.match(text)
    if comparison:
        return Comparison(comparison.group(1), bound(comparison.group(2)))
    interval = _INTERVAL.match(text)
    if interval:
        return Interval(
            low=bound(interval.group(2)),
            high=bound(interval.group(3)),
            low_closed=interval.group(1) == "[",
            high_closed=interval.group(4) == "]",
        )
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return Literal(text[1:-1])
    if ".." in text and text[0] not in "[(":
        raise UnaryTestSyntaxError(
            f"cannot read the test {text!r}; an interval needs brackets, and quotes in YAML: "
            "'[12..24]' (unquoted, YAML reads [12..24] as a list)"
        )
    if text[0] in "<>=![(" or ".." in text:
        raise UnaryTestSyntaxError(
            f"cannot read the test {text!r}; write a comparison such as '>= 24' "
            "or an interval such as '[12..24]'"
        )
    if not _BARE_VALUE.match(text):
        raise UnaryTestSyntaxError(
            f"cannot read the test {text!r}; quote literal values that contain spaces or symbols"
        )
    return Literal(text)


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are outside quotes and brackets (so intervals stay whole)."""
    parts: list[str] = []
    depth = 0
    quote = ""
    current = ""
    for char in text:
        if quote:
            current += char
            if char == quote:
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    if quote:
        raise UnaryTestSyntaxError(f"unterminated quote in {text!r}")
    if current.strip() or parts:
        parts.append(current.strip())
    if any(part == "" for part in parts):
        raise UnaryTestSyntaxError(f"empty test in the list {text!r}")
    return parts


def typed_test(test: UnaryTest, kind: str) -> UnaryTest:
    """Read the words of a test as the type of its input.

    Inside strings (``not(false)``, ``a, b``) every token is text; for a boolean input ``true`` and
    ``false`` mean the booleans, for a numeric input a decimal means the number. Enum inputs keep
    text, so ``"0"`` stays the IHC score "0".
    """
    if isinstance(test, Literal) and isinstance(test.value, str):
        if kind == "boolean" and test.value in ("true", "false"):
            return Literal(test.value == "true")
        if kind in ("integer", "number") and _WHOLE_NUMBER.match(test.value):
            return Literal(parse_number(test.value))
        return test
    if isinstance(test, AnyOf):
        return AnyOf(tuple(typed_test(member, kind) for member in test.tests))
    if isinstance(test, Not):
        return Not(tuple(typed_test(member, kind) for member in test.tests))
    return test


def thresholds(test: UnaryTest) -> set[Number]:
    """The numbers a test compares against: the points where a numeric domain must be split."""
    if isinstance(test, Comparison):
        return {test.bound}
    if isinstance(test, Interval):
        return {test.low, test.high}
    if isinstance(test, Literal) and is_number(test.value):
        assert isinstance(test.value, (int, float))
        return {test.value}
    if isinstance(test, (AnyOf, Not)):
        found: set[Number] = set()
        for member in test.tests:
            found |= thresholds(member)
        return found
    return set()


def leaves(test: UnaryTest) -> list[UnaryTest]:
    """The elementary tests inside lists and not(), for type checking against an input."""
    if isinstance(test, (AnyOf, Not)):
        return [leaf for member in test.tests for leaf in leaves(member)]
    return [test]
