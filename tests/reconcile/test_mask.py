"""--mask-pii: names, emails and phones never reach any report format."""

from __future__ import annotations

import html
from pathlib import Path

import orjson
import pytest

from reconcile.mask import is_pii_path, mask_report, mask_value
from reconcile.model import ReconcileReport
from reconcile.render import render_json, render_markdown, write_reports
from reconcile.render_html import render_html
from reconcile.render_junit import render_junit

from .conftest import HOSTILE

SECRETS = (HOSTILE, HOSTILE[:20], "jane.doe@example.com", "j.doe@example.com")


@pytest.mark.parametrize(
    ("path", "pii"),
    [
        ("companyName", True),
        ("email", True),
        ("phone", True),
        ("addressBook.0.addressee", True),
        ("Billing_Email__c", True),
        ("MobilePhone", True),
        ("url", False),
        ("addressBook.0.addressBookAddress.city", False),
        ("subsidiary", False),
    ],
)
def test_pii_fields_are_told_by_their_name(path: str, pii: bool) -> None:
    assert is_pii_path(path) is pii


def test_a_value_masks_the_same_way_every_time_and_keeps_little() -> None:
    masked = mask_value("Jane Doe")
    assert masked == mask_value("Jane Doe") != mask_value("Jane Dot")
    assert masked.startswith("J…[8]#") and "Doe" not in masked
    assert mask_value("Jane Doe", key=b"other") != masked
    assert mask_value(None) is None and mask_value(True) is True
    assert mask_value(4420) == mask_value("4420")


def test_masking_is_pure_and_keeps_scores(no_go_report: ReconcileReport) -> None:
    before = render_json(no_go_report)
    masked = mask_report(no_go_report)
    assert render_json(no_go_report) == before  # the given report is untouched
    assert masked.verdict == no_go_report.verdict
    assert [f.record_accuracy for f in masked.flows] == [
        f.record_accuracy for f in no_go_report.flows
    ]
    assert masked.meta["masked"] == "emails, names, phones"
    (diff_finding,) = [f for f in masked.flows[1].findings if f.kind == "different" and f.diffs]
    by_path = {d.path: d for d in diff_finding.diffs}
    assert by_path["companyName"].expected == mask_value(HOSTILE)
    assert by_path["companyName"].actual == mask_value(HOSTILE[:20])
    assert by_path["email"].expected != by_path["email"].actual  # still visibly different
    assert by_path["companyName"].cause.startswith("silently truncated")


def test_extra_fields_are_masked_too(no_go_report: ReconcileReport) -> None:
    masked = mask_report(no_go_report, extra_fields=["url"])
    assert masked.meta["masked"] == "emails, names, phones, url"


@pytest.mark.parametrize("fmt", ["json", "markdown", "html", "junit"])
def test_no_format_shows_a_masked_value(
    no_go_report: ReconcileReport, tmp_path: Path, fmt: str
) -> None:
    unmasked = {
        "json": lambda r: render_json(r).decode(),
        "markdown": render_markdown,
        "html": render_html,
        "junit": lambda r: render_junit(r).decode(),
    }[fmt]
    # the unmasked report does carry the values (escaped as each format escapes them) ...
    plain = orjson.loads(render_json(no_go_report))
    assert any(HOSTILE in e for f in plain["flows"] for e in f["explanations"])
    if fmt in ("markdown", "html"):
        assert "jane.doe@example.com" in unmasked(no_go_report)
    # ... and no file written from the masked one shows any of them, in any spelling
    paths = write_reports(mask_report(no_go_report), tmp_path)
    text = paths[fmt].read_text(encoding="utf-8")
    for secret in SECRETS:
        json_spelling = orjson.dumps(secret).decode()[1:-1]
        for spelling in (secret, json_spelling, html.escape(secret), html.escape(secret, False)):
            assert spelling not in text, (fmt, spelling)
    assert "jane" not in text.lower()
    if fmt in ("json", "markdown", "html"):
        assert mask_value("jane.doe@example.com") in text
