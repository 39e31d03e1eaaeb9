"""Load ``agents:`` and ``safety:`` from a guideline's index.md.

Agents are the treatments items involve, each with the classes it belongs to; a safety constraint
names agents or classes, items and statuses, and a condition on the case written with the same
unary tests as table cells. Both are checked here (names, types, references); the proof that every
case satisfies every constraint is :mod:`build_tools.tables.prove`.

An agent id and a class name share one name space: ``anthracycline`` in a constraint means every
agent of that class, ``doxorubicin`` that agent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from build_tools.findings import FindingCollector
from build_tools.located_yaml import LocatedList, LocatedMap
from build_tools.tables.decision_tables import (
    NameSpace,
    check_condition,
    read_conditions,
    typed_condition,
)
from build_tools.tables.fields import RULE_ID, SNAKE_CASE, FieldReader
from build_tools.tables.model import (
    OBLIGATION_KINDS,
    RULE_STATUSES,
    Agent,
    Condition,
    Item,
    Obligation,
    SafetyConstraint,
)

_AGENT_KEYS = ("id", "label", "classes")
_CONSTRAINT_KEYS = ("id", "title", "cite", "when", "then")
_AGENT_OBLIGATION_KEYS = {
    "not_recommended": ("agents", "unless_with"),
    "not_first": ("agents", "unless_present"),
}


class AgentIndex:
    """Agent ids and class names, and the agents each stands for."""

    def __init__(self, agents: Iterable[Agent]) -> None:
        self.agents = tuple(agents)
        self.members: dict[str, set[str]] = {}
        for agent in self.agents:
            self.members.setdefault(agent.id, set()).add(agent.id)
            for name in agent.classes:
                self.members.setdefault(name, set()).add(agent.id)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(agent.id for agent in self.agents)

    def expand(self, names: Iterable[str]) -> frozenset[str]:
        """The agent ids that agent ids and class names stand for."""
        return frozenset(agent for name in names for agent in self.members.get(name, ()))


def load_agents(
    raw: LocatedList | None, file: str, findings: FindingCollector
) -> tuple[Agent, ...]:
    if raw is None:
        return ()
    reader = FieldReader(file, findings)
    agents = reader.entries(
        raw,
        "an agent",
        lambda node: _load_agent(node, reader),
        lambda agent: agent.id,
        ("id", "agent", "keep one"),
    )
    clash = {agent.id for agent in agents} & {name for agent in agents for name in agent.classes}
    for name in sorted(clash):
        line = next(agent.line for agent in agents if agent.id == name)
        reader.report(
            line,
            f"{name!r} is both an agent id and a class name",
            "rename one: a constraint must know whether it names an agent or a class",
        )
    return tuple(agents)


def _load_agent(node: LocatedMap, reader: FieldReader) -> Agent | None:
    agent_id = reader.identifier(node, "id", "an agent", RULE_ID, "a kebab-case or snake_case id")
    what = f"agent {agent_id or '?'}"
    reader.check_keys(node, _AGENT_KEYS, what)
    classes = []
    for name, line in reader.string_list(node, "classes", what):
        if not SNAKE_CASE.match(name):
            reader.report(line, f"{what}: class {name!r} is not snake_case", "rename it")
        else:
            classes.append(name)
    if not agent_id:
        return None
    label = reader.text(node, "label", what, required=False) or agent_id.replace("_", " ")
    return Agent(agent_id, label, tuple(classes), node.line)


def load_safety(
    raw: LocatedList | None,
    file: str,
    references: dict[str, int],
    agents: AgentIndex,
    items: tuple[Item, ...],
    names: NameSpace,
    findings: FindingCollector,
    constants: Mapping[str, int | float] | None = None,
) -> tuple[SafetyConstraint, ...]:
    if raw is None:
        return ()
    reader = FieldReader(file, findings, constants)
    loader = _ConstraintLoader(reader, references, agents, {item.id for item in items}, names)
    constraints = reader.entries(
        raw,
        "a safety constraint",
        loader.load,
        lambda constraint: constraint.id,
        ("id", "safety constraint", "give each constraint its own id"),
    )
    return tuple(constraints)


class _ConstraintLoader:
    def __init__(
        self,
        reader: FieldReader,
        references: dict[str, int],
        agents: AgentIndex,
        item_ids: set[str],
        names: NameSpace,
    ) -> None:
        self.reader = reader
        self.references = references
        self.agents = agents
        self.item_ids = item_ids
        self.names = names

    def load(self, node: LocatedMap) -> SafetyConstraint | None:
        reader = self.reader
        constraint_id = reader.identifier(
            node, "id", "a safety constraint", RULE_ID, "a kebab-case or snake_case id"
        )
        what = f"safety constraint {constraint_id or '?'}"
        reader.check_keys(node, _CONSTRAINT_KEYS, what)
        title = reader.text(node, "title", what)
        citations = self._citations(node, what)
        when = tuple(self._condition(c, what) for c in read_conditions(node, "when", what, reader))
        if "when" not in node:
            reader.report(
                node.line,
                f"{what} lacks 'when'",
                "add 'when: {field: test, ...}' (write 'when: {}' for every case)",
            )
        then = reader.mapping(node.get("then"), node.line_of("then"), f"{what}: then")
        obligations = () if then is None else self._obligations(then, what)
        if then is not None and not obligations:
            reader.report(
                then.line, f"{what} requires nothing", f"give one of: {', '.join(OBLIGATION_KINDS)}"
            )
        if not constraint_id:
            return None
        return SafetyConstraint(
            constraint_id, title, citations, when, obligations, reader.file, node.line
        )

    def _citations(self, node: LocatedMap, what: str) -> tuple[int, ...]:
        numbers = self.reader.citations(node, "cite", what, self.references)
        if not numbers and "cite" not in node:
            self.reader.report(
                node.line,
                f"{what} cites nothing",
                "add 'cite: [\"@key\"]': the label or guideline the constraint comes from",
            )
        return numbers

    def _condition(self, condition: Condition, what: str) -> Condition:
        typed = typed_condition(condition, self.names)
        check_condition(self.reader.file, typed, f"{what}: when", self.names, self.reader.findings)
        declared = self.names.inputs.get(typed.input)
        if declared is not None and declared.finding and typed.test.matches(None):
            # A condition that matches an unknown finding would oblige the result of a case in
            # which the finding may well be absent; the proof covers each stated answer.
            self.reader.report(
                typed.line,
                f"{what}: the test {typed.text!r} of the finding {typed.input} matches an "
                "unknown (null) finding",
                f"test what the case states: {typed.input}: true or {typed.input}: false",
            )
        return typed

    def _obligations(self, then: LocatedMap, what: str) -> tuple[Obligation, ...]:
        reader = self.reader
        reader.check_keys(then, OBLIGATION_KINDS, f"{what}: then")
        found: list[Obligation] = []
        for kind in OBLIGATION_KINDS:
            if kind not in then:
                continue
            line = then.line_of(kind)
            value = then[kind]
            if kind in _AGENT_OBLIGATION_KEYS:
                obligation = self._agent_obligation(kind, value, line, what)
                if obligation is not None:
                    found.append(obligation)
            elif kind in ("present", "absent"):
                items = self._item_ids(then, kind, what)
                found.append(Obligation(kind, line, items=items))
            elif kind == "status":
                status = reader.choice(then, "status", f"{what}: then", RULE_STATUSES)
                if status is not None:
                    found.append(Obligation("status", line, status=status))
            elif value is not True:
                reader.report(line, f"{what}: '{kind}' must be true", f"write '{kind}: true'")
            else:
                found.append(Obligation(kind, line))  # no_recommendations, cited
        return tuple(found)

    def _agent_obligation(
        self, kind: str, value: object, line: int, what: str
    ) -> Obligation | None:
        where = f"{what}: {kind}"
        agents_key, extra_key = _AGENT_OBLIGATION_KEYS[kind]
        if isinstance(value, LocatedList):
            node = LocatedMap({agents_key: value})
            node.line, node.key_lines = line, {agents_key: line}
        elif isinstance(value, LocatedMap):
            node = value
            self.reader.check_keys(node, (agents_key, extra_key), where)
        else:
            self.reader.report(
                line,
                f"{where} must list agents or classes",
                f"write '{kind}: [class, ...]' or '{kind}: {{agents: [...], {extra_key}: [...]}}'",
            )
            return None
        agents = self._agent_names(node, agents_key, where)
        if not agents:
            self.reader.report(line, f"{where} names no agent", "name the agents or classes")
        if extra_key == "unless_with":
            return Obligation(
                "not_recommended",
                line,
                agents=agents,
                unless_with=self._agent_names(node, extra_key, where),
            )
        return Obligation(
            "not_first", line, agents=agents, items=self._item_ids(node, extra_key, where)
        )

    def _agent_names(self, node: LocatedMap, key: str, what: str) -> tuple[str, ...]:
        names: list[str] = []
        for name, line in self.reader.string_list(node, key, what):
            if name not in self.agents.members:
                known = ", ".join(sorted(self.agents.members)) or "none declared"
                self.reader.report(
                    line,
                    f"{what}: {name!r} is neither an agent nor a class",
                    f"use one of: {known}",
                )
            else:
                names.append(name)
        return tuple(names)

    def _item_ids(self, node: LocatedMap, key: str, what: str) -> tuple[str, ...]:
        ids: list[str] = []
        for item_id, line in self.reader.string_list(node, key, what):
            if item_id not in self.item_ids:
                self.reader.report(
                    line, f"{what}: unknown item id {item_id!r}", "name an item of a section"
                )
            else:
                ids.append(item_id)
        return tuple(ids)


def obligation_words(
    obligation: Obligation,
    name: Callable[[str], str] = str,
    strong: Callable[[str], str] = str,
    plain: Callable[[str], str] = str,
) -> str:
    """What an obligation requires, in words; ``name`` formats an item or agent id, ``strong``
    a status and ``plain`` anything else (HTML on the Decision logic page, Markdown in a
    review)."""

    def names(values: tuple[str, ...]) -> str:
        return ", ".join(name(value) for value in values)

    if obligation.kind == "not_recommended":
        unless = f" unless with {names(obligation.unless_with)}" if obligation.unless_with else ""
        return f"no recommendation involving {names(obligation.agents)}{unless}"
    if obligation.kind == "not_first":
        unless = f" unless {names(obligation.items)} is given too" if obligation.items else ""
        return f"nothing involving {names(obligation.agents)} ranked first{unless}"
    if obligation.kind == "present":
        return f"the result gives {names(obligation.items)}"
    if obligation.kind == "absent":
        return f"the result never gives {names(obligation.items)}"
    if obligation.kind == "status":
        return f"status at least {strong(str(obligation.status))}"
    if obligation.kind == "no_recommendations":
        return "no recommendation"
    if obligation.kind == "cited":
        return "every recommendation and dose cites a reference"
    return plain(obligation.kind)
