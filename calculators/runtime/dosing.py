"""Weight-based doses with exact decimal arithmetic.

Floats would print 4 x 72.1 as 288.40000000000003; doses are computed from the decimal text of the
weight instead (the shortest repr of a float is the number the user typed), so 4 x 72.5 is 290.
A dose whose guideline declares a rounding (a site policy: the step, e.g. 1 mg) is shown rounded
half up to that step; the exact product stays in the dose data (``exact``), and the text says
both when they differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from calculators.runtime.records import DoseSpec

WEIGHT_MISSING = "(enter the patient's weight to calculate the dose)"


@dataclass(frozen=True)
class DoseResult:
    text: str  # what replaces {dose} in the item's texts
    weight_kg: str | None
    total: str | None  # the dose shown: the exact product, rounded where a step is declared
    exact: str | None = None  # the exact product


def rounded(value: Decimal, step: Decimal) -> Decimal:
    """``value`` to the nearest multiple of ``step``, halves up (289.5 mg -> 290 mg)."""
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def decimal_text(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 290.0 -> '290', 288.40 -> '288.4'."""
    text = format(value.normalize(), "f")
    return text


def calculate_dose(dose: DoseSpec, weight: object) -> DoseResult:
    per_kg = Decimal(dose.amount_per_kg)
    rate = f"{decimal_text(per_kg)} {dose.unit}/kg"
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        return DoseResult(f"{rate} {WEIGHT_MISSING}", None, None)
    kilograms = Decimal(repr(weight)) if isinstance(weight, float) else Decimal(weight)
    exact = per_kg * kilograms
    weight_text = decimal_text(kilograms)
    exact_text = decimal_text(exact)
    product = f"{rate} × {weight_text} kg = {exact_text} {dose.unit}"
    if dose.round_to is None:
        return DoseResult(product, weight_text, exact_text, exact_text)
    step = Decimal(dose.round_to)
    shown = decimal_text(rounded(exact, step))
    if shown == exact_text:
        return DoseResult(product, weight_text, shown, exact_text)
    return DoseResult(
        f"{product}, rounded to {shown} {dose.unit} (nearest {decimal_text(step)} {dose.unit})",
        weight_text,
        shown,
        exact_text,
    )
