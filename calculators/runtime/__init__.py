"""Runtime of the compiled guideline modules: validation, hit policies, evaluation, dosing.

Standard library only, so the same code runs in CPython and in Pyodide in the browser.
"""
