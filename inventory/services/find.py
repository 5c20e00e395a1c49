"""Finding records by what a person types or scans, with errors that say what to do."""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from .. import models as m
from .. import sqlcache
from ..codes import gtin14, gtin_valid
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
                           "scan the asset tag instead.", field="asset")
    if found is None:
        raise NotFound(f"No asset with tag or serial '{code}'. Check the label, or receive "
                       "the device first.", field="asset")
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


SUPPLIER_HOW = ("Import it first (File ▸ Import…, as suppliers; or main.py import FILE "
                "--kind suppliers).")


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
                       "them under People.", field="person")
    if not found.active and not include_left:
        raise NotFound(left_message(found.name, found.employee_id), field="person")
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
                       "Locations.", field="location")
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
                       "catalogue first.", field="product")
    return found


def in_transit_location() -> m.Location:
    loc, _ = m.Location.get_or_create(code="IN-TRANSIT",
                                      defaults={"name": "In transit", "kind": "in_transit"})
    return loc


def first_of_kind(kind: str) -> m.Location | None:
    return m.Location.select().where(m.Location.kind == kind).order_by(m.Location.id).first()


@dataclass(frozen=True)
class ItemMatch:
    """What an item code is: an asset, a product, or nothing and why (`reason`).

    `by` says which rule matched: "gs1", "tag", "gtin", "part_number" or "serial".
    """

    asset: m.Asset | None = None
    product: m.Product | None = None
    by: str = ""
    reason: str = ""

    @property
    def found(self) -> bool:
        return self.asset is not None or self.product is not None


def product_by_gtin(gtin: str) -> m.Product | None:
    """The product with this GTIN, however the catalogue stores it (8 to 14 digits)."""
    return m.Product.select().where(m.Product.gtin.in_(gtin_forms(gtin))).first()


def gtin_forms(gtin: str) -> list[str]:
    """Every way a catalogue may store this GTIN (8, 12, 13 or 14 digits)."""
    g14 = gtin.strip().zfill(14)
    forms = [g14]
    for n in (13, 12, 8):
        if g14[: 14 - n].strip("0") == "":
            forms.append(g14[14 - n:])
    return forms


def as_gtin(code: str) -> str | None:
    """`code` as a 14-digit GTIN when it is one (valid check digit), else None."""
    text = code.strip()
    return text.zfill(14) if gtin_valid(text) else None


def item(code: str, *, gtin: str | None = None, serial: str | None = None) -> ItemMatch:
    """The one lookup of an item code: a GS1 label (GTIN + serial), else asset tag, then
    GTIN, then part number, then serial. Exact matches only; an ambiguous code is refused
    with the reason, never guessed."""
    if gtin:
        g14 = gtin.strip().zfill(14)
        p = product_by_gtin(g14)
        if p is None:
            return ItemMatch(reason=f"No product has GTIN {g14}. Add it to the catalogue "
                                    "(with this GTIN) first.")
        if serial:
            a = m.Asset.get_or_none((m.Asset.serial == serial.strip())
                                    & (m.Asset.product == p.id))
            return ItemMatch(a, p, "gs1", "" if a else f"No {p.name} with serial {serial}.")
        return ItemMatch(None, p, "gs1")
    text = (code or "").strip()
    if not text:
        return ItemMatch(reason="The scan was empty. Scan the label again.")
    a = m.Asset.get_or_none(m.Asset.tag == text)
    if a is not None:
        return ItemMatch(a, None, "tag")
    code14 = as_gtin(text)
    if code14 is not None:
        p = product_by_gtin(code14)
        if p is not None:
            return ItemMatch(None, p, "gtin")
    by_part = list(m.Product.select().where(m.Product.part_number == text).limit(2))
    if len(by_part) == 1:
        return ItemMatch(None, by_part[0], "part_number")
    by_serial = list(m.Asset.select().where(m.Asset.serial == text).limit(2))
    if len(by_serial) == 1:
        return ItemMatch(by_serial[0], None, "serial")
    if len(by_serial) > 1:
        return ItemMatch(reason=f"Serial {text} belongs to devices of several makers. Scan "
                                "the asset tag instead.")
    if len(by_part) > 1:
        return ItemMatch(reason=f"Part number {text} is used by several products. Scan the "
                                "GTIN (EAN/UPC) instead.")
    if code14 is not None:
        return ItemMatch(reason=f"No product has GTIN {code14}. Add it to the catalogue first, "
                                "or scan the asset tag.")
    return ItemMatch(reason=f"No asset tag, serial, GTIN or part number '{text}'.")
