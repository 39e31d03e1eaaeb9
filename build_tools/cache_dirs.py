"""Where a build keeps what it can compute again: ``$GUIDELINE_CACHE_DIR``, else ``.cache`` of
the checkout that holds build_tools (test builds run from copies of the project and share it).

Each cache has a folder of its own there: ``precompressed`` (hosting/compress.py),
``changelogs`` (releases/stage.py). The bytecode cache (browser_bundle/precompile.py) keeps its
own default beside the ``node_modules`` it compiles with, under the same variable.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "GUIDELINE_CACHE_DIR"
_CHECKOUT = Path(__file__).resolve().parents[1]


def cache_dir(name: str) -> Path:
    """The folder of the cache ``name``."""
    configured = os.environ.get(CACHE_ENV)
    return (Path(configured) if configured else _CHECKOUT / ".cache") / name
