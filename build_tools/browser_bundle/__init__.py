"""The in-page case calculator: the compiled decision module run by a self-hosted Pyodide.

* :mod:`.runtime_files` finds the Pyodide core files in ``node_modules/pyodide`` (``npm ci``);
* :mod:`.bundle` packs the ``calculators`` package into ``calculators.zip`` plus a manifest;
* :mod:`.html` renders the calculator's mount point and form from the declared case inputs;
* :mod:`.integration` is what the ``guideline`` plugin calls from its hooks.

The browser side lives in ``build_tools/assets/calculator_ui/`` (worker, page script, styles).
"""
