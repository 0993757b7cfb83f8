"""`harness init`: a project folder for one CRM x ERP pair, ready to edit and to run.

It writes `harness.yaml` (both systems as the packs describe them, every flow the pair
supports with its dependencies), `mappings/` (compiled from the two packs' profiles), an
env-file template naming every variable the pair needs, the standard Gherkin scenarios
under `features/` with a test module and a `pytest.ini` that run them against the pair's
sandboxes, and nothing else. Existing files are never overwritten.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config.render import render_config
from sync.canonical import compile_mappings
from sync.connectors import ConnectorPack, connector_pack
from sync.errors import ConfigError

FEATURES = Path(__file__).resolve().parents[1] / "bdd" / "features"
_TAG = re.compile(r"^\s*@(\w+)", re.MULTILINE)
PLACEHOLDER = "SET-ME"


@dataclass(frozen=True)
class Scaffold:
    """What `init_project` wrote, and the flows the pair cannot carry (with why)."""

    root: Path
    files: tuple[Path, ...]
    skipped: dict[str, str]


def init_project(crm: str, erp: str, root: Path) -> Scaffold:
    """Write a project for `crm` x `erp` into `root` (created when missing; it must not hold
    a harness.yaml already)."""
    config = root / "harness.yaml"
    if config.exists():
        raise ConfigError(f"{config} exists already; init writes into a new folder",
                          key="DIR")  # fmt: skip
    compiled = compile_mappings(crm, erp)
    root.mkdir(parents=True, exist_ok=True)
    mappings = compiled.write(root / "mappings")
    packs = {"crm": connector_pack(crm), "erp": connector_pack(erp)}
    flows = [
        {"name": c.flow.name, "mapping": path, "source": c.flow.source,
         "target": c.flow.target, "depends_on": list(c.depends_on)}
        for c, path in zip(compiled.flows, mappings, strict=True)
    ]  # fmt: skip
    text = render_config(
        systems={role: _system(pack) for role, pack in packs.items()},
        mapping=mappings[0],
        state_path=root / ".harness" / "state.db",
        reports_dir=root / "reports",
        base_dir=root,
        flows=flows,
        written_by=f"harness init --crm {crm} --erp {erp}",
    )
    config.write_text(text, encoding="utf-8")
    files = [config, *mappings, _env_template(root, packs), *_ignore(root)]
    files += _features(root, crm, erp)
    return Scaffold(root, tuple(files), compiled.skipped)


def _system(pack: ConnectorPack) -> dict[str, Any]:
    return {
        "vendor": pack.name,
        "base_url": pack.base_url_hint or "https://SET-ME",
        "credentials": {c.key: c.env for c in pack.credentials if not c.optional},
        "options": {name: PLACEHOLDER for name in pack.required_options},
    }


def _env_template(root: Path, packs: dict[str, ConnectorPack]) -> Path:
    """`.env.example`: every variable the pair's connectors read, with what it holds."""
    lines = [
        "# Credentials the harness reads from the environment (or --env-file FILE).",
        "# Copy to .env, fill in, and keep it out of version control.",
    ]
    for role, pack in packs.items():
        lines += ["", f"# {pack.label} ({role.upper()})"]
        for credential in pack.credentials:
            optional = " (optional: add it to harness.yaml's credentials to use it)"
            if credential.help:
                lines.append(f"# {credential.help}{optional if credential.optional else ''}")
            lines.append(f"{'# ' if credential.optional else ''}{credential.env}=")
    path = root / ".env.example"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ignore(root: Path) -> list[Path]:
    """A `.gitignore` keeping secrets, state and reports out of version control."""
    path = root / ".gitignore"
    if path.exists():
        return []
    path.write_text(".env\n.harness/\nreports/\n", encoding="utf-8")
    return [path]


def _features(root: Path, crm: str, erp: str) -> list[Path]:
    """The standard scenarios, a module binding them and the pytest settings naming the pair."""
    target = root / "features"
    target.mkdir(exist_ok=True)
    written = []
    for feature in sorted(FEATURES.glob("*.feature")):
        copy = target / feature.name
        if not copy.exists():
            shutil.copyfile(feature, copy)
            written.append(copy)
    binder = root / "test_features.py"
    if not binder.exists():
        binder.write_text(
            '"""Runs every scenario under features/ against the pair\'s sandboxes."""\n\n'
            "from pytest_bdd import scenarios\n\n"
            'scenarios("features")\n',
            encoding="utf-8",
        )
        written.append(binder)
    ini = root / "pytest.ini"
    if not ini.exists():
        ini.write_text(_pytest_ini(crm, erp), encoding="utf-8")
        written.append(ini)
    return written


def _pytest_ini(crm: str, erp: str) -> str:
    """The pair, the project's config, and every scenario tag registered as a marker."""
    tags = sorted({t for f in FEATURES.glob("*.feature") for t in _TAG.findall(f.read_text())})
    lines = [
        "[pytest]",
        f"harness_crm = {crm}",
        f"harness_erp = {erp}",
        "harness_config = harness.yaml",
        "# The load scenario (50,000 customers) runs on demand: pytest -m load",
        'addopts = --strict-markers -m "not load"',
        "markers =",
        *(f"    {tag}: scenarios tagged @{tag}" for tag in tags),
    ]
    return "\n".join(lines) + "\n"


__all__ = ["Scaffold", "init_project"]
