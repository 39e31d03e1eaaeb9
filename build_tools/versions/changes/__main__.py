"""``python -m build_tools.versions.changes <guideline-id> [--from V] [--to V|working] [--format
markdown|json] [--docs docs] [--releases releases]``

Prints the changelog between two versions: by default from the last release before ``--to`` to
the working content of the pages (when the working version is released unchanged, from the
release before it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from build_tools.findings import ContentError
from build_tools.pipeline import BuildOptions, SiteBuild
from build_tools.versions.changes.changelog import changelog_between
from build_tools.versions.changes.markdown import render_markdown
from build_tools.versions.record import VersionSnapshot, frozen_digest, working_snapshot
from build_tools.versions.store import load_release, release_files, version_key

WORKING = "working"


def _working(guideline_id: str, docs: Path) -> VersionSnapshot | None:
    build = SiteBuild(BuildOptions(Path.cwd(), docs_dir=docs))
    guideline = build.content.guidelines.get(guideline_id)
    if guideline is None:
        return None
    compiled = build.compiled[guideline_id]
    return working_snapshot(guideline, compiled.model, compiled.module_text)


def _versions(args: argparse.Namespace) -> tuple[VersionSnapshot, VersionSnapshot] | str:
    releases = {r.version: r for r in release_files(args.releases, args.guideline)}
    if args.to == WORKING:
        after = _working(args.guideline, args.docs)
        if after is None:
            return f"no guideline {args.guideline} under {args.docs}"
        released = releases.get(after.version)
        same = released is not None and frozen_digest(
            load_release(released, Path.cwd()).record
        ) == frozen_digest(after.record)
        earlier = [v for v in releases if v != after.version or same]
        limit = after.version
    else:
        if args.to not in releases:
            return f"no release {args.to} of {args.guideline}"
        after = load_release(releases[args.to], Path.cwd())
        earlier = list(releases)
        limit = args.to
    if args.before is None:
        candidates = sorted(
            (v for v in earlier if version_key(v) < version_key(limit)), key=version_key
        )
        if not candidates:
            return f"no release of {args.guideline} before {limit}"
        args.before = candidates[-1]
    if args.before not in releases:
        return f"no release {args.before} of {args.guideline}"
    return load_release(releases[args.before], Path.cwd()), after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_tools.versions.changes")
    parser.add_argument("guideline")
    parser.add_argument("--from", dest="before", default=None)
    parser.add_argument("--to", default=WORKING)
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("--docs", type=Path, default=Path("docs"))
    parser.add_argument("--releases", type=Path, default=Path("releases"))
    args = parser.parse_args(argv)
    try:
        versions = _versions(args)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    if isinstance(versions, str):
        print(versions, file=sys.stderr)
        return 2
    changelog = changelog_between(*versions)
    if args.format == "json":
        sys.stdout.write(changelog.json_text())
    else:
        sys.stdout.write(render_markdown(changelog))
    return 0


if __name__ == "__main__":
    sys.exit(main())
