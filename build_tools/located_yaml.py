"""YAML that remembers where each value came from.

Mappings load as :class:`LocatedMap` and sequences as :class:`LocatedList`. Both are ordinary
``dict``/``list`` objects that also know the file line of themselves and of each key or item, so
that every validation error can point at ``file:line``. Lines are 1-based lines of the *file*: the
caller passes the line where the YAML text starts inside the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, SequenceNode


class LocatedMap(dict[str, Any]):
    """A ``dict`` with the file line of the mapping and of each of its keys."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list[Any]):
    """A ``list`` with the file line of the sequence and of each of its items."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping repeats a key (plain PyYAML would silently keep the last one)."""


# libyaml's parser and composer (C), when PyYAML was built with it: front matter loading is
# most of the plugin's build time, and the C composer is ~5x faster. The nodes, their marks
# and so the lines are the same; only the construction below is Python.
if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader  # the pure-Python one has the type stubs; the API is the same
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _make_loader(first_line: int) -> type[yaml.SafeLoader]:
    offset = first_line - 1  # yaml marks are 0-based lines of the YAML text

    class LocatedLoader(_SafeLoader):
        def construct_mapping(self, node: MappingNode, deep: bool = False) -> LocatedMap:  # type: ignore[override]
            self.flatten_mapping(node)
            result = LocatedMap()
            result.line = node.start_mark.line + 1 + offset
            result.key_lines = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    key = str(key)
                if key in result:
                    raise DuplicateKeyError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r}",
                        key_node.start_mark,
                    )
                result[key] = self.construct_object(value_node, deep=True)
                result.key_lines[key] = key_node.start_mark.line + 1 + offset
            return result

        def construct_sequence(self, node: SequenceNode, deep: bool = False) -> LocatedList:
            result = LocatedList(self.construct_object(child, deep=True) for child in node.value)
            result.line = node.start_mark.line + 1 + offset
            result.item_lines = [child.start_mark.line + 1 + offset for child in node.value]
            return result

    def construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        # "2026-13-01" looks like a date but is none: keep the text so the schema can say so
        # with its line, instead of PyYAML raising a bare ValueError without a position.
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError:
            return loader.construct_scalar(node)

    LocatedLoader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    LocatedLoader.add_constructor(
        "tag:yaml.org,2002:map",
        lambda loader, node: loader.construct_mapping(node),  # type: ignore[arg-type]
    )
    LocatedLoader.add_constructor(
        "tag:yaml.org,2002:seq",
        lambda loader, node: loader.construct_sequence(node),  # type: ignore[arg-type]
    )
    return LocatedLoader


class YamlSyntaxError(Exception):
    """The YAML text is not valid YAML; carries the file line of the problem."""

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}")


def load_located(text: str, first_line: int = 1) -> Any:
    """Parse ``text`` (YAML that starts at file line ``first_line``) into located values."""
    try:
        return yaml.load(text, Loader=_make_loader(first_line))  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + first_line) if mark is not None else first_line
        problem = " ".join(part for part in (error.context, error.problem) if part)
        raise YamlSyntaxError(line, problem or "invalid YAML") from error
    except yaml.YAMLError as error:  # pragma: no cover - unmarked errors are rare
        raise YamlSyntaxError(first_line, str(error)) from error


def line_of_path(root: Any, path: tuple[str | int, ...], default: int) -> int:
    """The line of the value at ``path`` (keys and indexes) below ``root``.

    Walks as deep as the path exists and returns the deepest known line, so an error about a
    missing key points at the mapping that lacks it.
    """
    line = getattr(root, "line", default)
    node = root
    for step in path:
        found_key = isinstance(node, LocatedMap) and isinstance(step, str) and step in node
        found_item = (
            isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node)
        )
        if found_key or found_item:
            line = node.line_of(step)
            node = node[step]
        else:
            break
    return line
