"""Unary tests: the grammar, the null semantics, and agreement between the two evaluators.

Verification evaluates cells in Python objects (unary.py); the generated modules evaluate the
compiled expressions (codegen.py). A property test checks that both always agree.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools.tables.codegen import _HELPERS, _test_code
from build_tools.tables.domain import numeric_representatives
from build_tools.tables.model import CaseInput, InputType, Wording
from build_tools.tables.unary import (
    AnyOf,
    AnyValue,
    Comparison,
    Interval,
    IsNull,
    Literal,
    Not,
    UnaryTest,
    UnaryTestSyntaxError,
    parse_cell,
    typed_test,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("-", AnyValue()),
        (None, IsNull()),
        ("null", IsNull()),
        (True, Literal(True)),
        (24, Literal(24)),
        ("positive", Literal("positive")),
        ('"3+"', Literal("3+")),
        ("3+", Literal("3+")),
        (">= 24", Comparison(">=", 24)),
        ("<12.5", Comparison("<", 12.5)),
        ("!= 0", Comparison("!=", 0)),
        ("[12..24]", Interval(12, 24, True, True)),
        ("(12..24]", Interval(12, 24, False, True)),
        ("[0.5..1)", Interval(0.5, 1, True, False)),
        ("not(null)", Not((IsNull(),))),
        ("not(positive, negative)", Not((Literal("positive"), Literal("negative")))),
        ("not([2..4])", Not((Interval(2, 4, True, True),))),
        (["positive", None], AnyOf((Literal("positive"), IsNull()))),
        ("a, b", AnyOf((Literal("a"), Literal("b")))),
    ],
)
def test_cells_parse(cell: object, expected: UnaryTest) -> None:
    assert parse_cell(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (">> 3", "cannot read the test"),
        ("", "empty cell"),
        ([], "empty list"),
        (["-"], "meaningless"),
        ("0..1", "quotes in YAML"),
        ("not()", "at least one test"),
        ("two words", "quote literal values"),
        ({"a": 1}, "mapping"),
        ('"open', "unterminated quote"),
    ],
)
def test_bad_cells_say_how_to_write_them(cell: object, message: str) -> None:
    with pytest.raises(UnaryTestSyntaxError, match=message):
        parse_cell(cell)


def test_null_semantics() -> None:
    assert Comparison(">=", 1).matches(None) is False
    assert Interval(0, 1, True, True).matches(None) is False
    assert AnyValue().matches(None) is True
    assert Not((Comparison(">=", 1),)).matches(None) is True
    assert Not((IsNull(), Literal("x"))).matches(None) is False
    # True == 1 in Python, never in a table.
    assert Literal(1).matches(True) is False
    assert Literal(True).matches(1) is False


def test_words_are_read_as_the_type_of_their_input() -> None:
    assert typed_test(parse_cell("not(false)"), "boolean") == Not((Literal(False),))
    assert typed_test(parse_cell("not(3)"), "integer") == Not((Literal(3),))
    assert typed_test(parse_cell("0, 1+"), "enum") == AnyOf((Literal("0"), Literal("1+")))


def _declared(
    kind: InputType, low: float | None, high: float | None, exclusive_min: bool = False
) -> CaseInput:
    return CaseInput(
        name="x",
        type=kind,
        values=(),
        minimum=low,
        maximum=high,
        exclusive_min=exclusive_min,
        exclusive_max=False,
        unit=None,
        required=False,
        nullable=True,
        default=None,
        group="g",
        label=Wording("x", "x"),
        help=None,
        line=1,
    )


def test_numeric_domains_split_at_thresholds_within_the_declared_range() -> None:
    assert numeric_representatives(_declared("number", 0, None), {12, 24}) == (0, 6, 12, 18, 24, 25)
    assert numeric_representatives(_declared("integer", 0, 4), {2}) == (0, 1, 2, 3, 4)
    assert numeric_representatives(_declared("integer", 1, None), {4}) == (1, 2, 4, 5)
    assert numeric_representatives(_declared("number", 0, 100, exclusive_min=True), set()) == (
        50,
        100,
    )


# --- the generated code agrees with the verifier --------------------------------------------------

_numbers = st.sampled_from([0, 1, 2, 2.5, 12, 24, -1])
_leaf = st.one_of(
    st.just(AnyValue()),
    st.just(IsNull()),
    st.sampled_from(["a", "b", "3+"]).map(Literal),
    st.booleans().map(Literal),
    _numbers.map(Literal),
    st.builds(Comparison, st.sampled_from(["<", "<=", ">", ">=", "=", "!="]), _numbers),
    st.builds(Interval, _numbers, _numbers, st.booleans(), st.booleans()),
)
_composite = st.one_of(
    _leaf,
    st.lists(_leaf.filter(lambda test: not isinstance(test, AnyValue)), min_size=1, max_size=3).map(
        lambda tests: AnyOf(tuple(tests))
    ),
    st.lists(_leaf.filter(lambda test: not isinstance(test, AnyValue)), min_size=1, max_size=3).map(
        lambda tests: Not(tuple(tests))
    ),
)
_values = st.one_of(st.none(), st.booleans(), st.sampled_from(["a", "b", "3+", "c"]), _numbers)

_HELPER_NAMESPACE: dict[str, object] = {}
exec(_HELPERS, _HELPER_NAMESPACE)


@pytest.mark.slow  # 2,000 generated tests
@settings(max_examples=2000, derandomize=True)
@given(test=_composite, value=_values)
def test_compiled_tests_agree_with_the_verifier(test: UnaryTest, value: object) -> None:
    code = _test_code(test, 'v["x"]')
    compiled = eval(code, dict(_HELPER_NAMESPACE), {"v": {"x": value}})
    assert compiled is test.matches(value), code
