"""Child rows as records of their own: stock per warehouse from an item's locations.

An ERP item may carry its stock per location as a child list while the CRM keeps one record
per product and location. A flow whose source says `explode: {path: <list field>, key:
<element field>}` sees one record per element:
the element's fields, the parent's fields under `parent`, and in the source key field the
composite key "<parent key>:<element key>", so crosswalk, quarantine and replay work per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sync.connectors.base import Record
from sync.mapping import MappingSpec, get_path

SEPARATOR = ":"


def explode(spec: MappingSpec, records: Sequence[Record]) -> list[Record]:
    """One record per sublist element (records without the sublist yield none)."""
    how = spec.source.explode
    if how is None:
        return list(records)
    out: list[Record] = []
    for record in records:
        if record.deleted:
            continue  # a deleted parent's rows are unknown; a full run's sweep finds them
        parent_key = str(record.fields.get(spec.source_key) or record.id)
        for element in _rows(get_path(record.fields, how.path)):
            child_key = get_path(element, how.key)
            if child_key in (None, ""):
                continue
            key = f"{parent_key}{SEPARATOR}{child_key}"
            fields: dict[str, Any] = {**element, "parent": record.fields, spec.source_key: key}
            out.append(Record(key, fields, record.modified_at))
    return out


def parent_of(source_id: str) -> str:
    """The parent record's key in an exploded record's composite key."""
    return source_id.rsplit(SEPARATOR, 1)[0]


def _rows(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, dict)]
