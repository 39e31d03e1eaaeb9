"""The decisions stage: between loading the content and rendering it.

For every guideline of a loaded site it builds the engine's source records from the validated
pages (:mod:`.source`), loads the decision model, verifies the tables exhaustively, compiles the
stdlib-only decision module and proves the safety constraints on that compiled text
(:mod:`build_tools.tables`). The plugin runs it in ``on_files`` and hands its result on to the
renderer and to the browser bundle; ``python -m build_tools.decisions`` runs the same stage on
the same loader without MkDocs.
"""

from build_tools.decisions.stage import CompiledGuideline, compile_site, write_modules

__all__ = ["CompiledGuideline", "compile_site", "write_modules"]
