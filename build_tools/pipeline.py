"""The build as one object: content -> decisions -> releases -> exports -> the files a site adds.

:class:`SiteBuild` runs each stage once, on first use, and hands every consumer what it needs:
the MkDocs adapter (:mod:`build_tools.mkdocs_plugin`), every command line (``python -m
build_tools.decisions``, ``build_tools.versions``, ``build_tools.versions.changes``), the
developer tools, the benchmarks and the tests. Nothing else repeats the sequence. It imports no
MkDocs: a site generator that is not MkDocs needs only :meth:`SiteBuild.published_files` and
:meth:`SiteBuild.generated_pages` besides the renderer.

Generated modules (``calculators/guidelines/``, ``calculators/released/``) are source files of
the runtime: :meth:`SiteBuild.write_modules` writes them (``make tables``), and
:meth:`SiteBuild.stale_modules` says which committed one differs from what the content compiles
to (the build fails on it, naming the remedy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypedDict, Unpack

from build_tools import tables
from build_tools.content.site import SiteContent, load_site, markdown_pages
from build_tools.decisions.stage import CompiledGuideline, compile_site
from build_tools.findings import ContentError, Finding
from build_tools.interchange.dmn import ExportError
from build_tools.interchange.exports import Export, guideline_exports
from build_tools.render.renderer import SiteRenderer
from build_tools.versions.history import GuidelineHistory
from build_tools.versions.modules import released_modules, write_released_modules
from build_tools.versions.stage import release_histories

# What a published file is made of: its text, its bytes, or a file to copy as it is.
FileContent = str | bytes | Path

GUIDELINE_MODULES = "calculators/guidelines"
RELEASED_MODULES = "calculators/released"
RELEASES = "releases"


@dataclass(frozen=True)
class BuildOptions:
    """Where the content is and which stages run (paths relative to ``project_root``)."""

    project_root: Path
    docs_dir: Path | None = None  # default: <project_root>/docs
    pages: Sequence[str] | None = None  # the Markdown pages (src_uri); default: every one
    tables: bool = True  # compile the decision tables (and read the releases)
    releases_dir: str = RELEASES
    modules_dir: str = GUIDELINE_MODULES
    released_modules_dir: str = RELEASED_MODULES


class BuildChoices(TypedDict, total=False):
    """:class:`BuildOptions` but the project root, as keywords (``SiteBuild.of``)."""

    docs_dir: Path | None
    pages: Sequence[str] | None
    tables: bool
    releases_dir: str
    modules_dir: str
    released_modules_dir: str


@dataclass
class SiteBuild:
    """One build of the content under ``options``; each stage runs once, when first asked."""

    options: BuildOptions
    _exports: dict[str, list[Export]] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def of(cls, project_root: Path, **options: Unpack[BuildChoices]) -> SiteBuild:
        return cls(BuildOptions(project_root, **options))

    @property
    def project_root(self) -> Path:
        return self.options.project_root

    @property
    def docs_dir(self) -> Path:
        return self.options.docs_dir or self.project_root / "docs"

    # -- the stages ---------------------------------------------------------------------------

    @cached_property
    def content(self) -> SiteContent:
        """Every page loaded and checked (ContentError with every finding)."""
        pages = self.options.pages
        if pages is None:
            pages = markdown_pages(self.docs_dir)
        return load_site(self.docs_dir, list(pages), self.project_root)

    @property
    def warnings(self) -> list[Finding]:
        return list(self.content.warnings)

    @cached_property
    def compiled(self) -> dict[str, CompiledGuideline]:
        """Every guideline's verified, compiled and proven decision module (by id)."""
        if not self.options.tables:
            return {}
        return compile_site(self.content)

    @cached_property
    def histories(self) -> dict[str, GuidelineHistory]:
        """Every compiled guideline's released versions and working content, checked."""
        if not self.options.tables:
            return {}
        return release_histories(
            self.content,
            self.compiled,
            self.project_root / self.options.releases_dir,
            self.project_root,
        )

    @cached_property
    def released(self) -> dict[str, str]:
        """The modules of superseded released versions (module name -> text)."""
        return released_modules(self.histories)

    def exports(self, guideline_id: str) -> list[Export]:
        """The files in standard formats published for a guideline (built once)."""
        if guideline_id not in self._exports:
            compiled = self.compiled.get(guideline_id)
            self._exports[guideline_id] = guideline_exports(
                self.content.guidelines[guideline_id],
                compiled.model if compiled is not None else None,
            )
        return self._exports[guideline_id]

    @cached_property
    def renderer(self) -> SiteRenderer:
        return SiteRenderer(self.content, self.compiled, self.histories, exports=self.exports)

    def run(self) -> SiteBuild:
        """Run every stage now (the build's order: a later stage's error never hides an
        earlier one's); raise ContentError with the findings, ExportError for an export."""
        self.content  # noqa: B018 - run the stage
        self.histories  # noqa: B018 - compiles first
        for guideline_id in sorted(self.content.guidelines):
            self.exports(guideline_id)
        return self

    # -- what a site adds -----------------------------------------------------------------------

    def generated_pages(self) -> dict[str, str]:
        """The Markdown pages the site adds (src_uri -> text): a superseded version's page."""
        return self.renderer.generated_pages()

    def published_files(self) -> dict[str, FileContent]:
        """Every other file the content adds to the site (path -> content): each version's
        changelog as JSON and every guideline's exports."""
        found: dict[str, FileContent] = dict(self.renderer.changelog_files())
        for guideline_id in sorted(self.content.guidelines):
            found.update({export.path: export.text for export in self.exports(guideline_id)})
        return found

    # -- the runtime's generated modules -----------------------------------------------------

    def module_files(self) -> dict[Path, str]:
        """The generated modules the content compiles to (path -> text)."""
        root = self.project_root
        found = {
            root / self.options.modules_dir / f"{compiled.module_name}.py": compiled.module_text
            for _, compiled in sorted(self.compiled.items())
        }
        released_dir = root / self.options.released_modules_dir
        for name, text in sorted(self.released.items()):
            found[released_dir / f"{name}.py"] = text
        return found

    def stale_module_paths(self) -> dict[Path, str]:
        """Each generated module that is not what the content compiles to -> why: missing,
        stale, or (a released module) no superseded version's any more."""
        expected = self.module_files()
        found: dict[Path, str] = {}
        for path, text in expected.items():
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                found[path] = "missing" if current is None else "stale"
        released_dir = self.project_root / self.options.released_modules_dir
        if self.options.tables and released_dir.is_dir():
            for path in sorted(released_dir.glob("*.py")):
                if path.name != "__init__.py" and path not in expected:
                    found[path] = "no longer a superseded version's"
        return found

    def stale_modules(self) -> list[Finding]:
        """A finding, with its remedy, for each module of :meth:`stale_module_paths`."""
        return [self.stale_finding(path, why) for path, why in self.stale_module_paths().items()]

    def stale_finding(self, path: Path, why: str) -> Finding:
        shown = (
            path.relative_to(self.project_root) if path.is_relative_to(self.project_root) else path
        )
        return Finding(
            str(shown),
            1,
            f"the generated module is {why}: it is not what the content compiles to",
            "run `make tables` (python -m build_tools.decisions) and commit the result",
        )

    def write_modules(self) -> list[Path]:
        """Write every generated module (unchanged files untouched; released modules no longer
        needed removed): the explicit step of ``make tables``."""
        root = self.project_root
        written = [
            tables.write_module(
                compiled.model, root / self.options.modules_dir, compiled.module_text
            )
            for _, compiled in sorted(self.compiled.items())
        ]
        if self.options.tables:
            write_released_modules(self.released, root / self.options.released_modules_dir)
        return written


def build_site(project_root: Path, **options: Unpack[BuildChoices]) -> SiteBuild:
    """Run every stage of the content under ``project_root`` (see :class:`SiteBuild`)."""
    return SiteBuild.of(project_root, **options).run()


def check_modules(build: SiteBuild) -> None:
    """Raise ContentError when a committed generated module is stale."""
    stale = build.stale_modules()
    if stale:
        raise ContentError(stale)


__all__ = [
    "BuildOptions",
    "ExportError",
    "FileContent",
    "SiteBuild",
    "build_site",
    "check_modules",
]
