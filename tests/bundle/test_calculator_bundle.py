"""The calculator's build side: the Pyodide files it publishes, the deterministic bundle of the
``calculators`` package, and the form generated from the declared case inputs."""

from __future__ import annotations

import json
import zipfile
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest

from build_tools.browser_bundle import runtime_files
from build_tools.browser_bundle.bundle import FIXED_TIME, build_bundle, manifest, package_sources
from build_tools.browser_bundle.publish import calculator_files
from build_tools.browser_bundle.runtime_files import CORE_FILES, RuntimeFilesError, locate_pyodide
from build_tools.render.calculator_form import (
    UNAVAILABLE,
    calculator_data,
    calculator_directive,
    calculator_html,
)
from build_tools.render.page import PageContext
from build_tools.render.renderer import SiteRenderer
from build_tools.tables import DecisionModel, build
from build_tools.tables.model import CaseInput, Wording
from tests.support.bundles import compiled, run_isolated
from tests.support.guidelines import project_build
from tests.support.paths import ROOT
from tests.support.tables import demo_source

GUIDELINE = "metastatic-breast-cancer"


@pytest.fixture(scope="module")
def demo_model() -> DecisionModel:
    return build(demo_source())


def case_input(name: str, type_: str, **overrides: object) -> CaseInput:
    values: dict[str, object] = {
        "name": name,
        "type": type_,
        "values": (),
        "minimum": None,
        "maximum": None,
        "exclusive_min": False,
        "exclusive_max": False,
        "unit": None,
        "required": False,
        "nullable": False,
        "default": None,
        "group": "Group",
        "label": Wording(name, name),
        "help": None,
        "line": 1,
    }
    values.update(overrides)
    return CaseInput(**values)  # type: ignore[arg-type]


# --- Pyodide runtime files ------------------------------------------------------------------


def test_only_the_four_core_files_are_published() -> None:
    runtime = locate_pyodide(ROOT)
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["pyodide"]
    assert runtime.version == pinned == "314.0.7"
    assert (
        [path.name for path in runtime.files]
        == list(CORE_FILES)
        == [
            "pyodide.mjs",
            "pyodide.asm.mjs",
            "pyodide.asm.wasm",
            "python_stdlib.zip",
        ]
    )
    assert all(path.is_file() for path in runtime.files)
    # loadPyodide insists on a lock file: only its info goes to the browser, inline.
    lock = runtime_files.minimal_lockfile(runtime)
    assert lock["packages"] == {}
    info = lock["info"]
    assert isinstance(info, dict)
    assert set(info) >= {"abi_version", "python"}


def test_the_lock_file_pins_the_exact_version() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["lockfileVersion"] == 3
    assert lock["packages"]["node_modules/pyodide"]["version"] == "314.0.7"


def test_a_missing_install_names_the_remedy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime_files, "CHECKOUT", tmp_path / "elsewhere")
    with pytest.raises(RuntimeFilesError, match=r"node_modules.pyodide does not exist.*npm ci"):
        locate_pyodide(tmp_path)


def test_a_stale_install_names_both_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime_files, "CHECKOUT", tmp_path / "elsewhere")
    (tmp_path / "package.json").write_text('{"dependencies": {"pyodide": "314.0.7"}}')
    installed = tmp_path / "node_modules" / "pyodide"
    installed.mkdir(parents=True)
    (installed / "package.json").write_text('{"version": "0.27.0"}')
    with pytest.raises(
        RuntimeFilesError,
        match=r"Pyodide 0\.27\.0 but package\.json pins "
        r"314\.0\.7.*npm ci",
    ):
        locate_pyodide(tmp_path)


# --- the calculators bundle -----------------------------------------------------------------


def test_the_bundle_is_byte_for_byte_deterministic(demo_model: DecisionModel) -> None:
    first = build_bundle(compiled(demo_model))
    second = build_bundle(compiled(demo_model))
    assert first.data == second.data
    assert first.sha256 == second.sha256
    archive = zipfile.ZipFile(BytesIO(first.data))
    names = archive.namelist()
    assert names == sorted(names)
    assert {info.date_time for info in archive.infolist()} == {FIXED_TIME}
    assert "calculators/__init__.py" in names
    assert "calculators/runtime/engine.py" in names
    assert "calculators/guidelines/__init__.py" in names
    assert "calculators/guidelines/demo_guideline.py" in names
    assert all(name.endswith(".py") and "__pycache__" not in name for name in names)


def test_stale_guideline_modules_on_disk_stay_out(tmp_path: Path) -> None:
    package = tmp_path / "calculators"
    (package / "guidelines" / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "guidelines" / "__init__.py").write_text("")
    (package / "guidelines" / "old_guideline.py").write_text("STALE = True\n")
    (package / "guidelines" / "__pycache__" / "x.py").write_text("")
    assert sorted(package_sources(package)) == [
        "calculators/__init__.py",
        "calculators/guidelines/__init__.py",
    ]


def test_the_bundle_runs_on_the_standard_library_alone(
    tmp_path: Path, demo_model: DecisionModel
) -> None:
    bundle = build_bundle(compiled(demo_model))
    zipfile.ZipFile(BytesIO(bundle.data)).extractall(tmp_path)
    # -I -S: no site-packages, no PYTHONPATH: only the bundle and the standard library.
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import calculators; "
        "case = calculators.case_from_fragment('demo-guideline', 'sex=female&marker_a=positive'); "
        "print(json.dumps(calculators.recommend('demo-guideline', case)['status']))"
    )
    assert json.loads(run_isolated(script, str(tmp_path))) in ("ok", "needs_more_information")


def test_the_manifest_names_versions_for_cache_busting(demo_model: DecisionModel) -> None:
    bundle = build_bundle(compiled(demo_model))
    data = manifest(
        bundle, locate_pyodide(ROOT), "assets/pyodide/314.0.7/", "assets/calculator/calculators.zip"
    )
    assert data["pyodide_version"] == "314.0.7"
    assert data["calculators_sha256"] == bundle.sha256
    assert data["calculators_zip"] == f"assets/calculator/calculators.zip?v={bundle.sha256[:16]}"
    assert data["guidelines"] == ["demo-guideline"]


def test_runtime_files_are_added_to_the_site(demo_model: DecisionModel) -> None:
    files = calculator_files(ROOT, compiled(demo_model)).files
    assert sorted(files) == [
        "assets/calculator/boot.js",
        "assets/calculator/calculator-manifest.json",
        "assets/calculator/calculator-page.js",
        "assets/calculator/calculator.css",
        "assets/calculator/calculator.js",
        "assets/calculator/calculators.zip",
        "assets/calculator/case-form.js",
        "assets/calculator/case-section.js",
        "assets/calculator/changed-note.js",
        "assets/calculator/next-question.js",
        "assets/calculator/page-dom.js",
        "assets/calculator/print-summary.js",
        "assets/calculator/result-item.js",
        "assets/calculator/result-lists.js",
        "assets/calculator/result-summary.js",
        "assets/calculator/results-view.js",
        "assets/calculator/runtime-client.js",
        "assets/calculator/summary-bar.js",
        "assets/calculator/wording.js",
        "assets/calculator/worker-checks.js",
        "assets/calculator/worker-log.js",
        "assets/calculator/worker-snapshots.js",
        "assets/calculator/worker.js",
        "assets/pyodide/314.0.7/pyodide.asm.js",
        "assets/pyodide/314.0.7/pyodide.asm.wasm",
        "assets/pyodide/314.0.7/pyodide.module.js",
        "assets/pyodide/314.0.7/python_stdlib.zip",
    ]
    # Every script under a name stock MIME tables map to JavaScript (nginx's has no .mjs).
    assert not [path for path in files if path.endswith(".mjs")]


# --- the form ---------------------------------------------------------------------------------


class FormParser(HTMLParser):
    """Elements by id, labels by target, controls by name, legends in order."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, tuple[str, dict[str, str]]] = {}
        self.label_for: dict[str, str] = {}
        self.controls: dict[str, list[tuple[str, dict[str, str]]]] = {}
        self.options: dict[str, list[str]] = {}
        self.legends: list[str] = []
        self.page_data = ""
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._text: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "section":
            self.page_data = values["data-gl-calculator"]
        if "id" in values:
            assert values["id"] not in self.by_id, f"duplicate id {values['id']}"
            self.by_id[values["id"]] = (tag, values)
        if tag in ("select", "input") and "name" in values:
            self.controls.setdefault(values["name"], []).append((tag, values))
        if tag == "select":
            self._select = values["name"]
        if tag == "option" and self._select is not None:
            self.options.setdefault(self._select, []).append(values["value"])
        if tag in ("label", "legend"):
            self._stack.append((tag, values))
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag in ("label", "legend") and self._stack:
            _, values = self._stack.pop()
            text = "".join(self._text)
            if tag == "label":
                self.label_for[values["for"]] = text
            else:
                self.legends.append(text)

    def handle_data(self, data: str) -> None:
        if self._stack:
            self._text.append(data)


def parse(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def test_every_declared_input_gets_one_labelled_control(demo_model: DecisionModel) -> None:
    html = calculator_html("demo-guideline", demo_model.inputs, {})
    form = parse(html)
    assert set(form.controls) == {case_input.name for case_input in demo_model.inputs}
    assert form.legends == list(dict.fromkeys(case_input.group for case_input in demo_model.inputs))
    for declared in demo_model.inputs:
        [(_, attrs)] = form.controls[declared.name]
        label = form.label_for[attrs["id"]]
        assert declared.label.clinician in label
        assert declared.label.patient in label
        if declared.unit:
            assert f"({declared.unit})" in label
        described = attrs["aria-describedby"].split()
        assert all(target in form.by_id for target in described)
        error_slot = form.by_id[f"{attrs['id']}-error"][1]
        assert error_slot.get("aria-live") == "polite"
        if declared.help is not None:
            assert f"{attrs['id']}-help" in described


def test_controls_follow_the_declared_type() -> None:
    inputs = [
        case_input("sex", "enum", values=("female", "male"), required=True),
        case_input("grade", "enum", values=("low", "high"), nullable=True),
        case_input("stage", "enum", values=("early", "late", "unknown"), default="unknown"),
        case_input("severe", "boolean", default=False),
        case_input("responded", "boolean", nullable=True),
        case_input("ecog", "integer", minimum=0, maximum=4, nullable=True),
        case_input("weight_kg", "number", minimum=20, maximum=400.0, unit="kg", nullable=True),
    ]
    form = parse(calculator_html("g", inputs, {}))
    tag = {name: controls[0][0] for name, controls in form.controls.items()}
    attrs = {name: controls[0][1] for name, controls in form.controls.items()}
    assert form.options["sex"] == ["", "female", "male"]  # required: "Choose…" first
    assert "required" in attrs["sex"]
    assert form.options["grade"] == ["", "low", "high"]  # nullable: "Unknown"
    assert form.options["stage"] == ["early", "late", "unknown"]  # default, no empty choice
    assert (tag["severe"], attrs["severe"]["type"]) == ("input", "checkbox")
    assert form.options["responded"] == ["", "true", "false"]  # nullable boolean: tri-state
    assert attrs["ecog"] | {"id": ""} == {
        "type": "number",
        "inputmode": "numeric",
        "step": "1",
        "min": "0",
        "max": "4",
        "id": "",
        "name": "ecog",
        "aria-describedby": "gl-calc-g-ecog-note gl-calc-g-ecog-error",
    }
    assert (attrs["weight_kg"]["step"], attrs["weight_kg"]["max"]) == ("any", "400")


def test_all_text_is_escaped() -> None:
    hostile = '<script>alert("x")</script>'
    inputs = [
        case_input(
            "field",
            "enum",
            values=('"><img src=x>', "ok"),
            default="ok",
            group="A & <B>",
            unit="<u>",
            label=Wording(hostile, hostile),
            help=Wording(hostile, "fine"),
        ),
    ]
    data = {"references": {"1": {"anchor": "ref-x", "title": "</script><script>alert(1)"}}}
    html = calculator_html("g", inputs, data)
    assert "<script>alert" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<legend>A &amp; &lt;B&gt;</legend>" in html
    # The page data survives intact, as an attribute (see html.py for why not a <script>).
    assert json.loads(parse(html).page_data) == data


# --- the directive on the real guideline ------------------------------------------------------


@pytest.fixture(scope="module")
def real_site() -> tuple[SiteRenderer, PageContext]:
    site_build = project_build()  # the build's pipeline, shared by the session
    site = site_build.content
    renderer = site_build.renderer
    page = site.pages[f"{GUIDELINE}/calculator.md"]
    return renderer, PageContext(site, page, site.guidelines[GUIDELINE])


def test_page_data_links_citations_to_the_reference_list(
    real_site: tuple[SiteRenderer, PageContext],
) -> None:
    renderer, context = real_site
    assert context.guideline is not None
    data = calculator_data(context.guideline, context, renderer.decision_models[GUIDELINE])
    assert data["site_root_relative"] == "../../"
    assert data["references_url"] == f"{GUIDELINE}/references/"
    references = data["references"]
    assert isinstance(references, dict)
    assert references["1"]["anchor"] == "ref-oracle-overview"
    assert len(references) == len(context.guideline.meta.references)
    html = calculator_directive(context.guideline, context, renderer.decision_models[GUIDELINE])
    assert f'data-guideline="{GUIDELINE}"' in html
    assert calculator_directive(context.guideline, context, None) == UNAVAILABLE
