"""`bench` is a folder of scripts, not an installed package: make it importable here too
when pytest runs as a script (`python -m pytest` already has the project root on sys.path)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.append(ROOT)
