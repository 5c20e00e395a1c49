"""What a scanned code is: an asset, a product, a person, a location, an order, a shipment.

`scanners` parses what a device sent (GS1 fields, URLs, commands); this module looks the
resulting code up in the data. Lookups are exact: an unknown code is reported as unknown,
never matched to something close.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from .. import models as m
from ..db import Handle, unwrap
from . import find
from .assets import why_not_available
from .find import as_gtin, gtin_forms, product_by_gtin  # noqa: F401 - re-exported

KINDS = ("asset", "product", "person", "location", "order", "shipment", "kit", "unknown")
SEP = " · "


@dataclass(frozen=True)
class Resolution:
    """A scanned code and what it turned out to be.

    ``label`` is the line to show in big text; ``ref`` the key to hand to a service
    (asset tag, 14-digit GTIN or part number, employee id, location code, order or
    shipment number). Details are filled where they apply.
    """

    kind: str
    code: str
    label: str
    ref: str = ""
    status: str | None = None  # asset / order / shipment status
    holder: str | None = None  # who holds the asset
    location: str | None = None  # where the asset is, or the order's ship-to
    location_code: str | None = None  # the code of that location
    product: str | None = None  # product name (asset or product)
    product_kind: str | None = None  # device / spare / consumable / license
    serial: str | None = None  # asset serial, or a GS1 serial not yet known as an asset
    gtin: str | None = None  # 14 digits
    on_hand: int | None = None  # quantity products: in stock at stockrooms and sites
    unavailable: str | None = None  # assets: why it cannot be checked out now
    reason: str = ""  # unknown: what was tried and what to do

    @property
    def known(self) -> bool:
        return self.kind != "unknown"


def _status_text(status: str) -> str:
    return status.replace("_", " ")


def asset_resolution(a: m.Asset, code: str) -> Resolution:
    product = a.product
    holder = a.holder.name if a.holder_id else None
    where = a.location.name if a.location_id else None
    state = _status_text(a.status)
    if holder:
        state += f" to {holder}" if a.status == "deployed" else f", held by {holder}"
    elif where:
        state += f" at {where}"
    return Resolution(
        kind="asset", code=code, label=SEP.join((a.tag, product.name, state)), ref=a.tag,
        status=a.status, holder=holder, location=where,
        location_code=a.location.code if a.location_id else None, product=product.name,
        product_kind=product.kind, serial=a.serial,
        gtin=product.gtin.zfill(14) if product.gtin else None,
        unavailable=None if a.status == "in_stock" else why_not_available(a),
    )


def quantity_on_hand(product_id: int) -> int:
    sl = m.StockLevel
    return (sl.select(pw.fn.SUM(sl.quantity)).join(m.Location)
            .where((sl.product == product_id)
                   & m.Location.kind.in_(("site", "stockroom"))).scalar()) or 0


def product_resolution(p: m.Product, code: str, serial: str | None = None) -> Resolution:
    parts = [p.name]
    on_hand = None
    if p.kind in m.QUANTITY_KINDS:
        on_hand = quantity_on_hand(p.id)
        parts.append(f"{on_hand} in stock")
    elif p.kind == "device":
        parts.append(f"serial {serial}" if serial else "device: scan its asset tag or serial")
    else:
        parts.append(p.kind)
    gtin = p.gtin.zfill(14) if p.gtin else None
    return Resolution(
        kind="product", code=code, label=SEP.join(parts),
        ref=p.gtin or p.part_number or p.name,  # as stored: what the services look up
        product=p.name, product_kind=p.kind, gtin=gtin, serial=serial, on_hand=on_hand,
    )


def _person(code: str) -> Resolution | None:
    p = m.Person.get_or_none(m.Person.employee_id == code)
    if p is None:
        return None
    parts = [p.name, p.employee_id]
    if p.department:
        parts.append(p.department)
    if not p.active:
        parts.append("has left")
    return Resolution(kind="person", code=code, label=SEP.join(parts), ref=p.employee_id,
                      status="active" if p.active else "left")


def _location(code: str) -> Resolution | None:
    loc = m.Location.get_or_none(m.Location.code == code)
    if loc is None:
        return None
    kind = {"3pl": "3PL", "msp": "MSP", "in_transit": "in transit"}.get(loc.kind, loc.kind)
    return Resolution(kind="location", code=code, label=SEP.join((loc.name, loc.code, kind)),
                      ref=loc.code, location=loc.name, location_code=loc.code,
                      status=loc.kind)


def _order(code: str) -> Resolution | None:
    po = m.PurchaseOrder.get_or_none(m.PurchaseOrder.number == code)
    if po is None:
        return None
    return Resolution(
        kind="order", code=code,
        label=SEP.join((po.number, po.supplier.name, _status_text(po.status))),
        ref=po.number, status=po.status, location=po.ship_to.name,
        location_code=po.ship_to.code,
    )


def _shipment(code: str) -> Resolution | None:
    s = m.Shipment.get_or_none(m.Shipment.number == code)
    if s is None:
        return None
    return Resolution(
        kind="shipment", code=code,
        label=SEP.join((s.number, f"{s.source.name} → {s.destination.name}",
                        _status_text(s.status))),
        ref=s.number, status=s.status, location=s.destination.name,
        location_code=s.destination.code,
    )


def _kit(code: str) -> Resolution | None:
    """A kit's label (a catalogue item's code): the scan station issues that kit."""
    it = m.CatalogItem.get_or_none((pw.fn.UPPER(m.CatalogItem.code) == code.upper())
                                   & m.CatalogItem.active)
    if it is None:
        return None
    return Resolution(kind="kit", code=code, label=SEP.join((it.code, it.name, it.kind)),
                      ref=it.code, product=it.name, product_kind=it.kind)


def _unknown(code: str, reason: str) -> Resolution:
    shown = code if len(code) <= 40 else code[:37] + "…"
    return Resolution(kind="unknown", code=code, label=f"Unknown code {shown}", reason=reason)


def resolve(db: Handle, code: str, *, gtin: str | None = None,
            serial: str | None = None) -> Resolution:
    """What `code` is in this database.

    Args:
        code: the scanned text once parsed (asset tag, serial, GTIN, badge...).
        gtin: the GTIN of a GS1 label, when the scan carried one.
        serial: the GS1 serial (AI 21) that came with `gtin`.
    """
    text = (code or "").strip()
    with unwrap(db).atomic():
        match = find.item(text, gtin=gtin, serial=serial)
        if gtin:
            if match.asset is not None:
                return asset_resolution(match.asset, text or gtin)
            if match.product is not None:
                return product_resolution(match.product, text or gtin,
                                          serial=serial.strip() if serial else None)
            return _unknown(text or gtin, match.reason)
        if not text:
            return _unknown(text, match.reason)
        if match.by == "tag":
            return asset_resolution(match.asset, text)
        # Labels of places, badges, orders and shipments come before product codes.
        for lookup in (_location, _person, _order, _shipment, _kit):
            found = lookup(text)
            if found is not None:
                return found
        if match.asset is not None:
            return asset_resolution(match.asset, text)
        if match.product is not None:
            return product_resolution(match.product, text)
        if match.reason.startswith("No asset tag"):
            return _unknown(text, "Not an asset tag, serial, GTIN, part number, badge, "
                                  "location, order or shipment here. Check the label, or add "
                                  "the item first.")
        return _unknown(text, match.reason)


def search_people(text: str, limit: int = 20) -> list[tuple[str, str, str]]:
    """Active people whose name, employee id or email starts with `text`:
    (employee id, name, department), for a person picker."""
    t = text.strip().replace("%", "").replace("_", "")
    if not t:
        return []
    p = m.Person
    like = t + "%"  # `**` is a case-insensitive LIKE on both backends
    q = (p.select(p.employee_id, p.name, p.department)
         .where(p.active & ((p.name ** like) | (p.employee_id ** like) | (p.email ** like)
                            | (p.name ** ("% " + like))))
         .order_by(p.name).limit(limit))
    return list(q.tuples())
