"""License alerts: renewals coming due, seats running out, true-up exposure, reclaimable seats.

Dates, per license, by the one rule in `inventory/renewals.py`:

- decision due = end date − notice period (after it the contract renews or lapses);
- alert from  = decision due − renewal lead time: the day someone has to start the
  paperwork to decide in time. Due for renewal from then until the end date.

Seats: the number assigned at each month end over the last 12 months is fitted
with a straight line; where it rises, the date it reaches the entitlement is
the forecast "seats run out" date (alerted when within the procurement lead
time). True-up exposure = seats assigned over the entitlement × cost per seat.
Seats held by people who have left can be reclaimed before anyone buys more.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import peewee as pw

from .. import models as m
from ..clock import today as real_today
from ..renewals import renewal

TREND_MONTHS = 12


@dataclass(frozen=True)
class LicenseAlert:
    license_id: int
    product: str
    vendor: str
    license_type: str
    seats: int
    used: int
    ends_on: date | None
    decision_due: date | None
    alert_from: date | None
    renewal_due: bool  # today ≥ alert_from (and not yet ended)
    seats_per_month: float  # assignment trend
    seats_run_out: date | None  # forecast (None: not rising, or already over)
    seats_alert: bool
    over: int
    true_up: Decimal  # seats over × cost per seat
    reclaimable: tuple[str, ...]  # people who left and still hold a seat
    cost_per_seat: Decimal

    @property
    def alert(self) -> bool:
        return self.renewal_due or self.seats_alert or self.over > 0 or bool(self.reclaimable)

    def reasons(self) -> list[str]:
        out = []
        if self.ends_on:
            out.append(f"Ends {self.ends_on:%Y-%m-%d}; decide by {self.decision_due:%Y-%m-%d} "
                       f"(notice); start by {self.alert_from:%Y-%m-%d} (renewal lead time)"
                       + ("; renewal due now" if self.renewal_due else ""))
        out.append(f"{self.used} of {self.seats} seats used; trend "
                   f"{self.seats_per_month:+.1f} seats/month")
        if self.seats_run_out:
            out.append(f"Seats forecast to run out {self.seats_run_out:%Y-%m-%d}")
        if self.over:
            out.append(f"{self.over} seats over entitlement: true-up exposure "
                       f"{self.true_up:,.2f}")
        if self.reclaimable:
            out.append(f"{len(self.reclaimable)} seats held by people who left: reclaim first "
                       f"({', '.join(self.reclaimable[:5])}"
                       f"{', …' if len(self.reclaimable) > 5 else ''})")
        return out


def _as_dt(v) -> datetime | None:
    if v is None or isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v))


def license_alerts(db: pw.Database, *, today: date | None = None,
                   alerts_only: bool = False) -> list[LicenseAlert]:
    """Every license with its dates and seat figures (or only those needing action)."""
    today = today or real_today()
    L, S, P = m.License, m.LicenseSeat, m.Product
    with db.atomic():
        lics = list(L.select(L.id, P.name, m.Supplier.name.alias("vendor_name"), L.license_type,
                             L.seats, L.cost_per_seat, L.ends_on, L.notice_days,
                             L.renewal_lead_days)
                    .join(P).switch(L).join(m.Supplier, pw.JOIN.LEFT_OUTER)
                    .where(L.retired_on.is_null()).tuples())  # retired: no alerts
        since = datetime.combine(today, datetime.min.time()) - timedelta(
            days=int(TREND_MONTHS * 30.44))
        seats = defaultdict(list)
        for lid, at, rel in (S.select(S.license, S.assigned_at, S.released_at)
                             .where(S.released_at.is_null() | (S.released_at >= since))
                             .tuples()):
            seats[lid].append((_as_dt(at), _as_dt(rel)))
        held = defaultdict(list)
        for lid, name in (S.select(S.license, m.Person.name).join(m.Person)
                          .where(S.released_at.is_null() & (m.Person.active == False))  # noqa: E712
                          .order_by(m.Person.name).tuples()):
            held[lid].append(name)
    points = [datetime.combine(today, datetime.min.time()) - timedelta(days=int(30.44 * k))
              for k in range(TREND_MONTHS, -1, -1)]
    x = np.array([(p.date() - today).days for p in points], float)
    out = []
    for lid, product, vendor, ltype, n_seats, cost, ends, notice, lead in lics:
        ends = date.fromisoformat(ends) if isinstance(ends, str) else ends
        rows = seats.get(lid, [])
        used = sum(1 for _, rel in rows if rel is None)
        counts = np.array([sum(1 for at, rel in rows if at <= p and (rel is None or rel > p))
                           for p in points], float)
        slope = float(np.polyfit(x, counts, 1)[0]) if len(rows) else 0.0  # seats per day
        run_out = None
        if slope > 1e-9 and used < n_seats and ltype != "site":
            run_out = today + timedelta(days=int((n_seats - used) / slope))
        seats_alert = ltype != "site" and (used >= n_seats or (
            run_out is not None and run_out <= today + timedelta(days=lead or 0)))
        dates = renewal(ends, notice, lead)
        decision = dates.renew_by if dates else None
        start = dates.due_from if dates else None
        due = bool(dates and dates.due(today))
        over = max(0, used - n_seats) if ltype != "site" else 0
        cost = Decimal(cost or 0)
        alert = LicenseAlert(
            lid, product, vendor or "", ltype, n_seats, used, ends, decision, start, due,
            slope * 30.44, run_out, seats_alert, over, (cost * over).quantize(Decimal("0.01")),
            tuple(held.get(lid, [])), cost)
        if alert.alert or not alerts_only:
            out.append(alert)
    out.sort(key=lambda a: (not a.renewal_due, a.alert_from or date.max, a.product))
    return out


@dataclass(frozen=True)
class AssetAlert:
    tag: str
    product: str
    status: str
    holder: str
    location: str
    date: date
    kind: str  # warranty / overdue_loan

    def reason(self) -> str:
        if self.kind == "warranty":
            return f"warranty ends {self.date:%Y-%m-%d}"
        return f"loan was due back {self.date:%Y-%m-%d}"


def asset_alerts(db: pw.Database, *, today: date | None = None,
                 warranty_days: int = 60) -> tuple[list[AssetAlert], list[AssetAlert]]:
    """(warranty ending within `warranty_days`, loans overdue) for assets still in use."""
    today = today or real_today()
    a = m.Asset
    live = a.status.in_(("in_stock", "deployed", "in_repair", "in_transit"))
    fields = (a.tag, m.Product.name, a.status, m.Person.name, m.Location.code)

    def rows(where, date_field, kind):
        q = (a.select(*fields, date_field).join(m.Product).switch(a)
             .join(m.Person, pw.JOIN.LEFT_OUTER).switch(a)
             .join(m.Location, pw.JOIN.LEFT_OUTER).where(live & where)
             .order_by(date_field, a.tag).tuples())
        return [AssetAlert(t, p, s, h or "", loc or "",
                           date.fromisoformat(d) if isinstance(d, str) else d, kind)
                for t, p, s, h, loc, d in q]

    with db.atomic():
        warranty = rows((a.warranty_end >= today)
                        & (a.warranty_end <= today + timedelta(days=warranty_days)),
                        a.warranty_end, "warranty")
        loans = rows((a.status == "deployed") & (a.due_date < today), a.due_date,
                     "overdue_loan")
    return warranty, loans
