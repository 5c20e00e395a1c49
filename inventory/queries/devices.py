"""Devices (serialized assets): the table, its filters, and one device in detail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import peewee as pw

from .. import models as m
from ..clock import today
from ..db import database_proxy, is_postgres
from . import history
from .common import (
    Column,
    Spec,
    TableQuery,
    any_of,
    descendants,
    fetch_rows,
    in_ids,
    matching_ids,
    order,
    raw_ids,
)

GONE = ("retired", "disposed", "lost")
WARRANTY_WINDOW_DAYS = 90

P = m.Product
H = m.Person.alias("holder")
L = m.Location.alias("loc")


PRODUCT_TEXT = (P.name, P.part_number, P.manufacturer, P.category)
PERSON_TEXT = (m.Person.name, m.Person.employee_id, m.Person.email)
PLACE_TEXT = (m.Location.name, m.Location.code)

# A word matched by at most this many devices is looked up through indexes and becomes a
# list of ids; a word matching more is left to the scan, which finds its first screen of
# rows early because such rows are everywhere.
LISTED_MAX = 5000


def _related(term: str) -> list[tuple[pw.Field, list[int] | pw.Select]]:
    """The models, people and places matching `term`, as (asset field, their ids)."""
    out = []
    for field, model, fields in ((m.Asset.product, P, PRODUCT_TEXT),
                                 (m.Asset.holder, m.Person, PERSON_TEXT),
                                 (m.Asset.location, m.Location, PLACE_TEXT)):
        ids = matching_ids(model, term, fields)
        if not (isinstance(ids, list) and not ids):
            out.append((field, ids))
    return out


def search_condition(term: str,
                     related: list[tuple[pw.Field, list[int] | pw.Select]] | None = None,
                     ) -> pw.Expression:
    """Tag, serial, model, holder or location contains `term`.

    Models, people and places are looked up first (small tables); those with no match
    drop out of the condition, so a tag or a name costs one narrow scan of the assets.
    """
    if related is None:
        related = _related(term)
    return any_of(m.Asset.tag.contains(term), m.Asset.serial.contains(term),
                  *(field.in_(ids) for field, ids in related))


def has_text_index(db: pw.Database) -> bool:
    """Whether this database has the trigram index over tags and serials (schema v5)."""
    return not is_postgres(db) and db.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'asset_text'").fetchone() is not None


def contains_pattern(term: str) -> str:
    """The LIKE pattern (with ESCAPE '\\') peewee's `contains` uses: `term` literally."""
    return "%" + term.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"


TEXT_SEARCH = ("SELECT a.id FROM asset_text JOIN asset AS a ON a.id = asset_text.rowid "
               "WHERE asset_text MATCH ? AND (a.tag LIKE ? ESCAPE '\\' "
               "OR a.serial LIKE ? ESCAPE '\\') LIMIT ?")


def _text_ids(term: str) -> list[int] | None:
    """Assets whose tag or serial contains `term`, found through the trigram index; None
    when it cannot tell (no index, a word under three letters, too many matches)."""
    db = database_proxy.obj
    if len(term) < 3 or not has_text_index(db):
        return None
    phrase = '"' + term.replace('"', '""') + '"'
    like = contains_pattern(term)
    # The index proposes, the same LIKE as the scan decides (its case rules: ASCII only).
    ids = [r[0] for r in db.execute_sql(TEXT_SEARCH, (phrase, like, like, LISTED_MAX + 1))]
    return ids if len(ids) <= LISTED_MAX else None


def search_ids(term: str, related: list | None = None) -> set[int] | None:
    """The ids of the devices `search_condition(term)` matches, read through indexes; None
    when there are more than LISTED_MAX or no index to find tags and serials by."""
    found = _text_ids(term)
    if found is None:
        return None
    parts = []
    budget = LISTED_MAX - len(found)
    for field, ids in (_related(term) if related is None else related):
        if not isinstance(ids, list):
            return None
        part = m.Asset.select(m.Asset.id).where(in_ids(field, ids))
        # Counted first (in the index, no rows to Python): a common word stops here.
        budget -= (m.Asset.select(pw.fn.COUNT(pw.SQL("*")))
                   .from_(part.limit(budget + 1).alias("part")).scalar())
        if budget < 0:
            return None
        parts.append(part)
    out = set(found)
    for part in parts:
        out.update(raw_ids(part))
    return out


def search_filter(terms: Sequence[str]) -> list[Any]:
    """Conditions for "every word matches": words matched by few devices become one list
    of ids (the intersection), so the database reads just those rows instead of testing
    every asset's tag and serial; the other words stay conditions on those rows."""
    listed: set[int] | None = None
    scanned = []
    for term in dict.fromkeys(terms):
        related = _related(term)
        ids = search_ids(term, related)
        if ids is None:
            scanned.append(search_condition(term, related))
        else:
            listed = ids if listed is None else listed & ids
    if listed is None:
        return scanned
    if not listed:
        return [pw.SQL("0 = 1")]
    return [in_ids(m.Asset.id, sorted(listed)), *scanned]


def overdue_condition(on: date) -> pw.Expression:
    return (m.Asset.status == "deployed") & (m.Asset.due_date < on)


def warranty_condition(on: date, days: int = WARRANTY_WINDOW_DAYS) -> pw.Expression:
    return (m.Asset.warranty_end.between(on, on + timedelta(days=days))
            & m.Asset.status.not_in(GONE))


class DeviceTable(TableQuery):
    columns = (
        Column("tag", "Asset tag", width=105),
        Column("serial", "Serial", width=120),
        Column("model", "Model", width=230),
        Column("category", "Category", width=90),
        Column("status", "Status", kind="status", width=100),
        Column("holder", "Holder", width=160),
        Column("location", "Location", width=170),
        Column("warranty_end", "Warranty ends", kind="date", width=112),
        Column("due_date", "Due back", kind="date", width=112),
    )
    default_sort = "tag"

    SORT_FIELDS = {
        "tag": m.Asset.tag, "serial": m.Asset.serial, "model": P.name, "category": P.category,
        "status": m.Asset.status, "holder": H.name, "location": L.name,
        "warranty_end": m.Asset.warranty_end, "due_date": m.Asset.due_date,
    }

    def id_query(self, spec: Spec) -> pw.Select:
        q = m.Asset.select(m.Asset.id)
        for condition in search_filter(spec.terms()):
            q = q.where(condition)
        status = spec.get("status")
        if status == "active":
            q = q.where(m.Asset.status.not_in(GONE))
        elif status:
            q = q.where(m.Asset.status == status)
        if loc := spec.get("location"):
            q = q.where(m.Asset.location.in_(descendants(int(loc))))
        if cat := spec.get("category"):
            q = q.where(m.Asset.product.in_(P.select(P.id).where(P.category == cat)))
        if product := spec.get("product"):
            q = q.where(m.Asset.product == int(product))
        if holder := spec.get("holder"):
            q = q.where(m.Asset.holder == int(holder))
        special = spec.get("special")
        if special == "overdue":
            q = q.where(overdue_condition(today()))
        elif special == "warranty":
            q = q.where(warranty_condition(today()))
        key = spec.sort if spec.sort in self.SORT_FIELDS else self.default_sort
        if key in ("model", "category"):
            q = q.join(P, on=(m.Asset.product == P.id))
        elif key == "holder":
            q = q.join(H, pw.JOIN.LEFT_OUTER, on=(m.Asset.holder == H.id))
        elif key == "location":
            q = q.join(L, pw.JOIN.LEFT_OUTER, on=(m.Asset.location == L.id))
        sort = self.SORT_FIELDS[key]
        if key == "tag":
            return q.order_by(order(sort, spec.descending))
        return q.order_by(order(sort, spec.descending), order(m.Asset.id, spec.descending))

    def rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        q = (m.Asset.select(m.Asset.id, m.Asset.tag, m.Asset.serial, P.name, P.category,
                            m.Asset.status, H.name, L.name, m.Asset.warranty_end,
                            m.Asset.due_date)
             .join(P, on=(m.Asset.product == P.id))
             .join_from(m.Asset, H, pw.JOIN.LEFT_OUTER, on=(m.Asset.holder == H.id))
             .join_from(m.Asset, L, pw.JOIN.LEFT_OUTER, on=(m.Asset.location == L.id)))
        return fetch_rows(q, ids, m.Asset.id, raw=True)


def categories() -> list[str]:
    return [c for (c,) in P.select(P.category).where(P.kind == "device").distinct()
            .order_by(P.category).tuples() if c]


@dataclass(frozen=True)
class DeviceDetail:
    id: int
    tag: str
    serial: str | None
    product: str
    manufacturer: str
    category: str
    status: str
    location: str | None
    location_kind: str | None
    holder: str | None
    holder_id: int | None
    holder_employee_id: str | None
    holder_email: str | None
    holder_department: str | None
    purchase_cost: Decimal | None
    purchase_date: date | None
    warranty_end: date | None
    due_date: date | None
    order_number: str | None
    notes: str
    seats: list[str]
    movements: list[history.MovementRow]
    product_code: str = ""  # what find.product takes for its model
    location_code: str | None = None
    supplier: str | None = None  # the device's own, else its purchase order's
    order_linked: bool = False  # order_number is one of our purchase orders

    @property
    def warranty_days_left(self) -> int | None:
        return None if self.warranty_end is None else (self.warranty_end - today()).days

    @property
    def overdue(self) -> bool:
        return self.status == "deployed" and self.due_date is not None and \
            self.due_date < today()


def detail(asset_id: int) -> DeviceDetail | None:
    a = (m.Asset.select(m.Asset, P).join(P).where(m.Asset.id == asset_id).first())
    if a is None:
        return None
    holder = m.Person.get_or_none(m.Person.id == a.holder_id) if a.holder_id else None
    loc = m.Location.get_or_none(m.Location.id == a.location_id) if a.location_id else None
    order_number, supplier = a.order_reference or None, None
    if a.order_line_id:
        row = (m.PurchaseOrder.select(m.PurchaseOrder.number, m.Supplier.name)
               .join(m.PurchaseOrderLine).switch(m.PurchaseOrder).join(m.Supplier)
               .where(m.PurchaseOrderLine.id == a.order_line_id).tuples().first())
        if row:
            order_number, supplier = row
    if a.supplier_id:
        supplier = m.Supplier.select(m.Supplier.name).where(
            m.Supplier.id == a.supplier_id).scalar()
    seats = [name for (name,) in
             m.LicenseSeat.select(P.name).join(m.License).join(P)
             .where((m.LicenseSeat.asset == a.id) & m.LicenseSeat.released_at.is_null())
             .tuples()]
    return DeviceDetail(
        id=a.id, tag=a.tag, serial=a.serial, product=a.product.name,
        manufacturer=a.product.manufacturer, category=a.product.category, status=a.status,
        location=loc.name if loc else None, location_kind=loc.kind if loc else None,
        holder=holder.name if holder else None, holder_id=holder.id if holder else None,
        holder_employee_id=holder.employee_id if holder else None,
        holder_email=holder.email if holder else None,
        holder_department=holder.department if holder else None,
        purchase_cost=a.purchase_cost, purchase_date=a.purchase_date,
        warranty_end=a.warranty_end, due_date=a.due_date, order_number=order_number,
        notes=a.notes, seats=seats, movements=history.for_asset(a.id),
        product_code=a.product.gtin or a.product.part_number or a.product.name,
        location_code=loc.code if loc else None, supplier=supplier,
        order_linked=bool(a.order_line_id),
    )


def tag_of(asset_id: int) -> str | None:
    return m.Asset.select(m.Asset.tag).where(m.Asset.id == asset_id).scalar()
