"""The browser packaging of the case calculator: what the site needs to run the compiled
decision modules in a self-hosted Pyodide.

* :mod:`.runtime_files` finds the Pyodide core files in ``node_modules/pyodide`` (``npm ci``);
* :mod:`.precompile` compiles the standard library and the bundle to bytecode with Pyodide's own
  Python, run in Node.js;
* :mod:`.bundle` packs the ``calculators`` package (with the modules the decisions stage
  compiled) into ``calculators.zip`` plus a manifest;
* :mod:`.publish` names the published files (what the site adds, and what its pages link).

The calculator's form is page rendering (:mod:`build_tools.render.calculator_form`); the page
script, the worker and the styles live in ``build_tools/web/calculator_ui/``.
"""
