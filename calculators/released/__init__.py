"""Compiled modules of superseded guideline versions, one per released version older than the
guideline's current one (``<module>__<version with _>.py``), rebuilt by the build from the
release records in ``releases/``.

Do not edit the modules here: they are compiled from the records. ``calculators.load`` reads
them as ``"<guideline-id>@<version>"``.
"""
