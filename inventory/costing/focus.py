"""Cloud and SaaS bills in the FinOps Foundation's FOCUS format (cost-and-usage rows).

The file is read with the importers' hostile-file reader (bounded size, rows, columns and
cells; CSV or XLSX). Columns are FOCUS's own names: ChargePeriodStart (inclusive),
ChargePeriodEnd (exclusive), BilledCost, EffectiveCost, BillingCurrency, and where present
ServiceName, ServiceCategory, ChargeCategory, ProviderName (ServiceProviderName in FOCUS
1.3), ResourceId, ResourceName, Tags (a JSON object). EffectiveCost is allocated to the
cost centre named by one tag key the user gives (e.g. `cost_centre`); a row without that
tag goes to "unallocated". A row belongs to the month of its ChargePeriodStart.

Re-importing replaces: storing a file first deletes every charge of the months it
covers, so the same bill imported twice is counted once. A file with any bad row is
refused whole, with the rows and what to do; nothing is written then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import peewee as pw

from ..errors import ValidationError
from ..exchange.reading import read_table
from ..exchange.values import restore_neutralised
from ..operators import OperatorRef
from ..roles import require
from .calendar import Month
from .tables import UNALLOCATED, CloudCharge

REQUIRED = ("ChargePeriodStart", "ChargePeriodEnd", "BilledCost", "EffectiveCost",
            "BillingCurrency")
OPTIONAL = ("ServiceName", "ServiceCategory", "ChargeCategory", "ProviderName",
            "ServiceProviderName", "ResourceId", "ResourceName", "Tags")
MAX_COST = Decimal("1000000000")  # one row's cost, either sign
MAX_TAGS = 8192  # characters of one Tags cell
MAX_TEXT = 255
MAX_SHOWN = 5  # bad rows named in the message
CHUNK = 500


@dataclass
class FocusPlan:
    source: str
    tag_key: str
    rows: list[dict] = field(default_factory=list)
    months: set[int] = field(default_factory=set)
    currency: str = ""

    @property
    def total(self) -> Decimal:
        return sum((r["effective_cost"] for r in self.rows), Decimal(0))

    @property
    def untagged(self) -> int:
        return sum(1 for r in self.rows if r["cost_centre"] == UNALLOCATED)

    def describe(self) -> str:
        months = ", ".join(str(Month.from_index(i)) for i in sorted(self.months))
        return (f"{len(self.rows)} rows of {self.source} ({months}): EffectiveCost "
                f"{self.total:,.2f} {self.currency}, {self.untagged} rows without a "
                f"'{self.tag_key}' tag (unallocated)")


def _datetime(text: str) -> datetime:
    value = text.strip().replace("Z", "+00:00")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{text[:40]}' is not a date and time such as "
                         "2026-11-01T00:00:00Z") from None
    if at.tzinfo is not None:
        at = (at - at.utcoffset()).replace(tzinfo=None)  # type: ignore[operator]
    if not 1900 <= at.year <= 9999:
        raise ValueError(f"the year {at.year} is out of range")
    return at


def _cost(text: str, what: str) -> Decimal:
    try:
        amount = Decimal(text.strip() or "0")
    except InvalidOperation:
        raise ValueError(f"{what} '{text[:40]}' is not a number") from None
    if not amount.is_finite() or abs(amount) > MAX_COST:
        raise ValueError(f"{what} {text[:40]} is beyond ±{MAX_COST:,}")
    return amount.quantize(Decimal("0.0001"))


def _tag(text: str, key: str) -> str:
    if not text.strip():
        return ""
    if len(text) > MAX_TAGS:
        raise ValueError(f"Tags is longer than {MAX_TAGS:,} characters")
    try:
        tags = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("Tags is not a JSON object such as {\"cost_centre\": \"CC-100\"}") \
            from None
    if not isinstance(tags, dict):
        raise ValueError("Tags is not a JSON object such as {\"cost_centre\": \"CC-100\"}")
    value = tags.get(key)
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()[:100]


def read_focus(path: str | Path, tag_key: str) -> FocusPlan:
    """Read and check a FOCUS file; refuse it whole if a column or any row is wrong."""
    key = tag_key.strip()
    if not key or len(key) > 100:
        raise ValidationError("Name the tag key that holds the cost centre, e.g. cost_centre.",
                              field="tag_key")
    table = read_table(path)
    index = {h.strip(): i for i, h in enumerate(table.headers)}
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise ValidationError(
            f"{table.source} is not a FOCUS cost-and-usage file: it lacks "
            f"{', '.join(missing)}. Export the bill in FOCUS format (1.0 or later) and import "
            "that file. Nothing was imported.")
    plan = FocusPlan(table.source, key)
    bad: list[str] = []
    currencies: set[str] = set()

    def cell(cells: list, name: str) -> str:
        i = index.get(name)
        if i is None or i >= len(cells) or cells[i] is None:
            return ""
        value = restore_neutralised(cells[i])
        return value.isoformat() if isinstance(value, datetime) else str(value)

    for number, cells in table.rows:
        try:
            start = _datetime(cell(cells, "ChargePeriodStart"))
            end = _datetime(cell(cells, "ChargePeriodEnd"))
            if end < start:
                raise ValueError("ChargePeriodEnd is before ChargePeriodStart")
            if end - start > timedelta(days=366):
                raise ValueError("the charge period is longer than a year")
            currency = cell(cells, "BillingCurrency").strip()[:10]
            currencies.add(currency)
            cc = _tag(cell(cells, "Tags"), key) or UNALLOCATED
            plan.rows.append(dict(
                month=Month.of(start.date()).index, period_start=start, period_end=end,
                billed_cost=_cost(cell(cells, "BilledCost"), "BilledCost"),
                effective_cost=_cost(cell(cells, "EffectiveCost"), "EffectiveCost"),
                currency=currency,
                provider=(cell(cells, "ProviderName")
                          or cell(cells, "ServiceProviderName"))[:MAX_TEXT],
                service_name=cell(cells, "ServiceName")[:MAX_TEXT],
                service_category=cell(cells, "ServiceCategory")[:MAX_TEXT],
                charge_category=cell(cells, "ChargeCategory")[:MAX_TEXT],
                resource_id=cell(cells, "ResourceId")[:MAX_TEXT],
                resource_name=cell(cells, "ResourceName")[:MAX_TEXT],
                tags=cell(cells, "Tags")[:MAX_TAGS], tag_key=key, cost_centre=cc,
                source=table.source[:MAX_TEXT]))
            plan.months.add(plan.rows[-1]["month"])
        except ValueError as exc:
            bad.append(f"row {number}: {exc}")
    if bad:
        more = f" (and {len(bad) - MAX_SHOWN} more)" if len(bad) > MAX_SHOWN else ""
        raise ValidationError(f"{table.source} has {len(bad)} rows that cannot be read: "
                              f"{'; '.join(bad[:MAX_SHOWN])}{more}. Fix them and import the "
                              "file again. Nothing was imported.")
    if not plan.rows:
        raise ValidationError(f"{table.source} has no charges. Nothing was imported.")
    if len(currencies) > 1:
        raise ValidationError(f"{table.source} mixes currencies ({', '.join(sorted(currencies))})"
                              ": import one currency per file. Nothing was imported.")
    plan.currency = currencies.pop()
    return plan


def store(db: pw.Database, op: OperatorRef, plan: FocusPlan) -> str:
    """Replace the charges of the plan's months with its rows (in the caller's unit of
    work); returns what was done, in words."""
    require(op.role, "costs")
    replaced = (CloudCharge.delete().where(CloudCharge.month.in_(sorted(plan.months)))
                .execute())
    for i in range(0, len(plan.rows), CHUNK):
        CloudCharge.insert_many(plan.rows[i:i + CHUNK]).execute()
    again = f", replacing {replaced} rows imported before" if replaced else ""
    return f"imported {plan.describe()}{again}"


def cloud_rows(db: pw.Database, month: Month) -> list[tuple]:
    """The month's stored charges (for export)."""
    c = CloudCharge
    return list(c.select(c.period_start, c.period_end, c.provider, c.service_name,
                         c.service_category, c.charge_category, c.resource_id,
                         c.billed_cost, c.effective_cost, c.currency, c.cost_centre)
                .where(c.month == month.index).order_by(c.period_start, c.id).tuples())
