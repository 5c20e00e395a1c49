"""Finding records by what a person types or scans, with errors that say what to do."""

from __future__ import annotations

import peewee as pw

from .. import models as m
from .. import sqlcache
from ..codes import gtin14
from ..errors import NotFound

ASSET_FIELDS = list(m.Asset._meta.sorted_fields)
PRODUCT_FIELDS = list(m.Product._meta.sorted_fields)
LOCATION_FIELDS = list(m.Location._meta.sorted_fields)
PERSON_FIELDS = list(m.Person._meta.sorted_fields)


def _assets_by(field: pw.Field) -> pw.ModelSelect:
    """Assets with their product, location and holder, in one statement."""
    return (m.Asset.select(*ASSET_FIELDS, *PRODUCT_FIELDS, *LOCATION_FIELDS, *PERSON_FIELDS)
            .join(m.Product).switch(m.Asset)
            .join(m.Location, pw.JOIN.LEFT_OUTER).switch(m.Asset)
            .join(m.Person, pw.JOIN.LEFT_OUTER)
            .where(field == sqlcache.slot("code")))


def _hydrate_asset(row: tuple) -> m.Asset:
    parts, start = [], 0
    for fields in (ASSET_FIELDS, PRODUCT_FIELDS, LOCATION_FIELDS, PERSON_FIELDS):
        parts.append(row[start:start + len(fields)])
        start += len(fields)
    a = sqlcache.hydrate(m.Asset, ASSET_FIELDS, parts[0])
    a.__rel__["product"] = sqlcache.hydrate(m.Product, PRODUCT_FIELDS, parts[1])
    a.__rel__["location"] = (sqlcache.hydrate(m.Location, LOCATION_FIELDS, parts[2])
                             if a.location_id else None)
    a.__rel__["holder"] = (sqlcache.hydrate(m.Person, PERSON_FIELDS, parts[3])
                           if a.holder_id else None)
    return a


def _asset_rows(field: pw.Field, code: str) -> list[m.Asset]:
    key = f"asset_by_{field.name}"
    rows = sqlcache.execute(key, lambda: _assets_by(field), {"code": code}).fetchmany(2)
    return [_hydrate_asset(r) for r in rows]


def asset(tag_or_serial: str) -> m.Asset:
    """By tag, else by serial (when only one maker uses it)."""
    code = tag_or_serial.strip()
    found = next(iter(_asset_rows(m.Asset.tag, code)), None)
    if found is None:
        by_serial = _asset_rows(m.Asset.serial, code)
        if len(by_serial) == 1:
            found = by_serial[0]
        elif len(by_serial) > 1:
            raise NotFound(f"Serial '{code}' belongs to assets of several makers; "
                           "scan the asset tag instead.")
    if found is None:
        raise NotFound(f"No asset with tag or serial '{code}'. Check the label, or receive "
                       "the device first.")
    return found


def _person_by_id() -> pw.ModelSelect:
    return (m.Person.select(*PERSON_FIELDS, *LOCATION_FIELDS)
            .join(m.Location, pw.JOIN.LEFT_OUTER)
            .where(m.Person.employee_id == sqlcache.slot("code")))


def _person(code: str) -> m.Person | None:
    row = sqlcache.execute("person_by_employee_id", _person_by_id, {"code": code}).fetchone()
    if row is None:
        return None
    n = len(PERSON_FIELDS)
    p = sqlcache.hydrate(m.Person, PERSON_FIELDS, row[:n])
    p.__rel__["site"] = (sqlcache.hydrate(m.Location, LOCATION_FIELDS, row[n:])
                         if p.site_id else None)
    return p


def left_message(name: str, employee_id: str) -> str:
    """What every desk says when something is to be issued to someone who has left."""
    return f"{name} ({employee_id}) has left; items cannot be issued to them."


def person(employee_id: str, *, include_left: bool = False) -> m.Person:
    """The person with this employee id (or email). Someone who has left is refused unless
    `include_left` (a filter on who holds what, not an issue)."""
    code = employee_id.strip()
    found = _person(code)
    if found is None:
        found = m.Person.get_or_none(pw.fn.LOWER(m.Person.email) == code.lower())
    if found is None:
        raise NotFound(f"No person with employee id '{code}'. Scan their badge again, or add "
                       "them under People.")
    if not found.active and not include_left:
        raise NotFound(left_message(found.name, found.employee_id))
    return found


def location(code_or_name: str) -> m.Location:
    code = code_or_name.strip()
    found = m.Location.get_or_none(m.Location.code == code)
    if found is None:
        matches = list(m.Location.select().where(
            pw.fn.LOWER(m.Location.name) == code.lower()).limit(2))
        if len(matches) == 1:
            found = matches[0]
    if found is None:
        raise NotFound(f"No location '{code}'. Scan the location label, or pick one from "
                       "Locations.")
    return found


def product(code: str) -> m.Product:
    """By GTIN, part number, or exact name."""
    text = code.strip()
    found = None
    if text.isdigit() and len(text) in (8, 12, 13, 14):
        found = m.Product.get_or_none(m.Product.gtin == gtin14(text))
    if found is None:
        for field in (m.Product.part_number, m.Product.name):
            matches = list(m.Product.select().where(field == text).limit(2))
            if len(matches) == 1:
                found = matches[0]
                break
    if found is None:
        raise NotFound(f"No product with GTIN, part number or name '{text}'. Add it to the "
                       "catalogue first.")
    return found


def in_transit_location() -> m.Location:
    loc, _ = m.Location.get_or_create(code="IN-TRANSIT",
                                      defaults={"name": "In transit", "kind": "in_transit"})
    return loc


def first_of_kind(kind: str) -> m.Location | None:
    return m.Location.select().where(m.Location.kind == kind).order_by(m.Location.id).first()
