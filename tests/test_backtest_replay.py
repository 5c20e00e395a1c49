"""Known answers for the ledger backtest: a hand-made ledger whose replay can be counted.

The ledger: one spare (unit cost 10) at one stockroom, bought from one supplier quoting
4 days, pack 1; exactly one unit issued every day for three years. The replay covers the
365 days before 2026-06-01. On such demand the forecast is 30.44 a month with no spread;
lead-time demand is 4 units, below 25, so the policy's slow-mover rule takes the Poisson
95 % quantile of 4: the reorder point is 8. The lot is 3 months of cover, 92 units.

Counted by hand (day 0 = 2025-06-01; ordered at the end of day d, usable from day d+L+1):
- start at 8 + 92 = 100 on hand; the position reaches 8 at the end of day 91: order 92;
- with the quoted 4 days it arrives on day 96 with 4 still on the shelf: served; the next
  orders go out on days 183 and 275 (every 92 days), arriving on days 188 and 280;
- 3 orders, 3 cycles, all served, no unit short, no stock-out day; stock on hand sums to
  4944 (days 0–95: 99 down to 4) + 4554 + 4554 (two full cycles: 95 down to 4) + 4505
  (days 280–364: 95 down to 11) = 18,557 unit-days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from inventory import models as m
from inventory.operators import os_operator
from inventory.replenishment.backtest import POLICY, run_backtest, shift_months

TODAY = date(2026, 6, 1)
START = date(2023, 6, 1)


def _ledger(db, *, min_quantity=None, receipts_days: float | None = None,
            every: int = 1) -> None:
    op = os_operator(db)
    loc = m.Location.create(name="HQ stockroom", code="SR-HQ", kind="stockroom")
    sup = m.Supplier.create(name="Acme", lead_time_days=4)
    prod = m.Product.create(name="USB-C cable", kind="spare", unit_cost=10,
                            category="Cables", min_quantity=min_quantity)
    m.SupplierOffer.create(supplier=sup, product=prod, unit_price=10, pack_size=1,
                           min_order=1, lead_time_days=4, preferred=True)
    rows = []
    d = START
    while d < TODAY:
        if (d - START).days % every:
            d += timedelta(days=1)
            continue
        rows.append(dict(at=datetime.combine(d, datetime.min.time()) + timedelta(hours=10),
                         kind="issue", product=prod.id, quantity=1, from_location=loc.id,
                         operator=op.id))
        d += timedelta(days=1)
    with db.atomic():
        for i in range(0, len(rows), 500):
            m.Movement.insert_many(rows[i:i + 500]).execute()
    if receipts_days is not None:
        # Three receipts on the last evening: the replayed policy never learns of them,
        # but deliveries in the replay draw their lead times from them.
        got = datetime.combine(TODAY - timedelta(days=1), datetime.min.time()) + timedelta(
            hours=18)
        for k in range(3):
            po = m.PurchaseOrder.create(number=f"PO-T-{k}", supplier=sup, ship_to=loc,
                                        status="received",
                                        ordered_at=got - timedelta(days=receipts_days),
                                        received_at=got)
            m.PurchaseOrderLine.create(order=po, product=prod, quantity=5,
                                       received_quantity=5, unit_price=10)


def test_shift_months_keeps_the_day_or_takes_the_last_of_a_short_month():
    assert shift_months(date(2026, 6, 1), -12) == date(2025, 6, 1)
    assert shift_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_steady_demand_with_the_quoted_lead_time_is_served_every_cycle(store):
    db, _ = store  # the same count on SQLite and on PostgreSQL
    _ledger(db)
    report = run_backtest(db, today=TODAY, months=12, service_level=0.95)
    assert (report.start, report.end) == (date(2025, 6, 1), date(2026, 5, 31))
    policy = report.result(POLICY)
    assert report.rows == 1 and policy.rows == 1
    assert policy.orders == 3
    assert policy.cycles == 3
    assert policy.csl == 1.0
    assert policy.fill_rate == 1.0
    assert policy.stockout_days == 0
    assert policy.stock_value == pytest.approx(18_557 * 10 / 365)
    assert report.result(POLICY, "smooth").rows == 1


def test_deliveries_slower_than_the_policy_knows_leave_every_cycle_short(store):
    """Observed receipts of 10 days that the replayed policy cannot know yet (they come in
    on the last evening): it plans for the quoted 4 days, so each cycle runs dry. Orders
    at the end of days 91, 183, 275 (8 on the shelf) arrive on days 102, 194, 286; the
    shelf is empty after day 99 and days 100 and 101 each leave one unit owed."""
    db, _ = store
    _ledger(db, receipts_days=10)
    policy = run_backtest(db, today=TODAY, months=12, service_level=0.95).result(POLICY)
    assert policy.orders == 3
    assert policy.cycles == 3
    assert policy.csl == 0.0
    assert policy.stockout_days == 6
    assert policy.fill_rate == pytest.approx(1 - 6 / 365)


def test_baseline_is_the_products_own_minimum_when_it_has_one(db):
    """Min 20 (max 2 × 20 = 40): start at 40, order up to 40 whenever the position is at
    or below 20: on the end of day 19 (20 on hand) order 20, arriving day 24 with 16 left;
    then every 20 days: days 19, 39, ..., 359 is 18 orders; deliveries on days 24, ...,
    364 is 18 cycles, none short."""
    _ledger(db, min_quantity=20)
    report = run_backtest(db, today=TODAY, months=12, service_level=0.95)
    base = report.result("baseline")
    assert base.orders == 18
    assert base.cycles == 18
    assert base.csl == 1.0
    assert base.stockout_days == 0


def test_baseline_without_a_minimum_is_one_month_of_usage_and_two_as_max(db):
    """Usage is 365/12 ≈ 30.4 a month: min 31, max 62. Start at 62; order 31 at the end
    of each day the position reaches 31: days 30, 61, ..., 340 (every 31 days, 11 orders),
    each arriving 5 days later with 27 still on the shelf (11 served cycles)."""
    _ledger(db)
    base = run_backtest(db, today=TODAY, months=12, service_level=0.95).result("baseline")
    assert base.orders == 11
    assert base.cycles == 11
    assert base.csl == 1.0


def test_unknown_location_is_refused_with_the_codes_to_use(db):
    _ledger(db)
    from inventory.errors import NotFound

    with pytest.raises(NotFound, match="SR-HQ"):
        run_backtest(db, today=TODAY, months=12, location="NOPE")


def test_months_out_of_range_are_refused(db):
    from inventory.errors import ValidationError

    with pytest.raises(ValidationError, match="between 1 and 36"):
        run_backtest(db, today=TODAY, months=0)


def test_an_intermittent_item_is_planned_on_its_own_history_and_says_so(db):
    """One unit every 45 days: in monthly buckets a gap every month or two (intermittent).
    Over 4 days of lead time, a window holds the unit 4 times in 45: the reorder point at
    95 % is 1 (0 would cover 91 %, 4 points short, counted twice: 8 > 1 over)."""
    from inventory.replenishment.engine import reorder_list

    _ledger(db, every=45)
    (line,) = reorder_list(db, today=TODAY, alerts_only=False)
    assert line.demand_class == "intermittent"
    assert line.rop_method == "compound"
    assert line.reorder_point == 1
    assert any("own demand days and sizes" in r for r in line.reasons())
    report = run_backtest(db, today=TODAY, months=12, service_level=0.95)
    assert report.result(POLICY, "intermittent").rows == 1


def test_location_filter_keeps_that_locations_rows(db):
    _ledger(db)
    m.Location.create(name="Branch", code="SR-BR", kind="stockroom")
    assert run_backtest(db, today=TODAY, months=3, location="sr-hq").rows == 1
    assert run_backtest(db, today=TODAY, months=3, location="SR-BR").rows == 0
