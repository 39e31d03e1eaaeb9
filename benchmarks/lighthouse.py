"""Lighthouse (the npm devDependency pinned in package.json) on one page, offline.

    python benchmarks/lighthouse.py URL [--timeout 240] [--keep-report report.json]

Runs ``node_modules/.bin/lighthouse`` with Debian Chromium, the default (mobile) settings and
the categories performance, accessibility, best practices and SEO, and returns their scores
(0-100), total blocking time, largest contentful paint and the page's total byte weight.

Lighthouse starts its own Chromium on a fresh temporary profile (an empty cache: a first
visit) with the flags of devtools/headless.py, plus a host resolver rule under which no name
but 127.0.0.1 resolves: left alone, that Chromium looks up Google's update and account hosts
(seen with strace). So the URL must be on 127.0.0.1, and nothing leaves the machine; Lighthouse
itself needs no network for these categories. The full-page screenshot is turned off (slow,
and no figure here needs it). Every run has a time-out; a failure (Lighthouse's own runtime
error, a missing score, a time-out) raises :class:`LighthouseError` with the reason.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from devtools.headless import CHROMIUM, CHROMIUM_ARGS, LOOPBACK_ONLY_RULES

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
# Lighthouse parses this string itself (quotes keep the rule one flag).
CHROME_FLAGS = " ".join([*CHROMIUM_ARGS, f"--host-resolver-rules='{LOOPBACK_ONLY_RULES}'"])
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TIMEOUT_S = 240.0


class LighthouseError(RuntimeError):
    """Lighthouse could not measure the page (the message says why)."""


@dataclass(frozen=True)
class LighthouseResult:
    url: str
    performance: int  # the category scores, 0-100
    accessibility: int
    best_practices: int
    seo: int
    total_blocking_time_ms: float
    largest_contentful_paint_ms: float
    total_byte_weight: int  # bytes the page transferred (as sent: compressed if it was)
    benchmark_index: float | None  # Lighthouse's CPU benchmark of this machine
    warnings: list[str] = field(default_factory=list)
    # audits that lost points, per category: id -> score (0-1) and what Lighthouse shows
    failing: dict[str, dict[str, str]] = field(default_factory=dict)

    def scores(self) -> dict[str, int]:
        return {
            "performance": self.performance,
            "accessibility": self.accessibility,
            "best_practices": self.best_practices,
            "seo": self.seo,
        }


def run_lighthouse(
    url: str,
    *,
    timeout_s: float = TIMEOUT_S,
    lighthouse: Path = LIGHTHOUSE,
    chromium: str = CHROMIUM,
    keep_report: Path | None = None,
) -> LighthouseResult:
    """One Lighthouse run on ``url`` (served on 127.0.0.1)."""
    if not lighthouse.exists():
        raise LighthouseError(f"{lighthouse} is missing (npm ci installs it, package-lock.json)")
    if not Path(chromium).exists():
        raise LighthouseError(f"{chromium} is missing (make chromium)")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as temporary:
        report = Path(temporary) / "report.json"
        command = [
            str(lighthouse),
            url,
            f"--chrome-path={chromium}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--disable-full-page-screenshot",
        ]
        stderr = _run(command, timeout_s, url)
        if not report.exists():
            raise LighthouseError(f"Lighthouse wrote no report for {url}:\n{_tail(stderr)}")
        if keep_report is not None:
            shutil.copy(report, keep_report)
        data = json.loads(report.read_text(encoding="utf-8"))
    return parse_report(data, url)


def _run(command: list[str], timeout_s: float, url: str) -> str:
    # Its own session, so that a time-out can end it and all it started (Lighthouse starts
    # Chromium in a process group of its own and ends it on SIGINT).
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        stderr = _stop(process)
        raise LighthouseError(
            f"Lighthouse did not finish {url} within {timeout_s:g} s:\n{_tail(stderr)}"
        ) from None
    if process.returncode != 0:
        raise LighthouseError(
            f"Lighthouse failed on {url} (exit code {process.returncode}):\n{_tail(stderr)}"
        )
    return stderr


def _stop(process: subprocess.Popen[str]) -> str:
    """SIGINT (Lighthouse then ends its Chromium), then SIGKILL for whatever is left."""
    children = _children(process.pid)  # its Chromium, in a process group of its own
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        _, stderr = process.communicate()
    for pid in children:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    return stderr or ""


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in children.read_text().split()]
    # Only the leaders of their own process groups (Chromium), never Lighthouse's own group.
    leaders = []
    for child in found:
        try:
            if os.getpgid(child) == child:
                leaders.append(child)
        except ProcessLookupError:
            pass
    return leaders


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join((text or "").strip().splitlines()[-lines:])


def parse_report(data: dict[str, Any], url: str) -> LighthouseResult:
    """The figures of a Lighthouse JSON report (``--output=json``)."""
    runtime_error = data.get("runtimeError")
    if runtime_error:
        raise LighthouseError(
            f"Lighthouse: {runtime_error.get('code')}: {runtime_error.get('message')} ({url})"
        )
    categories = data.get("categories") or {}
    audits = data.get("audits") or {}
    scores: dict[str, int] = {}
    failing: dict[str, dict[str, str]] = {}
    for name in CATEGORIES:
        category = categories.get(name) or {}
        score = category.get("score")
        if score is None:
            raise LighthouseError(f"Lighthouse gave no {name} score for {url}")
        scores[name] = round(float(score) * 100)
        for ref in category.get("auditRefs", []):
            audit = audits.get(ref.get("id"), {})
            lost = audit.get("score")
            if ref.get("weight", 0) > 0 and lost is not None and lost < 1:
                failing.setdefault(name, {})[ref["id"]] = (
                    f"{lost:.2f} {audit.get('displayValue') or audit.get('title', '')}".strip()
                )

    def numeric(audit: str) -> float:
        value = (audits.get(audit) or {}).get("numericValue")
        if value is None:
            raise LighthouseError(f"Lighthouse gave no {audit} for {url}")
        return float(value)

    environment = data.get("environment") or {}
    index = environment.get("benchmarkIndex")
    return LighthouseResult(
        url=url,
        performance=scores["performance"],
        accessibility=scores["accessibility"],
        best_practices=scores["best-practices"],
        seo=scores["seo"],
        total_blocking_time_ms=numeric("total-blocking-time"),
        largest_contentful_paint_ms=numeric("largest-contentful-paint"),
        total_byte_weight=int(numeric("total-byte-weight")),
        benchmark_index=None if index is None else float(index),
        warnings=[str(warning) for warning in data.get("runWarnings") or []],
        failing=failing,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a page served on 127.0.0.1")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds (default 240)")
    parser.add_argument("--keep-report", type=Path, help="also save Lighthouse's JSON report here")
    args = parser.parse_args()
    try:
        result = run_lighthouse(args.url, timeout_s=args.timeout, keep_report=args.keep_report)
    except LighthouseError as error:
        raise SystemExit(f"lighthouse: {error}") from None
    json.dump(asdict(result), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
