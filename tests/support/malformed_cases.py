"""The malformed-case corpus of the runtime: a valid base case, then one to three fields broken
with values of the wrong type, out of range, unknown enum values or huge strings (or the required
field dropped, a field the guideline does not declare added, or no object at all). Shared by the
runtime's hardening test and the case schema's.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

import calculators
from calculators.runtime.records import InputSpec

GUIDELINE = "metastatic-breast-cancer"
CALCULATOR = calculators.load(GUIDELINE)
INPUTS = {spec.name: spec for spec in CALCULATOR.spec.inputs}
VALID_BASE = {
    "sex": "female",
    "er_status": "positive",
    "pr_status": "negative",
    "her2_status": "negative",
    "menopausal_status": "postmenopausal",
}

junk = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["x" * 100_000]),
    st.lists(st.integers(), max_size=3),
    st.floats(),
    st.integers(),
    st.booleans(),
)


def _rejected(spec: InputSpec, value: object) -> bool:
    return CALCULATOR.validate({**VALID_BASE, spec.name: value})[1] != []


def candidate_bad_values(spec: InputSpec) -> list[object]:
    """Values of every wrong kind for one field (some of which it may accept)."""
    wrong_types: list[object] = [
        "",
        " ",
        "x" * 1_000,
        "x" * 100_000,
        "<script>alert(1)</script>",
        [],
        [1],
        {"a": 1},
        math.nan,
        math.inf,
        -math.inf,
        10**60,
        "null",
        "unknown-value",
        "POSITIVE",
        True,
        0,
        1.5,
        -1,
    ]
    if spec.minimum is not None:
        wrong_types += [spec.minimum - 1, float(spec.minimum) - 0.001]
    if spec.maximum is not None:
        wrong_types += [spec.maximum + 1, float(spec.maximum) + 0.001]
    if spec.type == "integer":
        wrong_types += [2.5, "2"]
    if spec.type == "boolean":
        wrong_types += ["true", "false", "yes"]
    return wrong_types


def _bad_value_pool(spec: InputSpec) -> list[object]:
    """The candidates the field rejects; the strategy below adds generated text."""
    return [value for value in candidate_bad_values(spec) if _rejected(spec, value)]


POOLS = {name: _bad_value_pool(spec) for name, spec in INPUTS.items()}


def bad_value(spec: InputSpec) -> st.SearchStrategy[object]:
    """A value the declaration rejects: any such value must make the case invalid."""
    generated = st.one_of(
        st.text(max_size=12), st.integers(min_value=-(10**9), max_value=10**9), st.floats()
    ).filter(lambda value: _rejected(spec, value))
    return st.one_of(st.sampled_from(POOLS[spec.name]), generated)


def misspelt(name: str) -> st.SearchStrategy[str]:
    """A field name one edit away from a declared one (dropped, doubled or swapped letter), or
    another case of it: never a declared name."""
    edits = [name[:i] + name[i + 1 :] for i in range(len(name))]
    edits += [name[:i] + name[i] + name[i:] for i in range(len(name))]
    edits += [name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(len(name) - 1)]
    edits += [name.upper(), name.replace("_", "-"), name + "_"]
    return st.sampled_from(sorted({edit for edit in edits if edit not in INPUTS}))


undeclared_names = st.one_of(
    st.sampled_from(sorted(INPUTS)).flatmap(misspelt),
    st.text(min_size=1, max_size=20).filter(lambda name: name not in INPUTS),
)


@st.composite
def malformed_cases(draw: st.DrawFn) -> tuple[object, set[str | None]]:
    """A malformed case and the fields its errors must name."""
    shape = draw(
        st.sampled_from(
            ["fields", "fields", "fields", "missing-sex", "undeclared", "not-an-object"]
        )
    )
    if shape == "not-an-object":
        return draw(junk.filter(lambda value: not isinstance(value, dict)) | st.none()), {None}
    case: dict[str, object] = dict(VALID_BASE)
    broken: set[str | None] = set()
    if shape == "missing-sex":
        del case["sex"]
        broken.add("sex")
    if shape == "undeclared":
        name = draw(undeclared_names)
        case[name] = draw(junk)
        broken.add(name)
        return case, broken
    for name in draw(
        st.lists(st.sampled_from(sorted(INPUTS)), min_size=1, max_size=3, unique=True)
    ):
        case[name] = draw(bad_value(INPUTS[name]))
        broken.add(name)
    return case, broken
