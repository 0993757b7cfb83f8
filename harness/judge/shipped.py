"""The data files the harness ships, found the same way in a checkout and in an installed
wheel: schemas, fault plans and pair mappings live in `harness_fixtures/`, beside the
packages (in a checkout a link to the repository's `fixtures/`, in the wheel a folder).

`fault_plan("rate_limit_storm")` is how a scenario or `harness judge --faults` names one of
the shipped fault plans without knowing where the harness is installed.
"""

from __future__ import annotations

from pathlib import Path

from sync.errors import ConfigError

ROOT = (Path(__file__).resolve().parents[2] / "harness_fixtures").resolve()


def shipped_file(*parts: str) -> Path:
    """A shipped data file (`shipped_file("schemas", "mapping.schema.json")`); a missing
    one is a ConfigError naming where it was looked for."""
    path = ROOT.joinpath(*parts)
    if not path.is_file():
        raise ConfigError(f"the harness ships no {'/'.join(parts)} (looked in {ROOT})")
    return path


def fault_plans() -> tuple[str, ...]:
    """The names of the shipped fault plans."""
    return tuple(sorted(p.stem for p in (ROOT / "faults").glob("*.yaml")))


def fault_plan(name_or_path: str | Path) -> Path:
    """A fault plan file: a path that exists, else a shipped plan by name (with or without
    `.yaml`); an unknown name lists the shipped ones."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    name = path.name.removesuffix(".yaml")
    shipped = ROOT / "faults" / f"{name}.yaml"
    if path.parent == Path(".") and shipped.is_file():
        return shipped
    known = ", ".join(fault_plans()) or "none"
    raise ConfigError(
        f"no fault plan {str(name_or_path)!r}: not a file, and the shipped plans are {known}",
        key="--faults",
    )


__all__ = ["ROOT", "fault_plan", "fault_plans", "shipped_file"]
