"""The seam every vendor goes through (DESIGN.md, "Vendor packs"): outside a vendor's own
folders, `fixtures/integrations/` and `tests/`, no module imports a pack's internals or names
its objects and fields.

The vocabulary of a vendor is what its packs name: the objects and field paths of its profile
and the objects its sandbox serves. A name counts when it is distinctive: capitalised
(`Account`, `BillingCountry`), camel-cased (`companyName`, `lastModifiedDate`,
`terms_refName`) or a custom name (`Billing_Email__c`). Lower-case words a vendor also uses as
field names (`email`, `status`, `updated_at`) are everyday words of code too and are not
counted. Docstrings, comments and prose (a string with spaces: a message, a help text) may
explain a vendor; code may not spell one: a string without spaces (a field name, a path, a
key, a URL) naming a vendor's object or field is an offence.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from mocks.registry import known_mocks, mock_pack
from sync.canonical import load_model
from sync.connectors import connector_pack, known_vendors

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("harness", "sync", "reconcile", "mocks")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DISTINCTIVE = re.compile(r"^[A-Z]|[a-z][A-Z]|__")


def _module_folder(target: str) -> Path:
    module = target.partition(":")[0]
    path = ROOT.joinpath(*module.split("."))
    return path if path.is_dir() else path.parent


@cache
def pack_folders() -> dict[str, tuple[Path, ...]]:
    """vendor -> the folders its packs live in (found through the registries)."""
    folders: dict[str, set[Path]] = {}
    for vendor in known_vendors():
        pack = connector_pack(vendor)
        if pack.profile_path is not None:
            folders.setdefault(vendor, set()).add(pack.profile_path.parent)
    for name in known_mocks():
        folders.setdefault(name, set()).add(_module_folder(mock_pack(name).app))
    return {v: tuple(sorted(f for f in fs if ROOT in f.parents)) for v, fs in folders.items()}


def _profile_names(vendor: str) -> set[str]:
    pack = connector_pack(vendor)
    if pack.profile_path is None:
        return set()
    names: set[str] = set()
    for entity in pack.profile.entities.values():
        names |= {entity.object, entity.key, entity.external_id, entity.modified or ""}
        names |= set(entity.scope) | set((entity.explode or {}).values())
        stack = list(entity.fields)
        while stack:
            entry = stack.pop()
            stack.extend(entry.each)
            names |= set(_TOKEN.findall(entry.field or ""))
    return names


@cache
def vocabulary() -> dict[str, str]:
    """Distinctive vendor names -> the vendor naming them (canonical words excluded)."""
    model = load_model()
    canonical = set(model.entities) | {f.name for e in model.entities.values() for f in e.fields}
    words: dict[str, str] = {}
    for vendor in sorted(set(known_vendors()) | set(known_mocks())):
        for name in _profile_names(vendor):
            if name and name not in canonical and _DISTINCTIVE.search(name):
                words.setdefault(name, vendor)
    return words


def _outside_packs() -> Iterator[Path]:
    inside = {f for folders in pack_folders().values() for f in folders}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not any(folder in path.parents for folder in inside):
                yield path


def _docstrings(tree: ast.AST) -> set[int]:
    """Docstrings, and the names in `__all__` (our own Python objects, not a vendor's)."""
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            ids.add(id(first.value))
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        if isinstance(node, ast.Assign | ast.AnnAssign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in targets
        ):
            ids |= {id(c) for c in ast.walk(node) if isinstance(c, ast.Constant)}
    return ids


def _internal_modules() -> dict[str, str]:
    """Dotted module prefix of every pack folder -> its vendor."""
    return {
        ".".join(folder.relative_to(ROOT).parts): vendor
        for vendor, folders in pack_folders().items()
        for folder in folders
    }


def test_the_registries_find_every_pack_in_its_own_folder() -> None:
    """Each pack of this repository lives in a folder named after its vendor (a pack
    installed as its own package lives outside it and is not this test's business)."""
    folders = pack_folders()
    assert {"salesforce", "netsuite", "toy"} <= {v for v, found in folders.items() if found}
    for vendor, found in folders.items():
        assert all(vendor in f.name or vendor in f.parts for f in found), (vendor, found)


@pytest.mark.parametrize("path", list(_outside_packs()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_outside_the_packs_imports_or_names_a_vendors_internals(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    internal = _internal_modules()
    words = vocabulary()
    docstrings = _docstrings(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        else:
            modules = []
        for module in modules:
            for prefix, vendor in internal.items():
                if module == prefix or module.startswith(prefix + "."):
                    found.append(f"line {node.lineno}: imports {module} ({vendor}'s pack)")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings or any(c.isspace() for c in node.value):
                continue
            for token in _TOKEN.findall(node.value):
                if token in words:
                    found.append(f"line {node.lineno}: names {token!r} ({words[token]})")
    assert not found, "\n".join(found)


def test_the_vocabulary_is_not_empty_and_leaves_canonical_words_out() -> None:
    words = vocabulary()
    assert {"Account", "companyName", "Billing_Email__c", "terms_refName"} <= set(words)
    assert not {"customer", "email", "name", "country"} & set(words)
