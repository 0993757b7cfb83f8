"""Mask personal data in a report before any renderer sees it (`harness reconcile --mask-pii`).

A value in a field whose name says it holds a name, an email or a phone is replaced by its
first character, its length and a short keyed hash: "Jane Doe" -> "J…[8]#3f9a1c". The same
value masks the same way throughout a report (and across reports made with the same key), so
a reviewer can still tell equal values from different ones, and a truncation from a typo,
without reading them. This is pseudonymisation for sharing a report, not encryption.

Free text (finding details, causes, deepdiff explanations) can quote those values; every
occurrence of a masked value in it is replaced too. The function is pure: it returns a new
report and leaves the given one alone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from reconcile.model import FieldDiff, Finding, FlowScore, ReconcileReport

# The last segment of a field path (`companyName`, `addressBook.0.addressee`, `Email`).
PII_FIELD = re.compile(r"(name|e-?mail|phone|mobile|fax|addressee|attention)", re.IGNORECASE)
DEFAULT_KEY = b"crm-erp-harness/mask-pii/v1"
Scrub = Callable[[str], str]
_MIN_QUOTED = 3  # shorter values are not searched for in free text: they would hit anything


def is_pii_path(path: str, extra: Iterable[str] = ()) -> bool:
    """Whether a field path holds a name, an email or a phone (or is listed in `extra`)."""
    return path in set(extra) or bool(PII_FIELD.search(path.rsplit(".", 1)[-1]))


def mask_value(value: Any, key: bytes = DEFAULT_KEY) -> Any:
    """`value` masked: None and booleans stay (absence is not personal), anything else
    becomes first character + length + a 6-hex keyed hash of its text."""
    if value is None or isinstance(value, bool):
        return value
    text = value if isinstance(value, str) else str(value)
    if not text:
        return text
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:6]
    return f"{text[0]}…[{len(text)}]#{digest}"


def mask_report(
    report: ReconcileReport, *, extra_fields: Iterable[str] = (), key: bytes = DEFAULT_KEY
) -> ReconcileReport:
    """A copy of `report` with names, emails and phones masked in every finding and text."""
    extra = tuple(extra_fields)
    originals: dict[str, str] = {}
    for flow in report.flows:
        for finding in flow.findings:
            for diff in finding.diffs:
                if is_pii_path(diff.path, extra):
                    for value in (diff.expected, diff.actual):
                        if value is not None and not isinstance(value, bool) and str(value):
                            originals[str(value)] = mask_value(value, key)
    scrub = _scrubber(originals)
    flows = tuple(_mask_flow(flow, extra, key, scrub) for flow in report.flows)
    fields = sorted({"names", "emails", "phones", *extra})
    meta = {**report.meta, "masked": ", ".join(fields)}
    return replace(report, flows=flows, meta=meta)


def _scrubber(originals: dict[str, str]) -> Scrub:
    quoted = sorted((v for v in originals if len(v) >= _MIN_QUOTED), key=len, reverse=True)
    if not quoted:
        return str
    pattern = re.compile("|".join(re.escape(v) for v in quoted))

    def scrub(text: str) -> str:
        return pattern.sub(lambda m: originals[m.group(0)], text)

    return scrub


def _mask_flow(flow: FlowScore, extra: tuple[str, ...], key: bytes, scrub: Scrub) -> FlowScore:
    return replace(
        flow,
        findings=tuple(_mask_finding(f, extra, key, scrub) for f in flow.findings),
        explanations=tuple(scrub(text) for text in flow.explanations),
        root_causes={scrub(cause): n for cause, n in flow.root_causes.items()},
    )


def _mask_finding(finding: Finding, extra: tuple[str, ...], key: bytes, scrub: Scrub) -> Finding:
    diffs = tuple(
        FieldDiff(d.path, mask_value(d.expected, key), mask_value(d.actual, key), scrub(d.cause))
        if is_pii_path(d.path, extra)
        else replace(d, cause=scrub(d.cause))
        for d in finding.diffs
    )
    return replace(
        finding,
        root_cause=scrub(finding.root_cause),
        detail=scrub(finding.detail),
        diffs=diffs,
    )
