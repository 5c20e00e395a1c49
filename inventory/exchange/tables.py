"""The tables a person can export (and print labels from), with their filters.

Each table is a header row and rows of plain values, streamed from the database.
Column headers of assets, stock, people, locations, suppliers and licenses are the
generic import template's, so an export imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import peewee as pw

from .. import models as m
from ..errors import ValidationError
from ..services import find


@dataclass
class Filters:
    status: str | None = None  # asset / order status
    location: str | None = None  # code or name; includes the places under it
    since: date | None = None
    until: date | None = None
    kind: str | None = None  # product, location or movement kind
    search: str | None = None  # text anywhere in the main columns
    person: str | None = None  # employee id
    product: str | None = None  # GTIN, part number or name


@dataclass
class TableData:
    name: str
    headers: list[str]
    rows: Iterator[tuple]


def _under(location: str) -> list[int]:
    """The location and every location below it in the tree."""
    root = find.location(location)
    ids, frontier = [root.id], [root.id]
    while frontier:
        frontier = [i for (i,) in m.Location.select(m.Location.id)
                    .where(m.Location.parent.in_(frontier)).tuples()]
        ids += frontier
    return ids


def _like(*fields) -> Callable[[str], pw.Expression]:
    """Case-insensitive 'contains' over several columns (ILIKE / SQLite's LIKE)."""
    def build(text: str) -> pw.Expression:
        term = text.strip()  # literally: % and _ are text, as in the window's search
        expr: Any = None
        for f in fields:
            e = pw.fn.COALESCE(f, "").contains(term)
            expr = e if expr is None else expr | e
        return expr
    return build


def _start(d: date) -> datetime:
    return datetime.combine(d, time.min)


def _end(d: date) -> datetime:
    return datetime.combine(d, time.max)


def _check_status(status: str, allowed: tuple[str, ...], what: str) -> str:
    s = status.strip().lower().replace(" ", "_")
    if s not in allowed:
        raise ValidationError(f"Status '{status}' is not one of the {what} statuses: "
                              f"{', '.join(allowed)}.")
    return s


def assets(f: Filters) -> TableData:
    a, p, loc, who = m.Asset, m.Product, m.Location, m.Person
    q = (a.select(a.tag, a.serial, p.name, p.part_number, p.manufacturer, p.category, a.status,
                  loc.code, who.name, who.employee_id, a.purchase_date, a.purchase_cost,
                  a.warranty_end, a.due_date, a.notes)
         .join(p).switch(a).join(loc, pw.JOIN.LEFT_OUTER).switch(a)
         .join(who, pw.JOIN.LEFT_OUTER, on=(a.holder == who.id)).order_by(a.tag))
    if f.status:
        q = q.where(a.status == _check_status(f.status, m.ASSET_STATUSES, "asset"))
    if f.location:
        q = q.where(a.location.in_(_under(f.location)))
    if f.person:
        q = q.where(a.holder == find.person(f.person, include_left=True).id)
    if f.product:
        q = q.where(a.product == find.product(f.product).id)
    if f.kind:
        q = q.where(pw.fn.LOWER(p.category) == f.kind.lower())
    if f.since:
        q = q.where(a.purchase_date >= f.since)
    if f.until:
        q = q.where(a.purchase_date <= f.until)
    if f.search:
        q = q.where(_like(a.tag, a.serial, p.name, who.name, a.notes)(f.search))
    return TableData("assets", ["Asset tag", "Serial number", "Model", "Model number",
                                "Manufacturer", "Category", "Status", "Location",
                                "Checked out to", "Employee id", "Purchase date",
                                "Purchase cost", "Warranty end", "Due back", "Notes"],
                     q.tuples().iterator())


def stock(f: Filters) -> TableData:
    sl, p, loc = m.StockLevel, m.Product, m.Location
    q = (sl.select(p.name, loc.code, sl.quantity, p.part_number, p.gtin, p.kind,
                   p.manufacturer, p.category, p.unit_cost, loc.name, sl.reserved,
                   sl.quantity * p.unit_cost)
         .join(p).switch(sl).join(loc).where(sl.quantity != 0).order_by(p.name, loc.code))
    if f.location:
        q = q.where(sl.location.in_(_under(f.location)))
    if f.kind:
        q = q.where(p.kind == f.kind.lower())
    if f.product:
        q = q.where(sl.product == find.product(f.product).id)
    if f.search:
        q = q.where(_like(p.name, p.part_number, p.category)(f.search))
    return TableData("stock", ["Product", "Location", "Quantity", "Part number", "GTIN", "Kind",
                               "Manufacturer", "Category", "Unit cost", "Location name",
                               "Reserved", "Value"], q.tuples().iterator())


def people(f: Filters) -> TableData:
    pe, site = m.Person, m.Location
    held = (m.Asset.select(pw.fn.COUNT(m.Asset.id)).where(m.Asset.holder == pe.id))
    q = (pe.select(pe.employee_id, pe.name, pe.email, pe.department, pe.cost_centre, site.code,
                   pw.Case(None, [(pe.active, "yes")], "no"), pe.left_on, held)
         .join(site, pw.JOIN.LEFT_OUTER).order_by(pe.name, pe.employee_id))
    if f.location:
        q = q.where(pe.site.in_(_under(f.location)))
    if f.status:
        q = q.where(pe.active == (f.status.lower() in ("active", "yes")))
    if f.search:
        q = q.where(_like(pe.employee_id, pe.name, pe.email, pe.department)(f.search))
    return TableData("people", ["Employee id", "Name", "Email", "Department", "Cost centre",
                                "Site", "Active", "Left on", "Assets held"],
                     q.tuples().iterator())


def locations(f: Filters) -> TableData:
    loc = m.Location
    up = loc.alias("up")
    q = (loc.select(loc.code, loc.name, loc.kind, up.code, loc.partner,
                    pw.Case(None, [(loc.active, "yes")], "no"))
         .join(up, pw.JOIN.LEFT_OUTER, on=(loc.parent == up.id)).order_by(loc.code))
    if f.kind:
        q = q.where(loc.kind == f.kind.lower())
    if f.location:
        q = q.where(loc.id.in_(_under(f.location)))
    if f.search:
        q = q.where(_like(loc.code, loc.name, loc.partner)(f.search))
    return TableData("locations", ["Code", "Name", "Kind", "Parent", "Partner", "Active"],
                     q.tuples().iterator())


def suppliers(f: Filters) -> TableData:
    s = m.Supplier
    q = s.select(s.name, s.email, s.lead_time_days).order_by(s.name)
    if f.search:
        q = q.where(_like(s.name, s.email)(f.search))
    return TableData("suppliers", ["Name", "Email", "Lead time days"], q.tuples().iterator())


def offers(f: Filters) -> TableData:
    """Supplier offers, under the import's headers (export, change, import again)."""
    o, p, s = m.SupplierOffer, m.Product, m.Supplier
    code = pw.fn.COALESCE(p.gtin, pw.fn.NULLIF(p.part_number, ""), p.name)  # product_code
    q = (o.select(code, s.name, o.unit_price, o.pack_size,
                  o.min_order, o.lead_time_days, o.supplier_part, o.preferred)
         .join(p).switch(o).join(s).order_by(p.name, s.name))
    if f.search:
        q = q.where(_like(p.name, p.part_number, s.name, o.supplier_part)(f.search))
    return TableData("offers", ["Product", "Supplier", "Unit price", "Pack size",
                                "Minimum order", "Lead time days", "Supplier part number",
                                "Preferred"], q.tuples().iterator())


def licenses(f: Filters) -> TableData:
    lic, p, v = m.License, m.Product, m.Supplier
    used = (m.LicenseSeat.select(pw.fn.COUNT(m.LicenseSeat.id))
            .where((m.LicenseSeat.license == lic.id) & m.LicenseSeat.released_at.is_null()))
    q = (lic.select(p.name, lic.seats, lic.starts_on, lic.ends_on, lic.license_type, v.name,
                    lic.cost_per_seat, lic.term_months, lic.renewal_lead_days, lic.reference,
                    used, lic.retired_on)
         .join(p).switch(lic).join(v, pw.JOIN.LEFT_OUTER).order_by(p.name, lic.starts_on))
    if f.since:
        q = q.where(lic.ends_on >= f.since)
    if f.until:
        q = q.where(lic.ends_on <= f.until)
    if f.search:
        q = q.where(_like(p.name, lic.reference)(f.search))
    return TableData("licenses", ["Product", "Seats", "Starts on", "Ends on", "Type", "Vendor",
                                  "Cost per seat", "Term months", "Renewal lead days",
                                  "Reference", "Seats used", "Retired on"],
                     q.tuples().iterator())


def orders(f: Filters) -> TableData:
    po, ln, p, s, loc = (m.PurchaseOrder, m.PurchaseOrderLine, m.Product, m.Supplier,
                         m.Location)
    q = (ln.select(po.number, s.name, po.status, loc.code, po.created_at, po.ordered_at,
                   po.expected_at, po.received_at, p.name, ln.quantity, ln.received_quantity,
                   ln.unit_price, ln.quantity * ln.unit_price)
         .join(po).join(s).switch(po).join(loc).switch(ln).join(p)
         .order_by(po.number, ln.id))
    if f.status:
        q = q.where(po.status == _check_status(f.status, m.PO_STATUSES, "order"))
    if f.location:
        q = q.where(po.ship_to.in_(_under(f.location)))
    if f.since:
        q = q.where(po.created_at >= _start(f.since))
    if f.until:
        q = q.where(po.created_at <= _end(f.until))
    if f.product:
        q = q.where(ln.product == find.product(f.product).id)
    if f.search:
        q = q.where(_like(po.number, s.name, p.name)(f.search))
    return TableData("orders", ["Order number", "Supplier", "Status", "Ship to", "Created",
                                "Ordered", "Expected", "Received", "Product", "Quantity",
                                "Received quantity", "Unit price", "Line total"],
                     q.tuples().iterator())


def movements(f: Filters) -> TableData:
    mv, p, a, op = m.Movement, m.Product, m.Asset, m.Operator
    src, dst, who = m.Location.alias("src"), m.Location.alias("dst"), m.Person.alias("who")
    q = (mv.select(mv.id, mv.at, mv.kind, p.name, a.tag, mv.quantity, src.code, dst.code,
                   who.employee_id, who.name, mv.asset_status, op.username, mv.reference,
                   mv.source, mv.note, mv.unit_cost, mv.reverses)
         .join(p, on=(mv.product == p.id))
         .switch(mv).join(a, pw.JOIN.LEFT_OUTER, on=(mv.asset == a.id))
         .switch(mv).join(src, pw.JOIN.LEFT_OUTER, on=(mv.from_location == src.id))
         .switch(mv).join(dst, pw.JOIN.LEFT_OUTER, on=(mv.to_location == dst.id))
         .switch(mv).join(who, pw.JOIN.LEFT_OUTER, on=(mv.person == who.id))
         .switch(mv).join(op, on=(mv.operator == op.id))
         .order_by(mv.id))
    if f.kind:
        kinds = [k.strip() for k in f.kind.split(",")]
        bad = [k for k in kinds if k not in m.MOVEMENT_KINDS]
        if bad:
            raise ValidationError(f"No movement kind {', '.join(bad)}. Use: "
                                  f"{', '.join(m.MOVEMENT_KINDS)}.")
        q = q.where(mv.kind.in_(kinds))
    if f.since:
        q = q.where(mv.at >= _start(f.since))
    if f.until:
        q = q.where(mv.at <= _end(f.until))
    if f.location:
        places = _under(f.location)
        q = q.where(mv.from_location.in_(places) | mv.to_location.in_(places))
    if f.person:
        q = q.where(mv.person == find.person(f.person, include_left=True).id)
    if f.product:
        q = q.where(mv.product == find.product(f.product).id)
    if f.status:
        q = q.where(mv.asset_status == _check_status(f.status, m.ASSET_STATUSES, "asset"))
    if f.search:
        q = q.where(_like(mv.reference, mv.note, a.tag, p.name)(f.search))
    return TableData("movements", ["Id", "At", "Kind", "Product", "Asset tag", "Quantity",
                                   "From", "To", "Employee id", "Person", "Status after",
                                   "Operator", "Reference", "Source", "Note", "Unit cost",
                                   "Reverses"], q.tuples().iterator())


TABLES: dict[str, Callable[[Filters], TableData]] = {
    "assets": assets, "stock": stock, "people": people, "locations": locations,
    "suppliers": suppliers, "offers": offers, "licenses": licenses, "orders": orders,
    "movements": movements,
}


def table(name: str, filters: Filters | None = None) -> TableData:
    """The named table's headers and rows, filtered."""
    key = name.strip().lower()
    key = {"ledger": "movements", "history": "movements", "devices": "assets",
           "spares": "stock", "purchase_orders": "orders"}.get(key, key)
    if key not in TABLES:
        raise ValidationError(f"No table '{name}'. Export one of: {', '.join(TABLES)}.")
    return TABLES[key](filters or Filters())
