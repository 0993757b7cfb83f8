"""Describe payloads (`sobjects`, `sobjects/X/`, `sobjects/X/describe`) built from the schema."""

from __future__ import annotations

from typing import Any

from mocks.salesforce.schema import NUMBER_TYPES, SOBJECTS, FieldDef, SObjectDef

MASTER_RECORD_TYPE_ID = "012000000000000AAA"


def describe_field(fd: FieldDef) -> dict[str, Any]:
    numeric = fd.type in NUMBER_TYPES
    return {
        "aggregatable": fd.filterable and fd.type != "textarea",
        "autoNumber": fd.auto_number is not None,
        "byteLength": fd.byte_length,
        "calculated": fd.calculated,
        "caseSensitive": fd.case_sensitive,
        "createable": fd.createable,
        "custom": fd.custom,
        "defaultValue": None,
        "defaultedOnCreate": fd.defaulted_on_create,
        "digits": fd.digits,
        "externalId": fd.external_id,
        "filterable": fd.filterable,
        "groupable": fd.filterable and fd.type not in ("textarea", "datetime") and not numeric,
        "idLookup": fd.id_lookup,
        "label": fd.label,
        "length": fd.length,
        "name": fd.name,
        "nameField": fd.name_field,
        "nillable": fd.nillable,
        "picklistValues": [
            {"active": True, "defaultValue": False, "label": v, "validFor": None, "value": v}
            for v in fd.picklist
        ],
        "precision": fd.precision,
        "referenceTo": list(fd.reference_to),
        "relationshipName": fd.relationship_name,
        "restrictedPicklist": fd.restricted_picklist,
        "scale": fd.scale,
        "soapType": fd.soap_type,
        "sortable": fd.sortable,
        "type": fd.type,
        "unique": fd.unique,
        "updateable": fd.updateable,
    }


def _urls(sobject: SObjectDef, version: str) -> dict[str, str]:
    base = f"/services/data/v{version}/sobjects/{sobject.name}"
    return {
        "rowTemplate": f"{base}/{{ID}}",
        "defaultValues": f"{base}/defaultValues?recordTypeId&fields",
        "describe": f"{base}/describe",
        "sobject": base,
    }


def sobject_summary(sobject: SObjectDef, version: str) -> dict[str, Any]:
    """The per-object entry of `GET sobjects` (also `objectDescribe` of `GET sobjects/X/`)."""
    return {
        "activateable": False,
        "createable": sobject.createable,
        "custom": sobject.custom,
        "customSetting": False,
        "deletable": sobject.deletable,
        "deprecatedAndHidden": False,
        "feedEnabled": False,
        "hasSubtypes": False,
        "isSubtype": False,
        "keyPrefix": sobject.key_prefix,
        "label": sobject.label,
        "labelPlural": sobject.label_plural,
        "layoutable": True,
        "mergeable": sobject.deletable,
        "mruEnabled": True,
        "name": sobject.name,
        "queryable": sobject.queryable,
        "replicateable": True,
        "retrieveable": True,
        "searchable": True,
        "triggerable": True,
        "undeletable": sobject.deletable,
        "updateable": sobject.updateable,
        "urls": _urls(sobject, version),
    }


def describe_sobject(sobject: SObjectDef, version: str) -> dict[str, Any]:
    base = f"/services/data/v{version}/sobjects/{sobject.name}"
    return {
        **sobject_summary(sobject, version),
        "childRelationships": [
            {
                "cascadeDelete": True,
                "childSObject": child,
                "deprecatedAndHidden": False,
                "field": field_name,
                "relationshipName": relationship,
                "restrictedDelete": False,
            }
            for relationship, child, field_name in sobject.children
        ],
        "fields": [describe_field(fd) for fd in sobject.fields],
        "recordTypeInfos": [
            {
                "active": True,
                "available": True,
                "defaultRecordTypeMapping": True,
                "developerName": "Master",
                "master": True,
                "name": "Master",
                "recordTypeId": MASTER_RECORD_TYPE_ID,
                "urls": {"layout": f"{base}/describe/layouts/{MASTER_RECORD_TYPE_ID}"},
            }
        ],
        "supportedScopes": [{"label": "All accounts", "name": "everything"}],
    }


def describe_global(version: str, max_batch_size: int) -> dict[str, Any]:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": max_batch_size,
        "sobjects": [sobject_summary(s, version) for s in SOBJECTS.values()],
    }
