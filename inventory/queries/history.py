"""The movement ledger as a table: a million rows, read a page at a time, newest first.

The ledger only grows and its ids follow time, so pages are cut by id (keyset paging):
`page(spec, after=last_id)` costs the same at row 10 and at row 1,000,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import peewee as pw

from .. import models as m
from .common import (
    Column,
    Spec,
    TableQuery,
    any_of,
    descendants,
    fetch_rows,
    in_matching,
    matching_ids,
    raw_ids,
)

MV = m.Movement
P = m.Product
A = m.Asset
SRC = m.Location.alias("src")
DST = m.Location.alias("dst")
WHO = m.Person.alias("who")
OP = m.Operator

KIND_LABELS = {
    "receive": "Received", "check_out": "Checked out", "check_in": "Checked in",
    "transfer": "Moved", "ship": "Shipped", "arrive": "Arrived", "issue": "Issued",
    "consume": "Consumed", "return": "Returned", "adjust": "Adjusted", "count": "Counted",
    "retire": "Retired", "dispose": "Disposed", "lost": "Lost",
    "license_assign": "Seat assigned", "license_release": "Seat released",
}


@dataclass(frozen=True)
class MovementRow:
    id: int
    at: datetime
    kind: str
    product: str
    asset_tag: str | None
    quantity: int
    from_location: str | None
    to_location: str | None
    person: str | None
    operator: str
    reference: str
    source: str
    note: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def where(self) -> str:
        a, b = self.from_location, self.to_location
        if a and b and a != b:
            return f"{a} → {b}"
        return b or a or ""


def _row_select() -> pw.Select:
    return (MV.select(MV.id, MV.at, MV.kind, P.name, A.tag, MV.quantity, SRC.name, DST.name,
                      WHO.name, OP.username, MV.reference, MV.source, MV.note)
            .join(P, on=(MV.product == P.id))
            .join_from(MV, A, pw.JOIN.LEFT_OUTER, on=(MV.asset == A.id))
            .join_from(MV, SRC, pw.JOIN.LEFT_OUTER, on=(MV.from_location == SRC.id))
            .join_from(MV, DST, pw.JOIN.LEFT_OUTER, on=(MV.to_location == DST.id))
            .join_from(MV, WHO, pw.JOIN.LEFT_OUTER, on=(MV.person == WHO.id))
            .join_from(MV, OP, on=(MV.operator == OP.id)))


def _rows(q: pw.Select) -> list[MovementRow]:
    return [MovementRow(*r) for r in q.tuples()]


def for_asset(asset_id: int) -> list[MovementRow]:
    """Every movement of one device, oldest first."""
    return _rows(_row_select().where(MV.asset == asset_id).order_by(MV.id))


def for_product(product_id: int, limit: int = 60) -> list[MovementRow]:
    return _rows(_row_select().where(MV.product == product_id).order_by(MV.id.desc())
                 .limit(limit))


RECENT_WINDOW = 100_000  # movements looked through for "recent" lists without an index


def _recent(q: pw.Select) -> pw.Select:
    """Only the newest `RECENT_WINDOW` movements: a detail pane stays fast on a big ledger."""
    newest = MV.select(pw.fn.MAX(MV.id)).scalar() or 0
    return q.where(MV.id > newest - RECENT_WINDOW)


def for_person(person_id: int, limit: int = 60) -> list[MovementRow]:
    """A person's recent movements, newest first."""
    return _rows(_recent(_row_select().where(MV.person == person_id))
                 .order_by(MV.id.desc()).limit(limit))


def for_location(location_id: int, limit: int = 60) -> list[MovementRow]:
    """Recent movements into or out of a location, newest first."""
    return _rows(_recent(_row_select().where((MV.from_location == location_id)
                                             | (MV.to_location == location_id)))
                 .order_by(MV.id.desc()).limit(limit))


def search_condition(term: str) -> pw.Expression:
    """Reference, asset tag / serial, product, person or place contains `term`."""
    places = matching_ids(m.Location, term, (m.Location.name, m.Location.code))
    return any_of(
        MV.reference.contains(term),
        in_matching(MV.asset, A, term, (A.tag, A.serial)),
        in_matching(MV.product, P, term, (P.name, P.part_number)),
        in_matching(MV.person, m.Person, term, (m.Person.name, m.Person.employee_id)),
        MV.from_location.in_(places) if places else None,
        MV.to_location.in_(places) if places else None)


class HistoryTable(TableQuery):
    columns = (
        Column("at", "When", kind="datetime", width=150),
        Column("kind", "What", kind="kind", sortable=False, width=110),
        Column("product", "Product", sortable=False, width=220),
        Column("asset", "Asset", sortable=False, width=95),
        Column("quantity", "Qty", kind="int", sortable=False, width=50),
        Column("from", "From", sortable=False, width=160),
        Column("to", "To", sortable=False, width=160),
        Column("person", "Person", sortable=False, width=150),
        Column("operator", "By", sortable=False, width=90),
        Column("reference", "Reference", sortable=False, width=120),
        Column("source", "Source", sortable=False, width=70),
        Column("note", "Note", sortable=False, width=200),
    )
    default_sort = "at"
    default_descending = True
    paged = True

    def id_query(self, spec: Spec) -> pw.Select:
        q = MV.select(MV.id)
        for term in spec.terms():
            q = q.where(search_condition(term))
        if kind := spec.get("kind"):
            kinds = kind.split(",")
            q = q.where(MV.kind.in_(kinds)) if len(kinds) > 1 else q.where(MV.kind == kind)
        if asset := spec.get("asset"):
            q = q.where(MV.asset == int(asset))
        if product := spec.get("product"):
            q = q.where(MV.product == int(product))
        if person := spec.get("person"):
            q = q.where(MV.person == int(person))
        if loc := spec.get("location"):
            ids = descendants(int(loc))
            q = q.where(MV.from_location.in_(ids) | MV.to_location.in_(ids))
        if since := spec.get("since"):
            q = q.where(MV.at >= datetime.combine(since, time()) if isinstance(since, date)
                        else since)
        if until := spec.get("until"):
            # Ids follow time: "up to a day" is "up to the last id of that day" (indexed).
            end = datetime.combine(until + timedelta(days=1), time())
            q = q.where(MV.id <= MV.select(pw.fn.MAX(MV.id)).where(MV.at < end))
        return q.order_by(MV.id.desc() if spec.descending else MV.id.asc())

    def page(self, spec: Spec, after: int | None, limit: int) -> list[int]:
        """The next `limit` ids after id `after` in the spec's order."""
        q = self.id_query(spec)
        if after is not None:
            q = q.where(MV.id < after) if spec.descending else q.where(MV.id > after)
        return raw_ids(q.limit(limit))

    def rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        """Raw rows: "at" may be ISO text (the screen parses what it shows)."""
        return fetch_rows(_row_select(), ids, MV.id, raw=True)
