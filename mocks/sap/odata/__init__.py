"""The OData v2 core every SAP service of the mock shares: the entity model, `$metadata`,
value formats, `$filter`, query options, key predicates and `$batch` multipart."""

from mocks.sap.odata.model import EntityType, Nav, Prop, Service

__all__ = ["EntityType", "Nav", "Prop", "Service"]
