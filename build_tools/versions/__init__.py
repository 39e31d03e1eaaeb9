"""Released versions of a guideline: each as a deterministic record, the changelog between two
versions (:mod:`build_tools.versions.changes`), the history the build reads and the CLI."""
