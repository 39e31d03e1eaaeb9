"""Site policies as text: the ``{policy:<id>}`` placeholder and how a policy's value reads.

A site policy is a value this site chose where its source gives none (a cut-off, a lower limit
of normal, a rounding), declared once under ``policies:`` in a guideline's index.md. Texts name it
instead of repeating the number, so a hospital that changes the value changes every sentence that
states it: item and notice texts in front matter (substituted by the decision engine) and page
prose (a Markdown inline rule, :mod:`build_tools.markdown.policies`). Both read the placeholder
and format the value here, so they cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# ``{policy:long_dfi_months}``: the id is snake_case, as in table cells.
POLICY_PLACEHOLDER = re.compile(r"\{policy:([a-z][a-z0-9]*(?:_[a-z0-9]+)*)\}")
POLICY_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# Units written against the number ("50%"); any other unit follows a space ("24 months").
_TIGHT_UNITS = ("%",)

Number = int | float


def number_text(value: object) -> str:
    """24, 1.5 (never 24.0): a policy's value, a form field's bounds."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def value_text(value: Number, unit: str) -> str:
    """How a policy's value reads in a sentence: ``24 months``, ``50%``, ``3``."""
    number = number_text(value)
    if not unit:
        return number
    return f"{number}{unit}" if unit in _TIGHT_UNITS else f"{number} {unit}"


def substitute(text: str, values: Mapping[str, str], unknown: Callable[[str], None]) -> str:
    """``text`` with every ``{policy:<id>}`` replaced by ``values[id]``; ``unknown(id)`` is told
    of each id ``values`` lacks (the placeholder is then left as written)."""

    def replace(match: re.Match[str]) -> str:
        found = values.get(match.group(1))
        if found is None:
            unknown(match.group(1))
            return match.group(0)
        return found

    return POLICY_PLACEHOLDER.sub(replace, text)


def named(text: str) -> list[str]:
    """The policy ids ``text`` names, in order, once each."""
    return list(dict.fromkeys(POLICY_PLACEHOLDER.findall(text)))
