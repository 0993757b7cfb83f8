"""`$metadata`: the EDMX SAP Gateway serves, which pyodata loads under its strict policy.

Every navigation property resolves to an Association with two End roles and a referential
constraint, and every AssociationSet names entity sets of the container, so pyodata's
fatal error policy finds nothing to object to. `max_length` overrides (a field made longer
or shorter mid-run) and hidden limits (silent truncation) come from the caller."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import quoteattr

from mocks.sap.odata.model import EntityType, Nav, Prop, Service

MaxLength = Callable[[EntityType, Prop], int | None]


def _attr_name(key: str) -> str:
    """`sap__display_format` -> `sap:display-format`, `m__IsDefault..` -> `m:IsDefault..`."""
    prefix, _, name = key.rpartition("__")
    if not prefix:
        return key
    return f"{prefix}:{name.replace('_', '-') if prefix == 'sap' else name}"


def _attrs(**values: object) -> str:
    parts = [f" {_attr_name(k)}={quoteattr(str(v))}" for k, v in values.items() if v is not None]
    return "".join(parts)


def _prop(etype: EntityType, prop: Prop, max_length: MaxLength) -> str:
    extra: dict[str, object] = {}
    if prop.type == "Edm.String":
        extra["MaxLength"] = max_length(etype, prop)
    if prop.type == "Edm.Decimal":
        extra["Precision"], extra["Scale"] = prop.precision, prop.scale
    if prop.type in ("Edm.DateTime", "Edm.DateTimeOffset", "Edm.Time"):
        extra["Precision"] = 0 if prop.type != "Edm.DateTimeOffset" else 7
    attrs = _attrs(
        Name=prop.name,
        Type=prop.type,
        **extra,
        Nullable="false" if (prop.key or not prop.nullable) else None,
        sap__display_format="Date" if prop.date_only else None,
        sap__label=prop.label or prop.name,
        sap__creatable=None if prop.creatable else "false",
        sap__updatable=None if prop.updatable else "false",
    )
    return f"<Property{attrs}/>"


def association_name(etype: EntityType, nav: Nav) -> str:
    return f"assoc_{etype.set_name}_{nav.name}"


def _nav(service: Service, etype: EntityType, nav: Nav) -> str:
    assoc = association_name(etype, nav)
    attrs = _attrs(
        Name=nav.name,
        Relationship=f"{service.name}.{assoc}",
        FromRole="FromRole_" + assoc,
        ToRole="ToRole_" + assoc,
    )
    return f"<NavigationProperty{attrs}/>"


def _entity_type(service: Service, etype: EntityType, max_length: MaxLength) -> list[str]:
    lines = [f"<EntityType{_attrs(Name=etype.type_name, sap__content_version='1')}>", "<Key>"]
    lines += [f"<PropertyRef Name={quoteattr(k.name)}/>" for k in etype.keys]
    lines.append("</Key>")
    lines += [_prop(etype, p, max_length) for p in etype.props]
    lines += [_nav(service, etype, n) for n in etype.navs]
    lines.append("</EntityType>")
    return lines


def _association(service: Service, etype: EntityType, nav: Nav) -> list[str]:
    assoc = association_name(etype, nav)
    target = service.sets[nav.target]
    ns = service.name
    from_end = _attrs(Type=f"{ns}.{etype.type_name}", Multiplicity="1", Role="FromRole_" + assoc)
    to_end = _attrs(
        Type=f"{ns}.{target.type_name}",
        Multiplicity="*" if nav.many else "0..1",
        Role="ToRole_" + assoc,
    )
    lines = [
        f"<Association{_attrs(Name=assoc, sap__content_version='1')}>",
        f"<End{from_end}/>",
        f"<End{to_end}/>",
        "<ReferentialConstraint>",
        f"<Principal Role={quoteattr('FromRole_' + assoc)}>",
    ]
    lines += [f"<PropertyRef Name={quoteattr(p)}/>" for p, _ in nav.on]
    lines += ["</Principal>", f"<Dependent Role={quoteattr('ToRole_' + assoc)}>"]
    lines += [f"<PropertyRef Name={quoteattr(d)}/>" for _, d in nav.on]
    lines += ["</Dependent>", "</ReferentialConstraint>", "</Association>"]
    return lines


def _container(service: Service) -> list[str]:
    head = _attrs(
        Name=service.name + "_Entities",
        m__IsDefaultEntityContainer="true",
        sap__supported_formats="atom json xlsx",
    )
    lines = [f"<EntityContainer{head}>"]
    for etype in service.types:
        flags: dict[str, str | None] = {
            "sap__creatable": "false",
            "sap__updatable": "false",
            "sap__deletable": "false",
        }
        if not etype.read_only:
            flags = {
                "sap__creatable": None if etype.creatable else "false",
                "sap__updatable": None,
                "sap__deletable": None if etype.deletable else "false",
            }
        attrs = _attrs(
            Name=etype.set_name,
            EntityType=f"{service.name}.{etype.type_name}",
            **flags,
            sap__content_version="1",
        )
        lines.append(f"<EntitySet{attrs}/>")
    for etype in service.types:
        for nav in etype.navs:
            assoc = association_name(etype, nav)
            attrs = _attrs(
                Name=assoc + "_Set",
                Association=f"{service.name}.{assoc}",
                sap__creatable="false",
                sap__updatable="false",
                sap__deletable="false",
                sap__content_version="1",
            )
            lines += [
                f"<AssociationSet{attrs}>",
                f"<End{_attrs(EntitySet=etype.set_name, Role='FromRole_' + assoc)}/>",
                f"<End{_attrs(EntitySet=nav.target, Role='ToRole_' + assoc)}/>",
                "</AssociationSet>",
            ]
    lines.append("</EntityContainer>")
    return lines


def render_metadata(service: Service, max_length: MaxLength) -> bytes:
    """The service's EDMX document."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx"'
        ' xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"'
        ' xmlns:sap="http://www.sap.com/Protocols/SAPData">',
        '<edmx:DataServices m:DataServiceVersion="2.0">',
        f'<Schema Namespace="{service.name}" xml:lang="en" sap:schema-version="1"'
        ' xmlns="http://schemas.microsoft.com/ado/2008/09/edm">',
    ]
    for etype in service.types:
        lines += _entity_type(service, etype, max_length)
    for etype in service.types:
        for nav in etype.navs:
            lines += _association(service, etype, nav)
    lines += _container(service)
    lines += ["</Schema>", "</edmx:DataServices>", "</edmx:Edmx>"]
    return "\n".join(lines).encode()


def service_document(service: Service) -> dict[str, object]:
    """The JSON service document: the entity set names."""
    return {"d": {"EntitySets": [t.set_name for t in service.types]}}


__all__ = ["association_name", "render_metadata", "service_document"]
