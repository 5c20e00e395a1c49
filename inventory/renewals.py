"""When a license is due for renewal: the one rule every view and command uses.

- renew by (decision due) = end date − notice period: after it the contract renews or
  lapses on its own terms;
- due from = renew by − renewal lead time: the day the paperwork (quotes, approval,
  purchase order) has to start so the decision is made in time;
- a license is *due for renewal* from that day until it ends; after its end date it is
  *expired* instead.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Renewal:
    ends_on: date
    renew_by: date  # end − notice
    due_from: date  # renew by − renewal lead time

    def due(self, on: date) -> bool:
        """Due for renewal on `on`: the paperwork should have started, the term not ended."""
        return self.due_from <= on <= self.ends_on

    def expired(self, on: date) -> bool:
        return on > self.ends_on


def renewal(ends_on: date | None, notice_days: int | None,
            renewal_lead_days: int | None) -> Renewal | None:
    """The renewal dates of a license (None when it is open-ended)."""
    if ends_on is None:
        return None
    renew_by = ends_on - timedelta(days=notice_days or 0)
    return Renewal(ends_on, renew_by, renew_by - timedelta(days=renewal_lead_days or 0))


def renewal_due(ends_on: date | None, notice_days: int | None, renewal_lead_days: int | None,
                on: date) -> bool:
    r = renewal(ends_on, notice_days, renewal_lead_days)
    return r is not None and r.due(on)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer): a term's end."""
    y, mo = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, mo + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
