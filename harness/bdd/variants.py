"""Mapping variants for scenarios: one spec with some top-level sections replaced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def write_variant(base: Path, out: Path, **sections: Any) -> Path:
    """Write `base` with the given top-level sections replaced (None removes one) to `out`.

    Round-tripping through YAML drops the comments; the result is for a scenario, not a file
    a person maintains."""
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    for key, value in sections.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out
