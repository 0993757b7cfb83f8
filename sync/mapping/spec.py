"""The typed, frozen form of a mapping spec, as the loader hands it to the engine and reconciler."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

from sync.governance import Governance
from sync.mapping.registry import transform_info
from sync.mapping.segment import PhaseSegment

OnOverflow = Literal["reject", "truncate"]
OnInvalid = Literal["quarantine", "null"]
RuleKind = Literal["source", "sources", "constant", "key", "each"]
RefVia = Literal["source", "target"]
# How a business-key value is normalized before comparison (reconcile.match applies them).
KeyNormalizer = Literal["text", "email", "domain", "name"]
KEY_NORMALIZERS: tuple[str, ...] = ("text", "email", "domain", "name")


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Explode:
    """Each element of the sublist at `path` becomes one source record, keyed by the parent's
    key and the element's `key` path ("<parent>:<element>"); the parent's fields stay
    reachable as `parent.<field>`."""

    path: str
    key: str


@dataclass(frozen=True)
class EndpointRef:
    """One side of a flow. The source names its `key` (the record id), `modified_field` (the
    incremental cursor) and optionally `explode`; the target names its `external_id` field,
    and `update_only` when the flow may only update records that already exist there."""

    system: str
    object: str
    key: str | None = None
    modified_field: str | None = None
    external_id: str | None = None
    update_only: bool = False
    explode: Explode | None = None
    # Target records this flow answers for, by field value (e.g. one price book and one
    # currency of all PricebookEntries): the reconciler ignores the rest.
    scope: Mapping[str, Any] = field(default_factory=_empty)


@dataclass(frozen=True)
class TransformStep:
    """One parsed transform of a rule: its registered name and its (checked) params."""

    name: str
    params: Mapping[str, Any] = field(default_factory=_empty)

    @property
    def reads(self) -> tuple[str, ...]:
        """Source fields this step reads through its params (`phone_e164`'s `region_from`)."""
        info = transform_info(self.name)
        if info is None:
            return ()
        return tuple(str(self.params[p]) for p in info.field_params if self.params.get(p))


DeletePolicy = Literal["ignore", "propagate", "flag"]


@dataclass(frozen=True)
class Deletes:
    """What a source delete does to the target record: `ignore`, `propagate` (delete it), or
    `flag` (set `field` to `value`, e.g. `isInactive: true`)."""

    policy: DeletePolicy = "ignore"
    field: str | None = None
    value: Any = True


@dataclass(frozen=True)
class Reference:
    """A value that is another flow's record id, to be swapped for its id on the other side.

    `via: source` (default): the value is a source id of `flow` (e.g. an order's AccountId,
    synced by the customers flow) and becomes that record's target id. `via: target`: the value
    is a target id of `flow` (a flow running the other way) and becomes its source id.
    """

    flow: str
    via: RefVia = "source"


@dataclass(frozen=True)
class FieldRule:
    """How one target path gets its value.

    `kind` says where the value comes from: `source` (one field, `sources[0]`), `sources`
    (several fields; the first transform receives a list), `constant` (`constant`), `key`
    (the rule the spec adds itself: target external id <- source key), or `each` (a child
    collection: `sources[0]` is a list, each element mapped by the rules in `each`, with
    paths relative to the element, into the list at `target`).
    `reference` swaps the value for the id another flow gave the record (`Reference`).
    `compare` holds the reconciler's hints (`ignore_case`, `ignore_whitespace`,
    `abs_tolerance`, `rel_tolerance`, and one way to read the value: `phone` (E.164, optionally
    `{default_region: US}`), `country` (ISO-2), `datetime` (instants), `date` (calendar days))
    as a read-only mapping.
    """

    target: str
    kind: RuleKind = "source"
    sources: tuple[str, ...] = ()
    constant: Any = None
    transforms: tuple[TransformStep, ...] = ()
    required: bool = False
    max_length: int | None = None
    on_overflow: OnOverflow = "reject"
    on_invalid: OnInvalid = "quarantine"
    compare: Mapping[str, Any] = field(default_factory=_empty)
    note: str = ""
    line: int | None = field(default=None, compare=False)  # where the rule starts in its file
    reference: Reference | None = None
    each: tuple[FieldRule, ...] = ()
    key: str | None = None  # `each`: the element path that identifies a child (line number)
    canonical: str | None = None  # the canonical field carried (a compiled mapping says)

    @property
    def reads(self) -> tuple[str, ...]:
        """Every source field this rule reads: its sources, then fields named by params
        (for `each`, only the collection: the element rules read inside it)."""
        extra = tuple(f for step in self.transforms for f in step.reads)
        return tuple(dict.fromkeys(self.sources + extra))

    @property
    def references(self) -> tuple[Reference, ...]:
        """This rule's reference and its element rules' ones."""
        own = (self.reference,) if self.reference else ()
        return own + tuple(r for rule in self.each for r in rule.references)


@dataclass(frozen=True)
class FuzzyMatch:
    """The last step of the reconciler's matching cascade: token similarity of `name` (0-100,
    at least `threshold`) between records sharing the normalized value of a `block` path."""

    name: str
    block: tuple[str, ...]
    threshold: float = 90.0


@dataclass(frozen=True)
class MatchSpec:
    """How the reconciler pairs records the ids do not tie: business `keys` (each a mapping
    of target path -> normalizer, all parts equal), then `fuzzy`. Empty: ids only."""

    keys: tuple[Mapping[str, KeyNormalizer], ...] = ()
    fuzzy: FuzzyMatch | None = None


@dataclass(frozen=True)
class MappingSpec:
    """A loaded mapping: source and target endpoints and one rule per mapped target path.

    The target's external-id field is always filled from the source key; that rule is not
    in `fields` (which holds the rules as written) but `rule_for` and `target_paths` include
    it. Build one with `load_mapping` or `parse_mapping`, which check it whole.
    """

    name: str
    source: EndpointRef
    target: EndpointRef
    fields: tuple[FieldRule, ...]
    description: str = ""
    version: int = 1
    file: str | None = field(default=None, compare=False)
    match: MatchSpec = field(default_factory=MatchSpec)
    governance: Governance = field(default_factory=Governance)
    deletes: Deletes = field(default_factory=Deletes)
    entity: str | None = None  # the canonical entity carried (a compiled mapping says)
    # The source records a rollout phase lets this flow move (None: every record); set by the
    # harness from harness.yaml's `rollout:`, never written in a mapping file.
    segment: PhaseSegment | None = field(default=None, compare=False)
    # The compiled form `apply_mapping` builds once and reuses (see sync.mapping.apply).
    _plan: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.source.key:
            raise ValueError("the source endpoint needs a key field")
        if not self.target.external_id:
            raise ValueError("the target endpoint needs an external_id field")

    @property
    def source_key(self) -> str:
        """The source field holding each record's id (checked present at construction)."""
        return str(self.source.key)

    @property
    def external_id_field(self) -> str:
        """The target field that carries the source key (checked present at construction)."""
        return str(self.target.external_id)

    @cached_property
    def key_rule(self) -> FieldRule:
        """The implicit rule: target external id <- source key, as text, required."""
        return FieldRule(
            target=str(self.target.external_id),
            kind="key",
            sources=(str(self.source.key),),
            transforms=(TransformStep("to_string"),),
            required=True,
        )

    @cached_property
    def source_fields(self) -> tuple[str, ...]:
        """Every source field the mapping reads, key and modified field first, deduplicated,
        in spec order: what a connector must select."""
        names = [self.source.key, self.source.modified_field]
        reads = [name for rule in self.fields for name in rule.reads]
        if self.source.explode is None:
            names += reads
        else:  # element fields live in the sublist; `parent.X` reads the record's own X
            names.append(self.source.explode.path.split(".")[0])
            names += [n.removeprefix("parent.") for n in reads if n.startswith("parent.")]
        return tuple(dict.fromkeys(n for n in names if n))

    @cached_property
    def target_paths(self) -> tuple[str, ...]:
        """Every mapped target leaf path, external id first, in spec order."""
        return (self.key_rule.target, *(rule.target for rule in self.fields))

    @cached_property
    def _rules_by_target(self) -> dict[str, FieldRule]:
        rules = {rule.target: rule for rule in self.fields}
        rules[self.key_rule.target] = self.key_rule
        return rules

    @cached_property
    def references(self) -> tuple[Reference, ...]:
        """Every reference the mapping resolves, each once: the flows it depends on."""
        return tuple(dict.fromkeys(r for rule in self.fields for r in rule.references))

    def canonical_rule(self, name: str) -> FieldRule | None:
        """The first rule carrying canonical field `name` (compiled mappings tag their rules),
        or None when no rule says it carries it."""
        return next((rule for rule in self.fields if rule.canonical == name), None)

    def rule_for(self, target_path: str) -> FieldRule | None:
        """The rule that fills `target_path` (the implicit key rule for the external id),
        or None when the mapping does not map it."""
        return self._rules_by_target.get(target_path)
