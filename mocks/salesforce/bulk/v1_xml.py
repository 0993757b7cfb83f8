"""Bulk API 1.0 in XML: `jobInfo`, `batchInfo`, `batchInfoList`, `result-list` and `error`
documents in the async API namespace, for jobs created with an XML body (the classic form,
whose batches are CSV). JSON jobs keep JSON (see `routes.bulk1`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree import ElementTree

from mocks.salesforce.bulk.v1 import Bulk1Error

NAMESPACE = "http://www.force.com/2009/06/asyncapi/dataload"
_JOB_FIELDS = ("operation", "object", "contentType", "externalIdFieldName", "concurrencyMode")
# Element order of a jobInfo reply, as the async API's schema lists it.
_JOB_ORDER = (
    "id", "operation", "object", "createdById", "createdDate", "systemModstamp", "state",
    "externalIdFieldName", "concurrencyMode", "contentType", "numberBatchesQueued",
    "numberBatchesInProgress", "numberBatchesCompleted", "numberBatchesFailed",
    "numberBatchesTotal", "numberRecordsProcessed", "numberRetries", "apiVersion",
    "numberRecordsFailed", "totalProcessingTime", "apiActiveProcessingTime",
    "apexProcessingTime",
)  # fmt: skip
_BATCH_ORDER = (
    "id", "jobId", "state", "stateMessage", "createdDate", "systemModstamp",
    "numberRecordsProcessed", "numberRecordsFailed", "totalProcessingTime",
    "apiActiveProcessingTime", "apexProcessingTime",
)  # fmt: skip


def parse_job(body: bytes) -> dict[str, Any]:
    """A `jobInfo` request document as the JSON form's dict (only the fields a client sets)."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise Bulk1Error("InvalidJob", f"Unable to parse the jobInfo XML: {exc}") from exc
    if root.tag != f"{{{NAMESPACE}}}jobInfo":
        raise Bulk1Error("InvalidJob", f"Expected a jobInfo element in {NAMESPACE}")
    found = {child.tag.split("}", 1)[-1]: (child.text or "").strip() for child in root}
    unknown = sorted(set(found) - {*_JOB_FIELDS, "state"})
    if unknown:
        raise Bulk1Error("InvalidJob", f"Unexpected element in jobInfo: {unknown[0]}")
    return found


def _document(tag: str, values: Mapping[str, Any], order: Iterable[str]) -> ElementTree.Element:
    root = ElementTree.Element(tag, xmlns=NAMESPACE)
    for name in order:
        value = values.get(name)
        if value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        ElementTree.SubElement(root, name).text = text
    return root


def _text(root: ElementTree.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(root)


def job_document(info: Mapping[str, Any]) -> bytes:
    return _text(_document("jobInfo", info, _JOB_ORDER))


def batch_document(info: Mapping[str, Any]) -> bytes:
    return _text(_document("batchInfo", info, _BATCH_ORDER))


def batch_list_document(infos: Iterable[Mapping[str, Any]]) -> bytes:
    root = ElementTree.Element("batchInfoList", xmlns=NAMESPACE)
    for info in infos:
        batch = _document("batchInfo", info, _BATCH_ORDER)
        batch.attrib.clear()
        root.append(batch)
    return _text(root)


def result_list_document(result_ids: Iterable[str]) -> bytes:
    root = ElementTree.Element("result-list", xmlns=NAMESPACE)
    for result_id in result_ids:
        ElementTree.SubElement(root, "result").text = result_id
    return _text(root)


def error_document(code: str, message: str) -> bytes:
    return _text(_document("error", {"exceptionCode": code, "exceptionMessage": message},
                           ("exceptionCode", "exceptionMessage")))  # fmt: skip
