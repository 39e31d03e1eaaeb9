"""The page's JSDoc types (build_tools/web/calculator_ui/types.js) held to the runtime's
TypedDicts (calculators/runtime/results.py): for the result and every answer of the worker, the
same keys, the same optional ones (``key?:`` or ``[key]`` in JSDoc, ``NotRequired`` in Python),
null where the runtime may give None, and the nested records alike, all the way down.

types.js is parsed here, just enough: its ``@typedef {...} Name`` declarations, inline object
types (``{a: T, b?: T}``) or ``@typedef {object}`` with ``@property {T} name`` lines, and the
type expressions they use (unions, intersections, arrays, ``Record``, ``Partial``, references to
other typedefs)."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field

import pytest

from calculators.runtime import results
from calculators.runtime.engine import ITEM_LISTS
from tests.support.paths import ROOT

TYPES_JS = ROOT / "build_tools" / "web" / "calculator_ui" / "types.js"

# A typedef of types.js -> the TypedDict of the runtime it types on the page: each answer of the
# worker, and the records the page names (the rest are reached from them, key by key).
ANSWERS = {
    "RecommendJson": results.RecommendJson,
    "RelevanceJson": results.RelevanceJson,
    "ChangesJson": results.ChangesJson,
    "Result": results.Result,
    "Question": results.Question,
    "CaseChanges": results.CaseChanges,
}


# --- JSDoc type expressions ---------------------------------------------------------------------


@dataclass
class Obj:
    """An object type: its keys (name -> optional, type) and its index signature's type."""

    keys: dict[str, tuple[bool, Node]] = field(default_factory=dict)
    index: Node | None = None


@dataclass
class Arr:
    element: Node


@dataclass
class OneOf:
    members: list[Node]


@dataclass
class Intersection:
    members: list[Node]


@dataclass
class Ref:
    """A name (a typedef, ``string``, ``null``...), with its type arguments (``Record<K, V>``)."""

    name: str
    arguments: list[Node] = field(default_factory=list)


Node = Obj | Arr | OneOf | Intersection | Ref

_TOKEN = re.compile(r'\s*("[^"]*"|[A-Za-z_$][\w$.]*|-?\d+|\S)')


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[str] = _TOKEN.findall(text)
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise ValueError(f"expected {expected or 'a token'} at {self.tokens[self.at :]}")
        self.at += 1
        return token

    def whole(self) -> Node:
        node = self.union()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.tokens[self.at :]}")
        return node

    def union(self) -> Node:
        if self.peek() == "|":
            self.take()
        members = [self.intersection()]
        while self.peek() == "|":
            self.take()
            members.append(self.intersection())
        return members[0] if len(members) == 1 else OneOf(members)

    def intersection(self) -> Node:
        members = [self.postfix()]
        while self.peek() == "&":
            self.take()
            members.append(self.postfix())
        return members[0] if len(members) == 1 else Intersection(members)

    def postfix(self) -> Node:
        node = self.primary()
        while self.peek() == "[" and self.tokens[self.at + 1 : self.at + 2] == ["]"]:
            self.take()
            self.take()
            node = Arr(node)
        return node

    def primary(self) -> Node:
        token = self.take()
        if token == "(":
            node = self.union()
            self.take(")")
            return node
        if token == "{":
            return self.members()
        arguments: list[Node] = []
        if self.peek() == "<":
            self.take()
            arguments.append(self.union())
            while self.peek() == ",":
                self.take()
                arguments.append(self.union())
            self.take(">")
        return Ref(token, arguments)

    def members(self) -> Obj:
        found = Obj()
        while self.peek() != "}":
            if self.peek() == "[":  # an index signature: [name: string]: T
                self.take()
                self.take()
                self.take(":")
                self.union()
                self.take("]")
                self.take(":")
                found.index = self.union()
            else:
                name = self.take().strip('"')
                optional = self.peek() == "?"
                if optional:
                    self.take()
                self.take(":")
                found.keys[name] = (optional, self.union())
            if self.peek() in (",", ";"):
                self.take()
        self.take("}")
        return found


def _braced(text: str, start: int) -> tuple[str, int]:
    """The text inside the braces that open at ``start``, and where it ends."""
    depth = 0
    for position in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[position], 0)
        if depth == 0:
            return text[start + 1 : position], position + 1
    raise ValueError(f"unbalanced braces from {text[start : start + 60]!r}")


_TAG = re.compile(r"@(typedef|property)\s*(?=\{)")
_PROPERTY_NAME = re.compile(r"\s*(\[)?([\w$]+)(?:=[^\]]*)?(\])?")
_TYPEDEF_NAME = re.compile(r"\s*([\w$]+)")


def jsdoc_typedefs(source: str) -> dict[str, Node]:
    """Every ``@typedef`` of a JavaScript file, by name."""
    typedefs: dict[str, Node] = {}
    for block in re.findall(r"/\*\*(.*?)\*/", source, re.DOTALL):
        text = "\n".join(re.sub(r"^\s*\* ?", "", line) for line in block.splitlines())
        current: Obj | None = None  # the @typedef {object} that @property lines add to
        position = 0
        while (tag := _TAG.search(text, position)) is not None:
            expression, position = _braced(text, tag.end())
            if tag.group(1) == "typedef":
                named = _TYPEDEF_NAME.match(text, position)
                assert named is not None, f"types.js: a @typedef without a name: {expression}"
                position = named.end()
                current = Obj() if expression.strip() in ("object", "Object") else None
                typedefs[named.group(1)] = current or _Parser(expression).whole()
            else:
                declared = _PROPERTY_NAME.match(text, position)
                assert declared is not None, f"types.js: a @property without a name: {expression}"
                assert current is not None, "types.js: a @property outside @typedef {object}"
                position = declared.end()
                optional = bool(declared.group(1)) and bool(declared.group(3))
                current.keys[declared.group(2)] = (optional, _Parser(expression).whole())
    return typedefs


def _resolved(node: Node, typedefs: dict[str, Node]) -> Node:
    """``node`` with typedef names, ``Partial``, ``Record``, ``Array`` and intersections of
    object types worked out (a union's members one by one)."""
    if isinstance(node, OneOf):
        return OneOf([_resolved(member, typedefs) for member in node.members])
    if isinstance(node, Intersection):
        merged = Obj()
        for member in node.members:
            part = _resolved(member, typedefs)
            assert isinstance(part, Obj), f"an intersection of object types only: {member}"
            merged.keys.update(part.keys)
            merged.index = merged.index or part.index
        return merged
    if isinstance(node, Ref):
        if node.name == "Partial":
            whole = _resolved(node.arguments[0], typedefs)
            assert isinstance(whole, Obj), f"Partial of an object type only: {node}"
            return Obj({key: (True, value) for key, (_, value) in whole.keys.items()})
        if node.name == "Record":
            return Obj(index=node.arguments[1])
        if node.name == "Array":
            return Arr(node.arguments[0])
        if node.name in typedefs:
            return _resolved(typedefs[node.name], typedefs)
    return node


# --- the comparison -----------------------------------------------------------------------------

_PRIMITIVES: dict[type, set[str]] = {
    str: {"string"},
    bool: {"boolean"},
    int: {"number"},
    float: {"number"},
}


def _members(node: Node) -> list[Node]:
    return node.members if isinstance(node, OneOf) else [node]


def _without_none(hint: object) -> tuple[bool, list[object]]:
    """Whether a Python type admits None, and its other members."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = list(typing.get_args(hint))
    else:
        members = [hint]
    return type(None) in members, [member for member in members if member is not type(None)]


def _js_primitives(members: list[Node]) -> set[str] | None:
    """The primitive types of a union's members (a string literal counts as ``string``), or
    None when a member is not a primitive."""
    found: set[str] = set()
    for member in members:
        if not isinstance(member, Ref) or member.arguments:
            return None
        if member.name.startswith('"'):
            found.add("string")
        elif member.name in ("true", "false"):
            found.add("boolean")
        elif member.name in ("string", "number", "boolean"):
            found.add(member.name)
        else:
            return None
    return found


class Comparison:
    """Mismatches between TypedDicts and JSDoc types, and the TypedDicts compared."""

    def __init__(self, typedefs: dict[str, Node]) -> None:
        self.typedefs = typedefs
        self.problems: list[str] = []
        self.seen: set[str] = set()
        self.compared: set[tuple[str, str]] = set()

    def record(self, typed: type, node: Node, where: str) -> None:
        """A TypedDict against an object type: keys, optionality, and each key's type."""
        pair = (typed.__name__, node.name if isinstance(node, Ref) else repr(node))
        if pair in self.compared:
            return  # the same record again (each item list of the result): said once
        self.compared.add(pair)
        self.seen.add(typed.__name__)
        found = _resolved(node, self.typedefs)
        if not isinstance(found, Obj) or found.index is not None:
            self.problems.append(f"{where}: an object type with the keys of {typed.__name__}")
            return
        hints = typing.get_type_hints(typed)
        required: frozenset[str] = typed.__required_keys__  # type: ignore[attr-defined]
        optional: frozenset[str] = typed.__optional_keys__  # type: ignore[attr-defined]
        for key in sorted(set(hints) - set(found.keys)):
            self.problems.append(f"{where}: no key {key!r} ({typed.__name__} has it)")
        for key in sorted(set(found.keys) - set(hints)):
            self.problems.append(f"{where}: key {key!r} that {typed.__name__} does not have")
        for key in hints:
            if key not in found.keys:
                continue
            js_optional, js_type = found.keys[key]
            if key in required and js_optional:
                self.problems.append(f"{where}.{key}: optional, but always there")
            if key in optional and not js_optional:
                self.problems.append(f"{where}.{key}: required, but not always there")
            self.value(hints[key], js_type, f"{where}.{key}")

    def value(self, hint: object, node: Node, where: str) -> None:
        """Any Python type against a JSDoc type: null alike, then its shape."""
        if hint is object or hint is typing.Any:
            return  # any JSON value: whatever the page says it holds
        nullable, core = _without_none(hint)
        members = _members(_resolved(node, self.typedefs))
        js_null = [m for m in members if isinstance(m, Ref) and m.name == "null"]
        rest = [m for m in members if not (isinstance(m, Ref) and m.name == "null")]
        if nullable != bool(js_null):
            wanted = "null or not" if nullable else "never null"
            self.problems.append(f"{where}: {wanted}, as the runtime gives it")
        if len(core) != 1:
            return  # a union of several types (none in the answers but `object`)
        python = core[0]
        origin = typing.get_origin(python)
        if typing.is_typeddict(python):
            assert isinstance(python, type)
            if len(rest) == 1:
                self.record(python, rest[0], where)
            else:
                self.problems.append(f"{where}: one object type ({python.__name__})")
        elif origin is list:
            if len(rest) == 1 and isinstance(rest[0], Arr):
                self.value(typing.get_args(python)[0], rest[0].element, f"{where}[]")
            else:
                self.problems.append(f"{where}: an array")
        elif origin is dict:
            if len(rest) == 1 and isinstance(rest[0], Obj) and not rest[0].keys and rest[0].index:
                self.value(typing.get_args(python)[1], rest[0].index, f"{where}[*]")
            else:
                self.problems.append(f"{where}: a Record (an object of any keys)")
        else:
            self.primitive(python, rest, where)

    def primitive(self, python: object, members: list[Node], where: str) -> None:
        if typing.get_origin(python) is typing.Literal:
            expected = set().union(*(_PRIMITIVES[type(value)] for value in typing.get_args(python)))
        elif isinstance(python, type) and python in _PRIMITIVES:
            expected = _PRIMITIVES[python]
        else:
            return
        found = _js_primitives(members)
        if found != expected:
            self.problems.append(f"{where}: {' | '.join(sorted(expected))}, as the runtime gives")


@pytest.fixture(scope="module")
def typedefs() -> dict[str, Node]:
    return jsdoc_typedefs(TYPES_JS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_the_jsdoc_type_has_the_keys_the_runtime_gives(
    name: str, typedefs: dict[str, Node]
) -> None:
    assert name in typedefs, f"types.js has no @typedef {name}"
    comparison = Comparison(typedefs)
    comparison.record(ANSWERS[name], Ref(name), name)
    assert comparison.problems == []


def test_every_record_of_the_runtime_has_a_jsdoc_type(typedefs: dict[str, Node]) -> None:
    comparison = Comparison(typedefs)
    for name, typed in ANSWERS.items():
        comparison.record(typed, Ref(name), name)
    records = {
        name
        for name, value in vars(results).items()
        if typing.is_typeddict(value) and value.__module__ == results.__name__
    }
    assert records - comparison.seen == set()


def test_the_parser_reads_both_ways_of_writing_an_optional_key() -> None:
    parsed = jsdoc_typedefs(
        """
        /**
         * @typedef {{a: string, b?: number | null, c: {d?: boolean}[]}} Inline
         * @typedef {object} Listed
         * @property {string} a
         * @property {Record<string, Inline>} [b] a key that may be absent
         * @property {Partial<Inline> & {e: string}} c
         */
        """
    )
    inline, listed = parsed["Inline"], parsed["Listed"]
    assert isinstance(inline, Obj)
    assert isinstance(listed, Obj)
    assert {key: optional for key, (optional, _) in inline.keys.items()} == {
        "a": False,
        "b": True,
        "c": False,
    }
    assert {key: optional for key, (optional, _) in listed.keys.items()} == {
        "a": False,
        "b": True,
        "c": False,
    }
    combined = _resolved(listed.keys["c"][1], parsed)
    assert isinstance(combined, Obj)
    assert {key: optional for key, (optional, _) in combined.keys.items()} == {
        "a": True,
        "b": True,
        "c": True,
        "e": False,
    }


def test_the_runtime_knows_which_keys_are_optional() -> None:
    """``NotRequired`` tells in ``__optional_keys__`` only where its annotations are evaluated
    (results.py has no ``from __future__ import annotations``)."""
    optional = {"rank", "field", "only_if", "needed_for", "dose"}
    assert results.ResultItem.__optional_keys__ == optional
    assert results.CaseChanges.__optional_keys__ == {"first_choice"}
    assert results.Result.__optional_keys__ == set()


def test_the_result_lists_its_item_lists_in_the_order_of_item_lists() -> None:
    """engine.py writes the result's item lists one by one (a TypedDict has no ``**`` of a
    dict): in ITEM_LISTS's order, which ItemList and Result declare."""
    assert typing.get_args(results.ItemList) == tuple(ITEM_LISTS.values())
    keys = list(typing.get_type_hints(results.Result))
    assert [key for key in keys if key in ITEM_LISTS.values()] == list(ITEM_LISTS.values())
