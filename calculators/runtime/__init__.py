"""Runtime of the compiled guideline modules: validation, hit policies, evaluation, dosing, and
the shapes of what it answers (results.py: the result and every answer of the browser's worker).

Standard library only, so the same code runs in CPython and in Pyodide in the browser.
"""
