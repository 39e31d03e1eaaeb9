"""Findings about content, and the one exception that carries them.

Every problem an editor can cause is reported as a :class:`Finding`: the file, the line, what is
wrong and what to do about it. Loaders collect findings instead of stopping at the first one, so a
build reports every problem of a page at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in the content, located at ``file:line``."""

    file: str
    line: int
    message: str
    remedy: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}: {self.message}"
        if self.remedy:
            text += f" -> {self.remedy}"
        return text


class ContentError(Exception):
    """Raised when content is invalid; holds every finding, sorted by file and line."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = sorted(set(findings))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.findings)
        head = f"{count} problem{'s' if count != 1 else ''} in the guideline content:"
        return "\n".join([head, *(f"  {finding}" for finding in self.findings)])


class FindingCollector:
    """Accumulates findings; :meth:`raise_if_any` turns them into a :class:`ContentError`."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, file: str, line: int, message: str, remedy: str = "") -> None:
        self.findings.append(Finding(file, line, message, remedy))

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def __bool__(self) -> bool:
        return bool(self.findings)

    def raise_if_any(self) -> None:
        if self.findings:
            raise ContentError(self.findings)
