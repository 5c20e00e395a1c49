"""Finding records by what a person types or scans, with errors that say what to do."""

from __future__ import annotations

import peewee as pw

from .. import models as m
from ..errors import NotFound


def _assets() -> pw.ModelSelect:
    """Assets with their product, location and holder loaded in the same query."""
    return (m.Asset.select(m.Asset, m.Product, m.Location, m.Person)
            .join(m.Product).switch(m.Asset)
            .join(m.Location, pw.JOIN.LEFT_OUTER).switch(m.Asset)
            .join(m.Person, pw.JOIN.LEFT_OUTER))


def asset(tag_or_serial: str) -> m.Asset:
    code = tag_or_serial.strip()
    found = _assets().where(m.Asset.tag == code).first()
    if found is None:
        by_serial = list(_assets().where(m.Asset.serial == code).limit(2))
        if len(by_serial) == 1:
            found = by_serial[0]
        elif len(by_serial) > 1:
            raise NotFound(f"Serial '{code}' belongs to assets of several makers; "
                           "scan the asset tag instead.")
    if found is None:
        raise NotFound(f"No asset with tag or serial '{code}'. Check the label, or receive "
                       "the device first.")
    return found


def person(employee_id: str) -> m.Person:
    code = employee_id.strip()
    with_site = (m.Person.select(m.Person, m.Location)
                 .join(m.Location, pw.JOIN.LEFT_OUTER))
    found = with_site.where(m.Person.employee_id == code).first()
    if found is None:
        found = m.Person.get_or_none(pw.fn.LOWER(m.Person.email) == code.lower())
    if found is None:
        raise NotFound(f"No person with employee id '{code}'. Scan their badge again, or add "
                       "them under People.")
    if not found.active:
        raise NotFound(f"{found.name} ({code}) has left; items cannot be issued to them.")
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
    found = m.Product.get_or_none(m.Product.gtin == text)
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
