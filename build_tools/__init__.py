"""The build engine: loads and validates guideline content, compiles, verifies and proves its
decision tables into the stdlib-only modules under ``calculators/``, keeps its released versions,
exports it in standard formats, renders its pages and packages the browser runtime
(:mod:`build_tools.pipeline` runs it all). It imports no MkDocs: the MkDocs adapter is
:mod:`build_tools.mkdocs_plugin`."""
