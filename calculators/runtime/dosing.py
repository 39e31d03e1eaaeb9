"""Weight-based doses with exact decimal arithmetic.

Floats would print 4 x 72.1 as 288.40000000000003; doses are computed from the decimal text of the
weight instead (the shortest repr of a float is the number the user typed), so 4 x 72.5 is 290.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from calculators.runtime.records import DoseSpec

WEIGHT_MISSING = "(enter the patient's weight to calculate the dose)"


@dataclass(frozen=True)
class DoseResult:
    text: str  # what replaces {dose} in the item's texts
    weight_kg: str | None
    total: str | None


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
    total = per_kg * kilograms
    weight_text = decimal_text(kilograms)
    total_text = decimal_text(total)
    return DoseResult(
        f"{rate} × {weight_text} kg = {total_text} {dose.unit}", weight_text, total_text
    )
