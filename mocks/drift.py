"""Drift injection: mutate stored records the way real systems drift after a sync.

Every mutation is logged to the mock's ground truth (`kind: "drift"`, the mutation under
`drift`), so a test can score the reconciler's findings against what really happened.

Vendor-neutral: it works on `MockContext.store` records through dotted field paths, the
plain paths a mapping names (`addressBook.0.addressBookAddress.city`: a list step is an
index). Deterministic by seed.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from mocks.context import MockContext
from mocks.store import StoredRecord

DriftKind = Literal[
    "edit_value",  # a person edits a text field in this system after the sync
    "source_edit",  # the same on the source system: the target has not followed yet (in flight)
    "truncate",  # a text field is cut short (touch=False: silently, at write time)
    "blank",  # a field is emptied
    "case_change",  # a field is upper- or lower-cased
    "delete",  # the record is deleted
    "orphan",  # a record appears that no source claims (unknown external id, or none)
    "duplicate",  # a second record carries an existing external id (a data-load accident)
]
DRIFT_KINDS: tuple[str, ...] = get_args(DriftKind)
_FIELD_KINDS = frozenset({"edit_value", "source_edit", "truncate", "blank", "case_change"})
_WORDS = ("North", "Global", "United", "Prime", "Summit", "Harbor", "Atlas", "Vertex", "Nova")


class DriftError(ValueError):
    """A drift request that cannot be met as asked; the message says what to change."""


@dataclass(frozen=True)
class DriftRequest:
    """What `POST /__harness/drift` asks for."""

    seed: int
    obj: str
    count: int
    kinds: dict[str, float]  # weights; counts are allotted in proportion, exactly
    paths: dict[str, list[str]] = field(default_factory=dict)  # per kind; default: any text
    touch: dict[str, bool] = field(default_factory=dict)  # per kind; only truncate may be False
    exclude: frozenset[str] = frozenset()  # record ids or external ids to leave alone
    external_id_field: str | None = None  # the field holding the other system's id

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> DriftRequest:
        known = {"seed", "object", "count", "kinds", "paths", "touch", "exclude", "external_id"}
        unknown = sorted(set(body) - known)
        if unknown:
            raise DriftError(f"unknown drift option(s) {unknown}; known: {sorted(known)}")
        kinds = {str(k): float(v) for k, v in dict(body.get("kinds") or {"edit_value": 1}).items()}
        bad = sorted(set(kinds) - set(DRIFT_KINDS))
        if bad or not kinds or any(w < 0 for w in kinds.values()) or sum(kinds.values()) <= 0:
            raise DriftError(
                f"kinds must map drift kinds to non-negative weights (some positive); "
                f"unknown {bad}; known: {list(DRIFT_KINDS)}"
            )
        paths = {str(k): [str(p) for p in v] for k, v in dict(body.get("paths") or {}).items()}
        touch_body = body.get("touch", {})
        if isinstance(touch_body, bool):
            touch = {kind: touch_body for kind in DRIFT_KINDS}
        else:
            touch = {str(k): bool(v) for k, v in dict(touch_body).items()}
        if any(not touch.get(kind, True) for kind in DRIFT_KINDS if kind != "truncate"):
            raise DriftError("only truncate can be silent (touch=False); edits always touch")
        count = int(body.get("count", 1))
        if count < 0:
            raise DriftError(f"count must be >= 0, got {count}")
        if "object" not in body:
            raise DriftError('name the object to drift: {"object": "<object>"}')
        external = body.get("external_id")
        if not external and any(kinds.get(k, 0) > 0 for k in ("duplicate", "orphan")):
            raise DriftError('duplicate and orphan drift copy the external id: name its field,'
                             ' {"external_id": "<field>"}')  # fmt: skip
        return cls(
            seed=int(body.get("seed", 0)),
            obj=str(body["object"]),
            count=count,
            kinds=kinds,
            paths=paths,
            touch=touch,
            exclude=frozenset(str(x) for x in body.get("exclude") or ()),
            external_id_field=str(external) if external else None,
        )


def inject_drift(ctx: MockContext, request: DriftRequest) -> list[dict[str, Any]]:
    """Apply `request` to `ctx.store`, log each mutation as ground truth, return the facts.

    Each injection lands on a distinct record, never one an earlier drift touched, so every
    difference a reconciler finds maps to exactly one fact.
    """
    rng = random.Random(request.seed)
    plan = _allot(request.kinds, request.count)
    rng.shuffle(plan)
    touched = {str(f.get("id")) for f in ctx.ground_truth if f.get("kind") == "drift"}
    touched |= {str(f.get("template_id")) for f in ctx.ground_truth if f.get("template_id")}
    ext_field = request.external_id_field
    pool = [
        rec
        for rec in ctx.store.records(request.obj)
        if rec.id not in touched
        and rec.id not in request.exclude
        and (ext_field is None or str(rec.fields.get(ext_field)) not in request.exclude)
    ]
    rng.shuffle(pool)
    facts: list[dict[str, Any]] = []
    for kind in plan:
        fact = _inject_one(ctx, request, kind, pool, rng)
        if fact is None:
            raise DriftError(
                f"no {request.obj} record left that {kind} can change "
                f"({len(facts)} of {request.count} injected); ask for fewer or other paths"
            )
        ctx.record_truth("drift", **fact)
        facts.append({"kind": "drift", "vendor": ctx.vendor, **fact})
    return facts


def _allot(weights: Mapping[str, float], count: int) -> list[str]:
    """Exactly `count` kinds in proportion to the weights (largest remainder)."""
    total = sum(weights.values())
    shares = {k: count * w / total for k, w in weights.items()}
    counts = {k: int(s) for k, s in shares.items()}
    rest = count - sum(counts.values())
    for kind in sorted(shares, key=lambda k: (counts[k] - shares[k], k))[:rest]:
        counts[kind] += 1
    return [kind for kind in weights for _ in range(counts[kind])]


def _inject_one(
    ctx: MockContext,
    request: DriftRequest,
    kind: str,
    pool: list[StoredRecord],
    rng: random.Random,
) -> dict[str, Any] | None:
    ext_field = request.external_id_field
    for index, rec in enumerate(pool):
        base = {
            "drift": kind,
            "object": request.obj,
            "id": rec.id,
            "external_id": rec.fields.get(ext_field) if ext_field else None,
        }
        if kind in _FIELD_KINDS:
            change = _field_change(kind, rec, request, rng)
            if change is None:
                continue
            path, before, after = change
            pool.pop(index)
            touch = request.touch.get(kind, True)
            top = path.split(".")[0]
            fields = copy.deepcopy(rec.fields)
            _set_path(fields, path, after)
            ctx.store.update(request.obj, rec.id, {top: fields.get(top)}, touch=touch)
            return {**base, "field": path, "before": before, "after": after, "touched": touch}
        if kind == "delete":
            pool.pop(index)
            ctx.store.delete(request.obj, rec.id)
            return {**base, "field": None, "before": None, "after": None}
        assert ext_field is not None  # checked when the request was parsed
        if kind == "duplicate" and rec.fields.get(ext_field) in (None, ""):
            continue
        pool.pop(index)
        new_id = _new_id(ctx, request.obj)
        fields = copy.deepcopy(rec.fields)
        if kind == "orphan":
            ext = f"ORPHAN-{request.seed}-{new_id}" if rng.random() < 0.5 else None
            fields[ext_field] = ext
        else:
            ext = rec.fields.get(ext_field)
        # Straight into the store: a bulk load bypasses the vendor's external-id uniqueness.
        ctx.store.insert(request.obj, new_id, fields)
        return {
            **base,
            "id": new_id,
            "external_id": ext,
            "template_id": rec.id,
            "field": None,
            "before": None,
            "after": None,
        }
    return None


def _field_change(
    kind: str, rec: StoredRecord, request: DriftRequest, rng: random.Random
) -> tuple[str, Any, Any] | None:
    """(path, before, after) for a field of `rec` this kind can visibly change, or None."""
    choices = list(request.paths.get(kind) or _text_paths(rec.fields, request.external_id_field))
    rng.shuffle(choices)
    for path in choices:
        before = _get_path(rec.fields, path)
        if not isinstance(before, str) or not before.strip():
            continue
        after = _mutate(kind, before, rng)
        if after is not None:
            return path, before, after
    return None


def _mutate(kind: str, text: str, rng: random.Random) -> str | None:
    if kind == "blank":
        return ""
    if kind == "truncate":
        kept = len(text.rstrip())
        if kept < 2:
            return None
        # Cut inside the text proper, so at least one visible character goes.
        return text[: rng.randint(max(1, kept // 2), kept - 1)]
    if kind == "case_change":
        options = [text.upper(), text.lower()]
        rng.shuffle(options)
        return next((changed for changed in options if changed != text), None)
    return _edited(text, rng)


def _edited(text: str, rng: random.Random) -> str:
    """A realistic edit: a word inserted anywhere, the end included (a person completing a
    name); it differs from the original whatever the case or spacing."""
    words = text.split()
    at = rng.randrange(len(words) + 1)
    return " ".join([*words[:at], rng.choice(_WORDS), *words[at:]])


def _text_paths(fields: Mapping[str, Any], external_id_field: str | None) -> list[str]:
    """Every non-empty string leaf, the identifiers excepted."""
    out: list[str] = []
    for path, value in _leaves(fields, ""):
        top = path.split(".")[0]
        if top.lower() == "id" or top == external_id_field:
            continue
        if isinstance(value, str) and value.strip():
            out.append(path)
    return out


def _leaves(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}{key}.")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{prefix}{i}.")
    else:
        yield prefix[:-1], value


def _resolve(fields: Any, path: str) -> tuple[Any, str | int] | None:
    """The (container, key) holding `path`'s value, or None when the path does not exist."""
    parts = [p for p in path.split(".") if p]
    node = fields
    for i, part in enumerate(parts):
        key: str | int
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return None
            key = int(part)
        elif isinstance(node, dict):
            if i < len(parts) - 1 and part not in node:
                return None
            key = part
        else:
            return None
        if i == len(parts) - 1:
            return node, key
        node = node[key]
    return None


def _get_path(fields: Mapping[str, Any], path: str) -> Any:
    found = _resolve(fields, path)
    if found is None:
        return None
    container, key = found
    if isinstance(container, dict):
        return container.get(key)
    return container[key]


def _set_path(fields: dict[str, Any], path: str, value: Any) -> None:
    found = _resolve(fields, path)
    if found is None:
        raise DriftError(f"field path {path!r} does not exist")
    container, key = found
    container[key] = value


def _new_id(ctx: MockContext, obj: str) -> str:
    """The next numeric id when the object's ids are numbers, else a recognisable one."""
    ids = [r.id for r in ctx.store.records(obj, include_deleted=True)]
    if ids and all(i.isdigit() for i in ids):
        return str(max(int(i) for i in ids) + 1)
    return f"drift{len(ids) + 1:06d}"
