"""Loan-pool bookings and a month view per device or model: who has it on loan, who has
it booked, day by day."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import peewee as pw

from .. import clock
from .. import models as m
from ..errors import NotFound
from ..services import bookings, find

B = m.Booking


def booking_rows(active_only: bool = True) -> list[bookings.BookingView]:
    q = B.select().order_by(B.starts_on, B.id)
    if active_only:
        q = q.where((B.state == "active") & (B.ends_on >= clock.today()))
    return [bookings.view(b) for b in q.limit(5000)]


@dataclass(frozen=True)
class Cell:
    kind: str  # loan / booking
    who: str
    ref: str  # booking number, or "loan"


@dataclass(frozen=True)
class MonthRow:
    label: str  # the device's tag, or "any <model>" for model bookings
    cells: tuple[Cell | None, ...]


@dataclass(frozen=True)
class MonthGrid:
    title: str
    first: date
    days: int
    rows: tuple[MonthRow, ...]

    def text_lines(self) -> list[str]:
        head = f"{self.title}, {self.first:%B %Y}"
        out = [head, "      " + "".join(f"{d:>3}" for d in range(1, self.days + 1))]
        for row in self.rows:
            marks = "".join("  ." if c is None else "  L" if c.kind == "loan" else "  B"
                            for c in row.cells)
            out.append(f"{row.label[:14]:<14}{marks}")
            seen: dict[str, tuple[str, int, int]] = {}
            for i, c in enumerate(row.cells):
                if c is not None:
                    key = f"{c.kind} {c.ref} {c.who}"
                    first, _, _ = seen.get(key, (key, i, i))
                    seen[key] = (first, seen.get(key, (key, i, i))[1], i)
            for key, (_, a, b) in seen.items():
                out.append(f"    {key}: {a + 1}–{b + 1}")
        return out


def _loans(asset_ids: list[int], first: date, last: date) -> dict[int, list[tuple]]:
    """Per device, (from, until, holder) of loans overlapping the month, from the ledger
    (check-outs and check-ins); a loan still open runs to its due date."""
    mv = m.Movement
    out: dict[int, list[tuple]] = {a: [] for a in asset_ids}
    if not asset_ids:
        return out
    rows = (mv.select(mv.asset, mv.kind, mv.at, P.name)
            .join(P, pw.JOIN.LEFT_OUTER, on=(mv.person == P.id))
            .where(mv.asset.in_(asset_ids) & mv.kind.in_(("check_out", "check_in"))
                   & (mv.at < datetime.combine(last + timedelta(days=1), datetime.min.time())))
            .order_by(mv.asset, mv.id).tuples())
    open_: dict[int, tuple[date, str]] = {}
    for aid, kind, at, name in rows:
        day = at.date() if isinstance(at, datetime) else datetime.fromisoformat(str(at)).date()
        if kind == "check_out":
            open_[aid] = (day, name or "a location")
        elif aid in open_:
            start, who = open_.pop(aid)
            if day >= first:
                out[aid].append((start, day, who))
    due = dict(m.Asset.select(m.Asset.id, m.Asset.due_date).where(
        m.Asset.id.in_(asset_ids) & (m.Asset.status == "deployed")).tuples())
    for aid, (start, who) in open_.items():
        if aid in due:
            out[aid].append((start, due[aid] or last, who))
    return out


P = m.Person


def month_view(target: str, any_day: date) -> MonthGrid:
    """The month of `any_day` for a device (tag) or a model (product): one row per pool
    device, and a row of bookings of "any device" of the model."""
    first = any_day.replace(day=1)
    days = calendar.monthrange(first.year, first.month)[1]
    last = first.replace(day=days)
    try:
        a = find.asset(target)
        devices, product, title = [a], a.product, f"{a.tag} {a.product.name}"
    except NotFound:
        try:
            product = find.product(target)
        except NotFound:
            raise NotFound(f"No device or model '{target}'. Give an asset tag or a product.",
                           field="asset") from None
        devices = bookings.pool_devices(product.id)
        title = f"{product.name} (loan pool: {len(devices)})"
    loans = _loans([d.id for d in devices], first, last)
    bq = (B.select(B, P).join(P).where((B.state == "active") & (B.starts_on <= last)
                                       & (B.ends_on >= first) & (B.product == product.id)))
    rows = []

    def cells(spans: list[tuple[date, date, Cell]]) -> tuple[Cell | None, ...]:
        out: list[Cell | None] = [None] * days
        for start, end, cell in spans:
            for i in range(days):
                if start <= first + timedelta(days=i) <= end and out[i] is None:
                    out[i] = cell
        return tuple(out)

    booked = list(bq)
    for d in devices:
        spans = [(s, e, Cell("loan", who, "loan")) for s, e, who in loans[d.id]]
        spans += [(b.starts_on, b.ends_on, Cell("booking", b.person.name, b.number))
                  for b in booked if b.asset_id == d.id]
        rows.append(MonthRow(d.tag, cells(spans)))
    anyb = [(b.starts_on, b.ends_on, Cell("booking", b.person.name, b.number))
            for b in booked if b.asset_id is None]
    if anyb or len(devices) != 1:
        rows.append(MonthRow(f"any {product.name}", cells(anyb)))
    return MonthGrid(title, first, days, tuple(rows))


def is_device(code: str) -> bool:
    """Whether a typed code is a device (asset tag or serial) rather than a model."""
    try:
        find.asset(code)
    except NotFound:
        return False
    return True


def pool_models() -> list[str]:
    """Names of the models in the loan pool, most devices first."""
    q = (m.Product.select(m.Product.name, pw.fn.COUNT(m.LoanDevice.id).alias("n"))
         .join(m.Asset, on=(m.Asset.product == m.Product.id))
         .join(m.LoanDevice, on=(m.LoanDevice.asset == m.Asset.id))
         .group_by(m.Product.name).order_by(pw.SQL("n DESC"), m.Product.name))
    return [name for name, _ in q.tuples()]
