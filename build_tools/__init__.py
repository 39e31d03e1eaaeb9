"""Build tools: the MkDocs plugin that validates guideline content, renders it and compiles its
decision tables into the stdlib-only modules under ``calculators/``."""
