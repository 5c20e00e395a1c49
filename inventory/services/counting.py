"""Blind stocktake of one location: scan everything present, compare with the book, and
let a manager post the differences.

The counter never sees the book while counting. `variance` compares what was scanned
with the book *at the time it is asked* (stock issued meanwhile is not a difference);
`approve_count` posts, in one transaction: quantity movements of kind "count", missing
devices marked lost, and devices found here that the book has elsewhere moved here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import peewee as pw

from .. import models as m
from ..clock import utcnow
from ..db import Handle, unwrap
from ..errors import InvalidState, NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require
from . import find
from .assets import transition
from .ledger import add_stock, check_quantity, check_source, on_hand, record, take_stock

COUNTABLE_KINDS = (*m.STOCKING_KINDS, "repair")
# Devices the book expects to find on the shelf of their location.
EXPECTED_STATUSES = ("in_stock", "in_repair", "retired")


@dataclass(frozen=True)
class CountedView:
    """One scan recorded in a count (it says nothing about the book: the count is blind)."""

    entry_id: int
    product: str
    asset: str | None
    quantity: int
    counted: int  # this product (or this device) counted so far in the session

    @property
    def label(self) -> str:
        if self.asset:
            return f"{self.asset} · {self.product}"
        return f"{self.product} × {self.quantity} (counted {self.counted})"


@dataclass(frozen=True)
class VarianceLine:
    kind: str  # "missing" (book has more) or "unexpected" (shelf has more)
    product: str
    asset: str | None  # the tag for a device, None for a quantity
    book: int
    counted: int
    note: str = ""
    product_id: int = 0
    asset_id: int | None = None

    @property
    def difference(self) -> int:
        return self.counted - self.book


@dataclass(frozen=True)
class Variance:
    count_id: int
    location: str
    status: str
    lines: list[VarianceLine] = field(default_factory=list)
    matched_assets: int = 0
    matched_products: int = 0

    @property
    def missing(self) -> list[VarianceLine]:
        return [ln for ln in self.lines if ln.kind == "missing"]

    @property
    def unexpected(self) -> list[VarianceLine]:
        return [ln for ln in self.lines if ln.kind == "unexpected"]

    @property
    def differences(self) -> list[VarianceLine]:
        """Quantity lines (spares and consumables) where shelf and book disagree."""
        return [ln for ln in self.lines if ln.asset is None]

    @property
    def ok(self) -> bool:
        return not self.lines


@dataclass(frozen=True)
class CountView:
    count_id: int
    location: str
    location_code: str
    status: str
    scans: int


@dataclass(frozen=True)
class ApprovalView:
    count_id: int
    location: str
    lost: list[str]  # tags marked lost
    moved: list[str]  # tags moved to the counted location
    adjusted: dict[str, int]  # product name -> change posted
    movements: int


def _session(count_id: int) -> m.CountSession:
    s = m.CountSession.get_or_none(m.CountSession.id == count_id)
    if s is None:
        raise NotFound(f"No count #{count_id}. Start a count by scanning the location label.")
    return s


def _open_session(count_id: int) -> m.CountSession:
    s = _session(count_id)
    if s.status != "open":
        raise InvalidState(f"Count #{s.id} of {s.location.name} is already {s.status}. "
                           "Start a new count to scan more.")
    return s


def open_count(location_code: str) -> int | None:
    """The open count of this location, if someone started one."""
    loc = find.location(location_code)
    s = (m.CountSession.select(m.CountSession.id)
         .where((m.CountSession.location == loc.id) & (m.CountSession.status == "open"))
         .order_by(m.CountSession.id.desc()).first())
    return s.id if s else None


def start_count(db: pw.Database, op: OperatorRef, location_code: str) -> int:
    """Open a blind count of one location; returns the count id."""
    require(op.role, "receive")
    with db.atomic():
        loc = find.location(location_code)
        if loc.kind not in COUNTABLE_KINDS:
            raise ValidationError(f"{loc.name} is a {loc.kind.replace('_', ' ')} location and "
                                  "cannot be counted. Scan a stockroom, shelf or 3PL label.")
        running = open_count(loc.code)
        if running is not None:
            raise InvalidState(f"Count #{running} of {loc.name} is still open. Continue it, "
                               "or cancel it before starting another.")
        return m.CountSession.create(location=loc, started_by=op.id).id


def _lookup(code: str, gtin: str | None, serial: str | None) -> tuple[m.Asset | None,
                                                                      m.Product | None]:
    match = find.item(code, gtin=gtin, serial=serial)
    if not match.found or (gtin and serial and match.asset is None):
        raise NotFound(f"{match.reason} Put the item aside and tell the manager; it is not "
                       "counted.", field="code")
    return match.asset, (match.product if match.asset is None or gtin else None)


def record_count(db: pw.Database, op: OperatorRef, count_id: int, code: str,
                 quantity: int = 1, *, gtin: str | None = None, serial: str | None = None,
                 source: str = "manual") -> CountedView:
    """Record one scan: an asset tag / serial, or a product GTIN / part number × quantity."""
    require(op.role, "receive")
    check_quantity(quantity)
    check_source(source)
    with db.atomic():
        s = _open_session(count_id)
        a, p = _lookup(code, gtin, serial)
        if a is None:
            assert p is not None  # _lookup found one of them
        else:
            if quantity != 1:
                raise ValidationError("Devices are counted one by one: scan each asset tag.")
            if a.status == "in_transit":
                raise InvalidState(f"{a.tag} is in transit on a shipment. Confirm the "
                                   "shipment's arrival first, then count it.")
            dup = m.CountEntry.get_or_none((m.CountEntry.session == s.id)
                                           & (m.CountEntry.asset == a.id))
            if dup is not None:
                raise InvalidState(f"{a.tag} was already counted in this count.")
            e = m.CountEntry.create(session=s, product=a.product_id, asset=a, quantity=1)
            return CountedView(e.id, a.product.name, a.tag, 1, 1)
        if p.kind == "device":
            raise ValidationError(f"{p.name} is tracked by serial: scan each device's asset "
                                  "tag or serial label.")
        if p.kind not in m.QUANTITY_KINDS:
            raise ValidationError(f"{p.name} is a {p.kind}; it is not counted on a shelf.")
        e = m.CountEntry.create(session=s, product=p, quantity=quantity)
        total = (m.CountEntry.select(pw.fn.SUM(m.CountEntry.quantity))
                 .where((m.CountEntry.session == s.id) & (m.CountEntry.product == p.id)
                        & m.CountEntry.asset.is_null()).scalar()) or 0
        return CountedView(e.id, p.name, None, quantity, int(total))


def remove_entry(db: pw.Database, op: OperatorRef, count_id: int, entry_id: int) -> CountedView:
    """Take back one scan of an open count (a count entry is not the ledger)."""
    require(op.role, "receive")
    with db.atomic():
        s = _open_session(count_id)
        e = m.CountEntry.get_or_none((m.CountEntry.id == entry_id)
                                     & (m.CountEntry.session == s.id))
        if e is None:
            raise NotFound(f"That scan is not part of count #{s.id}; nothing was removed.")
        view = CountedView(e.id, e.product.name, e.asset.tag if e.asset_id else None,
                           e.quantity, 0)
        m.CountEntry.delete().where(m.CountEntry.id == e.id).execute()
        return view


def _variance(s: m.CountSession) -> Variance:
    loc = s.location
    entries = list(m.CountEntry.select().where(m.CountEntry.session == s.id))
    scanned_assets = {e.asset_id for e in entries if e.asset_id}
    counted: dict[int, int] = defaultdict(int)
    for e in entries:
        if not e.asset_id:
            counted[e.product_id] += e.quantity
    lines: list[VarianceLine] = []
    expected = list(m.Asset.select(m.Asset.id, m.Asset.tag, m.Asset.product, m.Asset.status)
                    .where((m.Asset.location == loc.id)
                           & m.Asset.status.in_(EXPECTED_STATUSES)))
    expected_ids = {a.id for a in expected}
    names = {}

    def name(pid: int) -> str:
        if pid not in names:
            names[pid] = m.Product.get_by_id(pid).name
        return names[pid]

    for a in expected:
        if a.id not in scanned_assets:
            lines.append(VarianceLine("missing", name(a.product_id), a.tag, 1, 0,
                                      f"book: {a.status.replace('_', ' ')} here",
                                      a.product_id, a.id))
    extra = [i for i in scanned_assets if i not in expected_ids]
    for a in m.Asset.select().where(m.Asset.id.in_(extra)) if extra else []:
        if a.holder_id:
            where = f"book: {a.status.replace('_', ' ')}, held by {a.holder.name}"
        elif a.location_id:
            where = f"book: {a.status.replace('_', ' ')} at {a.location.name}"
        else:
            where = f"book: {a.status.replace('_', ' ')}, nowhere"
        lines.append(VarianceLine("unexpected", name(a.product_id), a.tag, 0, 1, where,
                                  a.product_id, a.id))
    sl = m.StockLevel
    book = {r.product_id: r.quantity for r in
            sl.select(sl.product, sl.quantity).join(m.Product)
              .where((sl.location == loc.id) & (sl.quantity != 0)
                     & m.Product.kind.in_(m.QUANTITY_KINDS))}
    matched_products = 0
    for pid in set(book) | set(counted):
        have, got = book.get(pid, 0), counted.get(pid, 0)
        if have == got:
            matched_products += 1
            continue
        kind = "missing" if got < have else "unexpected"
        lines.append(VarianceLine(kind, name(pid), None, have, got,
                                  f"{abs(got - have)} {'short' if got < have else 'over'}",
                                  pid, None))
    lines.sort(key=lambda ln: (ln.kind != "missing", ln.asset is None, ln.product,
                               ln.asset or ""))
    return Variance(s.id, loc.name, s.status, lines,
                    matched_assets=len(expected_ids & scanned_assets),
                    matched_products=matched_products)


def variance(db: Handle, count_id: int) -> Variance:
    """Missing and unexpected devices, and quantity differences, against the book now."""
    with unwrap(db).atomic():
        return _variance(_session(count_id))


def count_view(count_id: int) -> CountView:
    s = _session(count_id)
    scans = m.CountEntry.select().where(m.CountEntry.session == s.id).count()
    return CountView(s.id, s.location.name, s.location.code, s.status, scans)


def approve_count(db: pw.Database, op: OperatorRef, count_id: int, reason: str, *,
                  source: str = "manual") -> ApprovalView:
    """Post the variance (manager): one transaction, or nothing at all."""
    require(op.role, "adjust")
    check_source(source)
    if not reason.strip():
        raise ValidationError("Say why the count is approved (a reason is required), e.g. "
                              "'quarterly stocktake'.")
    with db.atomic():
        s = _session(count_id)
        n = (m.CountSession.update(status="approved", approved_by=op.id, approved_at=utcnow())
             .where((m.CountSession.id == s.id) & (m.CountSession.status == "open"))
             .execute())
        if n == 0:
            now = _session(count_id).status
            raise InvalidState(f"Count #{s.id} of {s.location.name} is already {now}; "
                               "nothing was posted again.")
        v = _variance(s)
        loc = s.location
        ref = f"COUNT-{s.id}"
        lost: list[str] = []
        moved: list[str] = []
        adjusted: dict[str, int] = {}
        posted = 0
        for ln in v.lines:
            if ln.asset_id is not None:
                a = m.Asset.get_by_id(ln.asset_id)
                if ln.kind == "missing":
                    transition(a, (a.status,), status="lost", holder=None, due_date=None)
                    record(op, "lost", a.product_id, asset=a, from_location=a.location_id,
                           to_location=a.location_id, holder=None, asset_status="lost",
                           note=reason, reference=ref, source=source)
                    lost.append(a.tag)
                else:
                    status = a.status if a.status in EXPECTED_STATUSES else "in_stock"
                    transition(a, (a.status,), status=status, holder=None, location=loc,
                               due_date=None)
                    record(op, "count", a.product_id, asset=a, from_location=a.location_id,
                           to_location=loc, person=a.holder_id, holder=None,
                           asset_status=status, note=reason, reference=ref, source=source)
                    moved.append(a.tag)
            else:
                p = m.Product.get_by_id(ln.product_id)
                change = ln.counted - on_hand(p.id, loc.id)
                if change > 0:
                    add_stock(p.id, loc.id, change)
                    record(op, "count", p, quantity=change, to_location=loc, note=reason,
                           reference=ref, source=source, unit_cost=p.unit_cost)
                elif change < 0:
                    take_stock(p, loc, -change, keep_reserved=False)
                    record(op, "count", p, quantity=-change, from_location=loc, note=reason,
                           reference=ref, source=source, unit_cost=p.unit_cost)
                else:
                    continue
                adjusted[p.name] = adjusted.get(p.name, 0) + change
            posted += 1
        return ApprovalView(s.id, loc.name, lost, moved, adjusted, posted)


def cancel_count(db: pw.Database, op: OperatorRef, count_id: int) -> CountView:
    """Abandon an open count: nothing is posted; its scans are kept for the record."""
    require(op.role, "receive")
    with db.atomic():
        s = _session(count_id)
        n = (m.CountSession.update(status="cancelled")
             .where((m.CountSession.id == s.id) & (m.CountSession.status == "open")).execute())
        if n == 0:
            raise InvalidState(f"Count #{s.id} is already {s.status}; it cannot be cancelled.")
        return count_view(s.id)
