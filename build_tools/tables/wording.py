"""Patient wording keeps the facts: every number of the clinician text is in the patient text.

A patient text is a plainer retelling of the same statement, not a shorter one: a response rate,
a dose, a cut-off or an interval that the clinician reads must reach the patient too. Numbers are
compared as written (``14``, ``2.5``, ``1-2`` is ``1`` and ``2``), so "14%" is kept by
"14 out of 100 (14%)" and lost by "a few". A number that is part of a name (HER2, BRCA1/2,
CDK4/6, KEYNOTE-355, mg/m2) belongs to the name, not to the facts.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[^\s,;:()\[\]]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_LETTER = re.compile(r"[A-Za-z]")


def numbers_in(text: str) -> list[str]:
    """The numbers of a text, in order, each once (names that contain digits left out)."""
    found: list[str] = []
    for token in _TOKEN.findall(text):
        if _LETTER.search(token):
            continue
        found.extend(_NUMBER.findall(token))
    return list(dict.fromkeys(found))


def numbers_missing(text: str, patient_text: str) -> list[str]:
    """The numbers of ``text`` that ``patient_text`` does not contain."""
    kept = set(numbers_in(patient_text))
    return [number for number in numbers_in(text) if number not in kept]
