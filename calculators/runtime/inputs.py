"""Case validation and URL-fragment coercion, driven by the guideline's declared inputs.

JSON (API, CLI) and URL fragments (calculator) must mean the same thing, so a fragment is only
*coerced* here, string by string according to the declared type; whatever cannot be coerced is
left as the string it was and the one validation below reports it exactly as for JSON.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl

from calculators.runtime.records import InputSpec, Number
from calculators.runtime.results import CaseError, CaseValues

_DECIMAL = re.compile(r"^-?\d+(?:\.\d+)?$")


def validate_case(
    inputs: tuple[InputSpec, ...], case: object
) -> tuple[CaseValues, list[CaseError]]:
    """(values of every declared field, errors). Missing fields and nulls take the declared default;
    a field the guideline does not declare is refused by name (a misspelt finding must never be
    read as "not stated"), with the nearest declared name when one is close."""
    if not isinstance(case, Mapping):
        return {}, [
            {
                "field": None,
                "message": "The case must be a JSON object of field names and values, "
                'e.g. {"sex": "female"}.',
            }
        ]
    values: CaseValues = {}
    errors: list[CaseError] = unknown_field_errors(inputs, case)
    for spec in inputs:
        raw = case.get(spec.name)
        if raw is None:
            if spec.required:
                errors.append(
                    _error(spec, f"{spec.name} ({spec.label}) is required: give {_expected(spec)}.")
                )
            # An explicit null means "unknown" where the field allows it, else "not given".
            explicit_null = spec.name in case and spec.nullable
            values[spec.name] = None if explicit_null else spec.default
            continue
        value, problem = _check(spec, raw)
        if problem:
            errors.append(_error(spec, problem))
        values[spec.name] = value
    return values, errors


def unknown_field_errors(
    inputs: tuple[InputSpec, ...], case: Mapping[object, object]
) -> list[CaseError]:
    """One error per key of ``case`` that names no declared field, in the case's order."""
    names = [spec.name for spec in inputs]
    declared = set(names)
    errors: list[CaseError] = []
    for key in case:
        if key in declared:
            continue
        name = str(key)
        shown = name if len(name) <= SHOWN_VALUE_LENGTH else name[:SHOWN_VALUE_LENGTH] + "…"
        nearest = _nearest_name(name, names)
        hint = f"; did you mean '{nearest}'?" if nearest else "."
        errors.append(
            {
                "field": name,
                "message": f"unknown field '{shown}'{hint} Correct it or remove it: a field this "
                "guideline does not declare is never ignored (its fields are listed on the "
                "guideline's case-fields page).",
            }
        )
    return errors


def _nearest_name(name: str, names: list[str]) -> str | None:
    """The declared name ``name`` most likely misspells, or None: a close spelling, else the
    one name it cuts short ("lvef" for "lvef_percent", too far apart for a close spelling)."""
    key = name.lower()
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
    if close:
        return close[0]
    started = [known for known in names if known.startswith(key)]
    return started[0] if len(key) >= MIN_PREFIX_LENGTH and len(started) == 1 else None


def _error(spec: InputSpec, message: str) -> CaseError:
    return {"field": spec.name, "message": message}


def _check(spec: InputSpec, raw: object) -> tuple[object, str]:
    """(normalised value, problem or '')."""
    unknown = " or null if unknown" if spec.nullable else ""
    got = f"got {_show(raw)}"
    if spec.type == "enum":
        if isinstance(raw, str) and raw in spec.values:
            return raw, ""
        return raw, f"{spec.name} must be {_expected(spec)}{unknown}; {got}."
    if spec.type == "boolean":
        if isinstance(raw, bool):
            return raw, ""
        return raw, f"{spec.name} must be true or false{unknown}; {got}."
    number = _as_number(raw, integer=spec.type == "integer")
    if number is None or not _in_range(spec, number):
        return raw, f"{spec.name} ({spec.label}) must be {_expected(spec)}{unknown}; {got}."
    return number, ""


def _as_number(raw: object, *, integer: bool) -> Number | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    if isinstance(raw, float) and not math.isfinite(raw):
        return None
    if integer:
        if isinstance(raw, float):
            # JSON writers may send 2.0 for 2; a fractional ECOG is not an integer.
            return int(raw) if raw.is_integer() else None
        return raw
    return raw


def _in_range(spec: InputSpec, number: Number) -> bool:
    low, high = spec.minimum, spec.maximum
    below = low is not None and (number < low or (spec.exclusive_min and number == low))
    above = high is not None and (number > high or (spec.exclusive_max and number == high))
    return not (below or above)


def _expected(spec: InputSpec) -> str:
    """What the field accepts, in words, for error messages."""
    if spec.type == "enum":
        return "one of " + ", ".join(f'"{value}"' for value in spec.values)
    if spec.type == "boolean":
        return "true or false"
    kind = "an integer" if spec.type == "integer" else "a number"
    unit = f" {spec.unit}" if spec.unit else ""
    low, high = spec.minimum, spec.maximum
    if low is not None and high is not None:
        low_word = "above" if spec.exclusive_min else "from"
        high_word = "below" if spec.exclusive_max else "to"
        return f"{kind} {low_word} {_number_text(low)} {high_word} {_number_text(high)}{unit}"
    if low is not None:
        relation = "greater than" if spec.exclusive_min else "of at least"
        return f"{kind} {relation} {_number_text(low)}{unit}"
    if high is not None:
        relation = "less than" if spec.exclusive_max else "of at most"
        return f"{kind} {relation} {_number_text(high)}{unit}"
    return f"{kind}{unit}"


def _number_text(value: Number) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


# Longest value echoed back in an error message: a pasted document must not become the message.
SHOWN_VALUE_LENGTH = 40
# Shortest unknown name suggested as the start of a declared one ("lvef" for "lvef_percent"):
# a letter or two starts too many names to mean one.
MIN_PREFIX_LENGTH = 3


def _show(raw: object) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        if len(raw) > SHOWN_VALUE_LENGTH:
            return f'"{raw[:SHOWN_VALUE_LENGTH]}…" ({len(raw)} characters)'
        return f'"{raw}"'
    if isinstance(raw, int) and raw.bit_length() > 128:
        # repr() of a huge int is slow, and refused past 4300 digits.
        return "a very large number"
    if isinstance(raw, (int, float)):
        text = repr(raw)
        return text if len(text) <= SHOWN_VALUE_LENGTH else f"a {len(text)}-digit number"
    return f"a {type(raw).__name__}"


def case_from_fragment(
    inputs: tuple[InputSpec, ...], params: Mapping[str, str] | str
) -> CaseValues:
    """A case from URL parameters (``URLSearchParams`` text, with or without '#'/'?', or a dict).

    Enum values are taken as written, ``true``/``false`` become booleans, decimals become numbers
    and ``null`` or an empty value becomes null. A parameter that names no declared field is kept
    as the text it was, so that validation refuses it by name exactly as for JSON. The result is
    validated like a JSON case.
    """
    if isinstance(params, str):
        pairs: dict[str, str] = {}
        for key, value in parse_qsl(params.lstrip("#?"), keep_blank_values=True):
            pairs.setdefault(key, value)  # URLSearchParams.get() returns the first occurrence
        params = pairs
    case: CaseValues = {}
    for spec in inputs:
        if spec.name in params:
            case[spec.name] = _coerce(spec, params[spec.name])
    declared = {spec.name for spec in inputs}
    case.update((name, text) for name, text in params.items() if name not in declared)
    return case


def _coerce(spec: InputSpec, text: object) -> object:
    if not isinstance(text, str):
        return text
    if text in ("", "null"):
        return None
    if spec.type == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if spec.type in ("integer", "number") and _DECIMAL.match(text):
        return float(text) if "." in text else int(text)
    return text
