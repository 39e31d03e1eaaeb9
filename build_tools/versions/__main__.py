"""``python -m build_tools.versions record <guideline-id> [--git REV [--waive CHECK ...]]``
``python -m build_tools.versions review <guideline-id>``

Records a guideline version as released: writes ``releases/<guideline-id>/<version>.json`` from
the working content (``make release GUIDELINE=<id>``), or from the pages as they were at a git
revision (``--git``: how a version released before records existed is recorded). A record is
never overwritten with different content: change the version number instead. ``record`` also
writes the version's changelog against the release before it (``<version>.changes.md``), which a
reviewer reads before approving; ``review`` prints what they read (``make review``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from build_tools.decisions.from_content import guideline_source
from build_tools.findings import ContentError
from build_tools.pipeline import BuildOptions, SiteBuild
from build_tools.tables.source import WAIVABLE_CHECKS
from build_tools.versions.changes.markdown import render_markdown
from build_tools.versions.history import GuidelineHistory
from build_tools.versions.record import compile_source, frozen_digest, record_json, record_of
from build_tools.versions.review import review_markdown
from build_tools.versions.stage import changelog
from build_tools.versions.store import (
    RELEASES_DIR,
    changes_path,
    load_release,
    read_record,
    record_path,
    release_files,
)


def _commit(revision: str) -> str:
    """Where a record made from history came from: the full commit id (not a frozen part)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{revision}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return f"git {commit}"


def _record(args: argparse.Namespace) -> int:
    project_root = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="release-") as scratch:
        docs = args.docs
        if args.git:
            docs = Path(scratch) / "docs"
            archive = subprocess.run(
                ["git", "archive", "--format=tar", args.git, str(args.docs)],
                capture_output=True,
                check=False,
            )
            if archive.returncode != 0:
                print(archive.stderr.decode(errors="replace").strip(), file=sys.stderr)
                return 2
            subprocess.run(["tar", "-x", "-C", scratch], input=archive.stdout, check=True)
            docs = Path(scratch) / args.docs
            project_root = Path(scratch)  # files named as in the repository, not the scratch copy
        elif args.waive:
            print("--waive applies only to a version recorded from git (--git)", file=sys.stderr)
            return 2
        try:
            # The pipeline's loader alone: the version is compiled below, with its waivers.
            site = SiteBuild(BuildOptions(project_root, docs_dir=docs, tables=False)).content
            guideline = site.guidelines.get(args.guideline)
            if guideline is None:
                known = ", ".join(sorted(site.guidelines)) or "none"
                print(
                    f"no guideline {args.guideline!r} under {docs} (found: {known})",
                    file=sys.stderr,
                )
                return 2
            source = replace(guideline_source(guideline), waived_checks=frozenset(args.waive))
            compile_source(source)  # a release must load, verify and prove like a build
            record = record_of(guideline, source)
            if args.git:
                record["recorded_from"] = _commit(args.git)
        except ContentError as error:
            print(error.report(), file=sys.stderr)
            return 1
    target = record_path(args.releases, args.guideline, record["version"])
    if target.exists():
        existing = read_record(target)
        if frozen_digest(existing) == frozen_digest(record):
            print(f"{target}: version {record['version']} is already recorded, unchanged")
            return _write_changelog(args.releases, args.guideline, record["version"], project_root)
        print(
            f"{target}: version {record['version']} is released with other content -> a released "
            "version never changes: raise 'version:' in index.md (with a review history entry) "
            "and record that",
            file=sys.stderr,
        )
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(record_json(record), encoding="utf-8", newline="\n")
    source_note = f" from {args.git}" if args.git else ""
    print(
        f"{target}: recorded version {record['version']}{source_note} "
        f"({frozen_digest(record)}; {len(record['points'])} points)"
    )
    return _write_changelog(args.releases, args.guideline, record["version"], project_root)


def _history(releases: Path, guideline_id: str, project_root: Path) -> GuidelineHistory:
    """The released versions (the newest of them standing for the working content)."""
    released = [
        load_release(release, project_root) for release in release_files(releases, guideline_id)
    ]
    return GuidelineHistory(released, released[-1])


def _write_changelog(releases: Path, guideline_id: str, version: str, project_root: Path) -> int:
    """Write ``<version>.changes.md``: the changelog against the release before it."""
    history = _history(releases, guideline_id, project_root)
    pairs = {new.version: old for old, new in history.predecessors()}
    if version not in pairs:
        print(f"{version} is the first release of {guideline_id}: no changelog to write")
        return 0
    after = next(v for v in history.released if v.version == version)
    text = render_markdown(changelog(pairs[version], after))
    path = changes_path(releases, guideline_id, version)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        print(f"{path}: the changelog against {pairs[version].version} is up to date")
        return 0
    path.write_text(text, encoding="utf-8", newline="\n")
    print(
        f"{path}: wrote the changelog against {pairs[version].version} "
        f"(review it: make review GUIDELINE={guideline_id})"
    )
    return 0


def _review(args: argparse.Namespace) -> int:
    """Print the review pack of the working version (``make review``)."""
    build = SiteBuild(BuildOptions(Path.cwd(), docs_dir=args.docs, releases_dir=str(args.releases)))
    try:
        guidelines = build.content.guidelines
        if args.guideline not in guidelines:
            known = ", ".join(sorted(guidelines)) or "none"
            print(
                f"no guideline {args.guideline!r} under {args.docs} (found: {known})",
                file=sys.stderr,
            )
            return 2
        histories = build.histories
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    history = histories[args.guideline]
    changelog = history.changelogs.get(history.working.version)
    print(review_markdown(history, render_markdown(changelog) if changelog else None), end="")
    return 0


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse.ArgumentParser:
    """A subcommand with the arguments every one takes: the guideline, --docs, --releases."""
    command = commands.add_parser(name, help=help_text)
    command.add_argument("guideline", help="the guideline id (its folder under docs/)")
    command.add_argument("--docs", type=Path, default=Path("docs"), help="the docs folder")
    command.add_argument(
        "--releases",
        type=Path,
        default=Path(RELEASES_DIR),
        help="where records are kept (default: releases)",
    )
    return command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m build_tools.versions", description="Record released guideline versions."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    record = _command(commands, "record", "write the release record of a version")
    record.add_argument("--git", metavar="REV", help="record the pages as they were at REV")
    record.add_argument(
        "--waive",
        action="append",
        default=[],
        choices=WAIVABLE_CHECKS,
        help="an authoring check the version predates (only with --git)",
    )
    _command(commands, "review", "print what a reviewer reads before approving")
    args = parser.parse_args(argv)
    return _record(args) if args.command == "record" else _review(args)


if __name__ == "__main__":
    sys.exit(main())
