"""Typed access to front-matter mappings that turns every problem into a located finding.

The loaders read editor-written YAML; instead of raising at the first wrong type they record a
finding (file, line, message, remedy) and carry on with a neutral value, so one build reports all
problems of a page at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from build_tools.findings import FindingCollector
from build_tools.located_yaml import LocatedList, LocatedMap

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
RULE_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
ITEM_ID = RULE_ID
T = TypeVar("T")
# A choice among allowed words: a Literal type, so that the word read has that type.
C = TypeVar("C", bound=str)


def citation_numbers(
    keys: Iterable[str], references: Mapping[str, int], unknown: Callable[[str], None]
) -> tuple[int, ...]:
    """The reference numbers of citation keys (without '@'), each once, in order;
    ``unknown(key)`` is told of each key the guideline's references lack."""
    numbers: list[int] = []
    for key in keys:
        number = references.get(key)
        if number is None:
            unknown(key)
        elif number not in numbers:
            numbers.append(number)
    return tuple(numbers)


class FieldReader:
    """Reads keys of located mappings of one file, reporting problems to a collector."""

    def __init__(
        self,
        file: str,
        findings: FindingCollector,
        constants: Mapping[str, int | float] | None = None,
    ) -> None:
        self.file = file
        self.findings = findings
        # The guideline's site policies by id: what a table cell may name as a bound.
        self.constants: Mapping[str, int | float] = constants or {}

    def report(self, line: int, message: str, remedy: str = "") -> None:
        self.findings.add(self.file, line, message, remedy)

    def mapping(self, value: object, line: int, what: str) -> LocatedMap | None:
        if isinstance(value, LocatedMap):
            return value
        self.report(
            line, f"{what} must be a mapping (key: value lines)", f"write {what} as a YAML mapping"
        )
        return None

    def sequence(self, value: object, line: int, what: str) -> LocatedList | None:
        if isinstance(value, LocatedList):
            return value
        self.report(line, f"{what} must be a list", f"write {what} as a YAML list ('- ...' lines)")
        return None

    def check_keys(self, node: LocatedMap, allowed: tuple[str, ...], what: str) -> None:
        for key in node:
            if key not in allowed:
                self.report(
                    node.line_of(key),
                    f"unknown key {key!r} in {what}",
                    f"use only: {', '.join(allowed)}",
                )

    def text(self, node: LocatedMap, key: str, what: str, *, required: bool = True) -> str:
        if key not in node or node[key] is None:
            if required:
                self.report(node.line, f"{what} lacks {key!r}", f"add '{key}: ...'")
            return ""
        value = node[key]
        if not isinstance(value, str) or not value.strip():
            self.report(
                node.line_of(key),
                f"{what}: {key!r} must be a non-empty text",
                f"write {key} as text",
            )
            return ""
        return value.strip()

    def flag(self, node: LocatedMap, key: str, what: str, default: bool) -> bool:
        if key not in node:
            return default
        value = node[key]
        if not isinstance(value, bool):
            self.report(
                node.line_of(key),
                f"{what}: {key!r} must be true or false",
                f"write '{key}: true' or '{key}: false'",
            )
            return default
        return value

    def choice(
        self,
        node: LocatedMap,
        key: str,
        what: str,
        choices: tuple[C, ...],
        *,
        required: bool = True,
    ) -> C | None:
        """``node[key]`` as the one of ``choices`` it is (of their type, a Literal usually), or
        None when it is absent (reported if ``required``) or none of them (reported)."""
        value = node.get(key)
        if value is None:
            if required:
                self.report(
                    node.line,
                    f"{what} lacks {key!r}",
                    f"add '{key}:' with one of {', '.join(choices)}",
                )
            return None
        for choice in choices:
            if value == choice:
                return choice
        self.report(
            node.line_of(key),
            f"{what}: unknown {key} {value!r}",
            f"use one of: {', '.join(choices)}",
        )
        return None

    def identifier(
        self, node: LocatedMap, key: str, what: str, pattern: re.Pattern[str], shape: str
    ) -> str:
        value = node.get(key)
        if value is None:
            self.report(node.line, f"{what} lacks {key!r}", f"add '{key}: <{shape}>'")
            return ""
        if not isinstance(value, str) or not pattern.match(value):
            self.report(
                node.line_of(key),
                f"{what}: {key} {value!r} is not {shape}",
                f"write the {key} as {shape}",
            )
            return ""
        return value

    def string_list(self, node: LocatedMap, key: str, what: str) -> tuple[tuple[str, int], ...]:
        """A list of non-empty strings with the line of each, or () when absent."""
        if key not in node or node[key] is None:
            return ()
        raw = self.sequence(node[key], node.line_of(key), f"{what}: {key}")
        if raw is None:
            return ()
        found: list[tuple[str, int]] = []
        for index, member in enumerate(raw):
            if not isinstance(member, str) or not member.strip():
                self.report(
                    raw.line_of(index),
                    f"{what}: {key} entries must be non-empty text",
                    "quote the value",
                )
                continue
            found.append((member.strip(), raw.line_of(index)))
        return tuple(found)

    def citations(
        self, node: LocatedMap, key: str, what: str, references: dict[str, int]
    ) -> tuple[int, ...]:
        """The reference numbers of ``node[key]``, a list of "@key" citations, each once."""
        numbers: list[int] = []
        for name, line in self.string_list(node, key, what):
            if not name.startswith("@"):
                self.report(
                    line, f"{what}: citation {name!r} must start with '@'", f'write "@{name}"'
                )
                continue
            number = references.get(name[1:])
            if number is None:
                known = ", ".join(f"@{reference}" for reference in references) or "none"
                self.report(
                    line,
                    f"{what}: unknown citation key {name!r}",
                    f"cite one of the guideline's references: {known}",
                )
                continue
            if number not in numbers:
                numbers.append(number)
        return tuple(numbers)

    def entries(
        self,
        raw: LocatedList,
        what: str,
        load: Callable[[LocatedMap], T | None],
        key: Callable[[T], str],
        duplicate: tuple[str, str, str],
    ) -> list[T]:
        """A list of mappings, each loaded by ``load`` (None: reported, left out). An entry whose
        ``key`` an earlier one has is reported and left out: ``duplicate`` is (the key's field,
        the noun in the message, the remedy)."""
        field, noun, remedy = duplicate
        loaded: list[T] = []
        seen: set[str] = set()
        for index, entry in enumerate(raw):
            node = self.mapping(entry, raw.line_of(index), what)
            value = load(node) if node is not None else None
            if node is None or value is None:
                continue
            if key(value) in seen:
                self.report(node.line_of(field), f"{noun} {key(value)!r} is declared twice", remedy)
                continue
            seen.add(key(value))
            loaded.append(value)
        return loaded
