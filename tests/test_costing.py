"""The cost model's conventions on hand-computed cases (SQLite and PostgreSQL), and the
demo's showback adding up to each month's total cost."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from inventory import models as m
from inventory import operations
from inventory.commands import AssignSeat, CheckIn, CheckOut, EditLicense, Issue
from inventory.costing import centres, charges, holdings, showback, spend, stockouts
from inventory.costing import commands as cc
from inventory.costing.calendar import Month
from inventory.costing.demo import sample_path
from inventory.costing.focus import read_focus
from inventory.costing.repairs import repairs
from inventory.costing.tables import DEFAULT_LIVES, IT_STOCK, UNALLOCATED, Repair
from inventory.errors import PermissionDenied, ValidationError

from .costing_world import CostWorld

MARCH = Month(2026, 3)
ROOT = Path(__file__).resolve().parent.parent


def amounts(db, month: Month, basis: str = "cost") -> dict[tuple[str, str], float]:
    sb = showback.showback(db, month, basis, to_date=False)
    return {(ln.cost_centre, k): v for ln in sb.lines for k, v in ln.amounts.items() if v}


@pytest.fixture
def world(store, monkeypatch):
    db, _url = store
    return CostWorld(db, monkeypatch)


def test_a_device_held_by_two_cost_centres_in_one_month_is_split_by_days(world):
    world.march()
    got = amounts(world.db, MARCH)
    # 3,600 over 36 months = 100 a month; March has 31 days: Ada 1–10, stock 11–20, Bob 21–31
    assert got[("CC-A", "devices")] == pytest.approx(100 * 10 / 31)
    assert got[("CC-B", "devices")] == pytest.approx(100 * 11 / 31)
    assert got[(IT_STOCK, "devices")] == pytest.approx(100 * 10 / 31)
    items = showback.items(world.db, MARCH, "CC-B")["devices"]
    assert [(i["tag"], i["days"], i["periods"]) for i in items] == [(world.laptop, 11, "21–31")]


def test_depreciation_starts_in_the_purchase_month_and_stops_when_the_life_is_used(world):
    assert amounts(world.db, Month(2026, 1))[(IT_STOCK, "devices")] == pytest.approx(100)
    assert amounts(world.db, Month(2028, 12))[(IT_STOCK, "devices")] == pytest.approx(100)
    assert (IT_STOCK, "devices") not in amounts(world.db, Month(2029, 1))
    assert (IT_STOCK, "devices") not in amounts(world.db, Month(2025, 12))


def test_a_category_or_product_rule_changes_the_monthly_charge(world):
    world.run(cc.SetDepreciation(category="laptop", life_months=24, residual_pct=10))
    assert amounts(world.db, Month(2026, 2))[(IT_STOCK, "devices")] == \
        pytest.approx(3600 * 0.9 / 24)
    world.run(cc.SetDepreciation(product="Latitude 7440", life_months=12))
    assert amounts(world.db, Month(2026, 2))[(IT_STOCK, "devices")] == pytest.approx(300)
    assert (IT_STOCK, "devices") not in amounts(world.db, Month(2027, 1))


def test_a_seat_moved_mid_month_is_split_and_the_idle_seat_stays_with_it(world):
    world.march()
    got = amounts(world.db, MARCH)
    # 2 seats × 30 a month; Ada 1–15 March, Bob 16–31 March, the second seat idle
    assert got[("CC-A", "licenses")] == pytest.approx(30 * 15 / 31)
    assert got[("CC-B", "licenses")] == pytest.approx(30 * 16 / 31)
    assert got[(IT_STOCK, "licenses")] == pytest.approx(30)


def _device_seat_march(world) -> None:
    """The laptop carries a seat of its own (no person) all March: Ada holds it 1–10, it
    is in stock 11–15, Bob holds it 16–31."""
    world.on(date(2026, 3, 1))
    world.run(AssignSeat(world.license, asset=world.laptop), CheckOut(world.laptop, person="E1"))
    world.on(date(2026, 3, 11))
    world.run(CheckIn(world.laptop))
    world.on(date(2026, 3, 16))
    world.run(CheckOut(world.laptop, person="E2"))


@pytest.mark.parametrize("overuse", [False, True], ids=["entitled", "overuse-allowed"])
def test_a_device_seat_goes_day_by_day_to_whoever_held_the_device(world, overuse):
    """Both ways of counting seats (month positions; over-use licenses month by month)
    and the drill-down give the same days."""
    if overuse:
        world.run(EditLicense(world.license, (("allow_overuse", True),)))
    _device_seat_march(world)
    # Bob moves from CC-B to CC-C on 24 March: his days 16–23 stay, 24–31 go along
    world.move("E2", "CC-C", date(2026, 3, 24))
    got = amounts(world.db, MARCH)
    assert got[("CC-A", "licenses")] == pytest.approx(30 * 10 / 31)
    assert got[("CC-B", "licenses")] == pytest.approx(30 * 8 / 31)
    assert got[("CC-C", "licenses")] == pytest.approx(30 * 8 / 31)
    # 11–15 in stock, and the second seat idle all month
    assert got[(IT_STOCK, "licenses")] == pytest.approx(30 * 5 / 31 + 30)
    # the device itself follows the same days
    assert got[("CC-A", "devices")] == pytest.approx(100 * 10 / 31)
    assert got[("CC-C", "devices")] == pytest.approx(100 * 8 / 31)
    sb = showback.showback(world.db, MARCH, to_date=False)
    assert sb.kind_total("licenses") == pytest.approx(2 * 30)
    tag = world.laptop
    seats = {cc: [(i["holder"], i["days"], round(i["amount"], 6))
                  for i in showback.items(world.db, MARCH, cc)["licenses"]]
             for cc in ("CC-A", "CC-B", "CC-C", IT_STOCK)}
    assert seats["CC-A"] == [(f"{tag}, held by Ada Lovelace (E1)", 10, round(300 / 31, 6))]
    assert seats["CC-B"] == [(f"{tag}, held by Bob Marley (E2)", 8, round(240 / 31, 6))]
    assert seats["CC-C"] == [(f"{tag}, held by Bob Marley (E2)", 8, round(240 / 31, 6))]
    assert sorted(seats[IT_STOCK]) == sorted([("seats nobody held", 31, 30.0),
                                              (f"{tag}, not held", 5, round(150 / 31, 6))])
    # a run of months (January to March, as spend to date counts it) agrees
    runs = charges.license_runs(world.db, [(Month(2026, 1), MARCH)])[0]
    by_cc = defaultdict(float)
    for c in runs:
        by_cc[c.cost_centre] += c.amount
    assert by_cc["CC-A"] == pytest.approx(30 * 10 / 31)
    assert by_cc["CC-C"] == pytest.approx(30 * 8 / 31)
    assert by_cc[IT_STOCK] == pytest.approx(30 * 5 / 31 + 30 + 2 * 30 * 2)


def test_a_device_seat_in_a_month_the_device_stays_in_stock_goes_to_it_stock(world):
    _device_seat_march(world)
    world.on(date(2026, 4, 1))
    world.run(CheckIn(world.laptop))
    world.on(date(2026, 5, 1))
    got = amounts(world.db, Month(2026, 4))
    assert got[(IT_STOCK, "licenses")] == pytest.approx(2 * 30)
    assert ("CC-B", "licenses") not in got


def test_an_annual_seat_price_is_charged_a_twelfth_a_month(world):
    world.run(cc.SetLicensePeriod(str(world.license), "year"))
    assert amounts(world.db, Month(2026, 2))[(IT_STOCK, "licenses")] == \
        pytest.approx(2 * 30 / 12)


def test_spares_are_charged_at_issue_to_the_person_issued_to(world):
    world.march()
    got = amounts(world.db, MARCH)
    assert got[("CC-B", "spares")] == pytest.approx(3 * 39)
    assert ("CC-A", "spares") not in got
    [item] = showback.items(world.db, MARCH, "CC-B")["spares"]
    assert (item["date"], item["quantity"], item["unit_cost"]) == ("2026-03-05", 3, 39)


def test_a_damaged_check_in_opens_a_repair_charged_to_who_held_it(world):
    world.march()  # Bob holds the laptop from 21 March
    world.damage(date(2026, 4, 2))
    [r] = repairs(world.db, tag=world.laptop)
    assert (r.cost_centre, r.is_open, r.held_by) == ("CC-B", True, "Bob Marley (E2)")
    world.on(date(2026, 5, 3))
    world.run(cc.UpdateRepair(r.id, vendor="Dell ProSupport", reference="RMA-1",
                              sent_on=date(2026, 4, 3), returned_on=date(2026, 5, 2),
                              cost="150", outcome="repaired"))
    assert amounts(world.db, Month(2026, 5))[("CC-B", "repairs")] == pytest.approx(150)
    assert ("CC-B", "repairs") not in amounts(world.db, Month(2026, 4))
    [item] = showback.items(world.db, Month(2026, 5), "CC-B")["repairs"]
    assert (item["vendor"], item["reference"], item["outcome"]) == \
        ("Dell ProSupport", "RMA-1", "repaired")


def test_a_repair_with_dates_out_of_order_is_refused_and_nothing_changes(world):
    world.march()
    world.damage(date(2026, 4, 2))
    [r] = repairs(world.db, tag=world.laptop)
    world.on(date(2026, 5, 1))
    with pytest.raises(ValidationError, match="came back before it was sent"):
        world.run(cc.UpdateRepair(r.id, sent_on=date(2026, 4, 10),
                                  returned_on=date(2026, 4, 5), cost="80"))
    assert Repair.get_by_id(r.id).cost == 0


def test_a_rate_card_line_prices_the_device_and_says_so(world):
    world.march()
    world.run(cc.SetRate("device", category="Laptop", amount=80),
              cc.SetRate("spares", amount=10))
    got = amounts(world.db, MARCH, "price")
    assert got[("CC-A", "devices")] == pytest.approx(80 * 10 / 31)
    assert got[("CC-B", "spares")] == pytest.approx(3 * 39 * 1.1)
    assert got[("CC-A", "licenses")] == pytest.approx(30 * 15 / 31)  # no seat rate: cost
    line = showback.showback(world.db, MARCH, "price", to_date=False).line("CC-A")
    assert line.basis == "cost+price"
    [item] = showback.items(world.db, MARCH, "CC-A", "price")["devices"]
    assert (item["monthly"], item["basis"]) == (80, "price")
    assert amounts(world.db, MARCH, "cost")[("CC-A", "devices")] == pytest.approx(100 * 10 / 31)


def focus_file(tmp_path: Path, rows: list[tuple[str, str, str]], name="bill.csv") -> Path:
    lines = ["ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,"
             "ServiceName,ServiceCategory,ResourceId,Tags"]
    for day, cost, tags in rows:
        lines.append(f'{day}T00:00:00Z,{day}T23:00:00Z,{cost},{cost},USD,Amazon EC2,Compute,'
                     f'i-1,"{tags}"')
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_focus_rows_go_to_the_tagged_cost_centre_and_untagged_to_unallocated(world, tmp_path):
    path = focus_file(tmp_path, [("2026-03-02", "10.50", '{""team"": ""CC-A""}'),
                                 ("2026-03-03", "4.25", '{""team"": ""CC-A""}'),
                                 ("2026-03-04", "7", '{""env"": ""prod""}'),
                                 ("2026-03-05", "1", "")])
    world.run(cc.ImportFocus(read_focus(path, "team")))
    got = amounts(world.db, MARCH)
    assert got[("CC-A", "cloud")] == pytest.approx(14.75)
    assert got[(UNALLOCATED, "cloud")] == pytest.approx(8)


def test_re_importing_a_period_replaces_it(world, tmp_path):
    first = focus_file(tmp_path, [("2026-03-02", "100", '{""team"": ""CC-A""}'),
                                  ("2026-04-02", "50", '{""team"": ""CC-A""}')], "one.csv")
    world.run(cc.ImportFocus(read_focus(first, "team")))
    again = focus_file(tmp_path, [("2026-03-09", "60", '{""team"": ""CC-B""}')], "two.csv")
    world.run(cc.ImportFocus(read_focus(again, "team")))
    world.run(cc.ImportFocus(read_focus(again, "team")))  # the same file twice: once
    assert amounts(world.db, MARCH)[("CC-B", "cloud")] == pytest.approx(60)
    assert ("CC-A", "cloud") not in amounts(world.db, MARCH)
    assert amounts(world.db, Month(2026, 4))[("CC-A", "cloud")] == pytest.approx(50)


@pytest.mark.parametrize("content, message", [
    ("ServiceName,BilledCost\nEC2,1\n", "not a FOCUS cost-and-usage file"),
    ("ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,Tags\n"
     "2026-03-01,2026-03-02,1e999,1,USD,\n", "beyond"),
    ("ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,Tags\n"
     "yesterday,2026-03-02,1,1,USD,\n", "not a date"),
    ("ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,Tags\n"
     "2026-03-01,2026-03-02,1,1,USD," + '"' + "[" * 5000 + '"\n', "not a JSON object"),
    ("ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,Tags\n"
     "2026-03-01,2026-03-02,1,1,USD,\n2026-03-01,2026-03-02,1,1,EUR,\n", "mixes currencies"),
])
def test_a_hostile_or_wrong_focus_file_is_refused_whole(world, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        read_focus(path, "cost_centre")
    assert not amounts(world.db, MARCH).get((UNALLOCATED, "cloud"))


def test_a_formula_in_a_focus_tag_is_kept_as_text(world, tmp_path):
    path = focus_file(tmp_path, [("2026-03-02", "5", '{""team"": ""=HYPERLINK(1)""}')])
    world.run(cc.ImportFocus(read_focus(path, "team")))
    assert amounts(world.db, MARCH)[("=HYPERLINK(1)", "cloud")] == pytest.approx(5)


def test_cost_writes_need_the_role(world):
    viewer = m.Operator.create(username="viewer1", role="service_desk")
    from inventory.operators import OperatorRef

    op = OperatorRef(viewer.id, viewer.username, "", viewer.role)
    for command in (cc.SetBudget("CC-A", 2026, 1000), cc.SetRate("spares", amount=5),
                    cc.SetDepreciation(category="laptop", life_months=12)):
        with pytest.raises(PermissionDenied):
            operations.execute(world.db, op, command)


@pytest.mark.parametrize("command, field", [
    (cc.SetDepreciation(category="laptop", life_months=0), "life_months"),
    (cc.SetDepreciation(category="laptop", life_months=10**9), "life_months"),
    (cc.SetDepreciation(category="laptop", life_months=12, residual_pct=101), "residual_pct"),
    (cc.SetRate("spares", amount=10**6), "amount"),
    (cc.SetRate("device", category="laptop", amount=-1), "amount"),
    (cc.SetBudget("CC-A", 2026, "1e30"), "amount"),
    (cc.SetBudget("", 2026, 10), "cost_centre"),
])
def test_numbers_beyond_the_limits_are_refused(world, command, field):
    with pytest.raises(ValidationError) as exc:
        world.run(command)
    assert exc.value.field == field


def test_budget_and_spend_to_date(world):
    world.march()
    world.run(cc.SetBudget("CC-A", 2026, 1000))
    line = showback.showback(world.db, MARCH).line("CC-A")
    assert line.budget == 1000
    assert line.spent_to_date == pytest.approx(100 * 10 / 31 + 30 * 15 / 31)
    assert line.budget_used == pytest.approx(line.spent_to_date / 1000)


def test_the_projections_agree_with_the_ledger(world):
    world.march()
    world.damage(date(2026, 4, 2))
    assert holdings.differences(world.db) == []
    assert stockouts.differences(world.db) == []
    assert spend.differences(world.db) == []

    def monthly():
        s = spend.SpendMonth
        return sorted(s.select(s.month, s.cost_centre, s.category, s.quantity, s.value)
                      .tuples(), key=str)

    before_spend = monthly()
    assert before_spend  # Bob's chargers
    spend.rebuild(world.db)  # the trigger and the ledger give the same rows
    assert monthly() == before_spend
    b = stockouts.Balance

    def balances():
        return sorted(b.select(b.product, b.location, b.quantity, b.first_in, b.out_since)
                      .tuples(), key=str)

    before = balances()
    stockouts.rebuild(world.db)  # the trigger and the replay give the same balances
    assert balances() == before
    assert holdings.Holding.select().count() == m.Movement.select().where(
        m.Movement.asset.is_null(False) & m.Movement.asset_status.is_null(False)).count()


def test_a_person_who_moves_cost_centre_mid_month_takes_the_later_days_along(world):
    """Ada moves from CC-A to CC-C on 6 March: the days before stay with CC-A, that day and
    the later ones go to CC-C; a spare goes where she belonged at the moment of the issue."""
    world.on(date(2026, 3, 1))
    world.run(CheckOut(world.laptop, person="E1"), AssignSeat(world.license, person="E1"))
    world.on(date(2026, 3, 5))
    world.run(Issue("CHG", 1, person="E1"))
    world.move("E1", "CC-C", date(2026, 3, 6))
    world.on(date(2026, 3, 7))
    world.run(Issue("CHG", 2, person="E1"))
    world.on(date(2026, 3, 11))
    world.run(CheckIn(world.laptop))
    got = amounts(world.db, MARCH)
    assert got[("CC-A", "devices")] == pytest.approx(100 * 5 / 31)  # 1–5 March
    assert got[("CC-C", "devices")] == pytest.approx(100 * 5 / 31)  # 6–10 March
    assert got[("CC-A", "licenses")] == pytest.approx(30 * 5 / 31)  # her seat, 1–5
    assert got[("CC-C", "licenses")] == pytest.approx(30 * 26 / 31)  # 6–31
    assert got[("CC-A", "spares")] == pytest.approx(39)
    assert got[("CC-C", "spares")] == pytest.approx(2 * 39)
    items = showback.items(world.db, MARCH, "CC-C")
    assert [(i["tag"], i["days"], i["periods"]) for i in items["devices"]] == \
        [(world.laptop, 5, "06–10")]
    assert [(i["days"], i["license"]) for i in items["licenses"]] == [(26, "Office suite")]
    assert [i["quantity"] for i in items["spares"]] == [2]
    assert [i["quantity"] for i in showback.items(world.db, MARCH, "CC-A")["spares"]] == [1]
    sb = showback.showback(world.db, MARCH, to_date=False)
    assert sb.total == pytest.approx(100 + 2 * 30 + 3 * 39)  # nothing lost, nothing twice
    # April: she is in CC-C all month, and February stays as it was
    assert amounts(world.db, Month(2026, 4))[("CC-C", "licenses")] == pytest.approx(30)
    assert ("CC-C", "devices") not in amounts(world.db, Month(2026, 2))
    assert [cc for cc, _ in centres.history(world.db, m.Person.get(
        m.Person.employee_id == "E1").id)] == ["CC-A"]
    assert spend.differences(world.db) == []


def test_a_people_import_that_moves_someone_keeps_the_earlier_days(world, tmp_path):
    world.on(date(2026, 3, 1))
    world.run(CheckOut(world.laptop, person="E2"))
    world.on(date(2026, 3, 16))
    people = tmp_path / "people.csv"
    people.write_text("Employee id,Name,Cost centre\nE2,Bob Marley,CC-D\n", encoding="utf-8")
    from inventory.exchange.importer import import_file

    report = import_file(world.db, world.op, people, kind="people")
    assert report.count("update") == 1
    got = amounts(world.db, MARCH)
    assert got[("CC-B", "devices")] == pytest.approx(100 * 15 / 31)
    assert got[("CC-D", "devices")] == pytest.approx(100 * 16 / 31)
    assert ("CC-D", "devices") not in amounts(world.db, Month(2026, 2))


def test_the_default_lives_are_the_issues():
    assert DEFAULT_LIVES == {"laptop": 36, "phone": 24, "tablet": 36, "monitor": 60,
                             "dock": 48, "other": 36}


# -- the demo: every month adds up -----------------------------------------------------------

def expected_totals(db, months: list[Month]) -> dict[Month, float]:
    """Each month's total cost computed another way: asset by asset, license by license,
    movement by movement, in Python."""
    from inventory.costing.tables import CloudCharge, DepreciationRule, LicensePricing

    rules = {r.category: (r.life_months, float(r.residual_pct))
             for r in DepreciationRule.select() if r.category}
    devices = []
    for a in m.Asset.select(m.Asset, m.Product).join(m.Product).where(
            m.Product.kind == "device"):
        if a.purchase_cost and a.purchase_date is not None:
            life, res = rules.get(a.product.category.lower(), rules["other"])
            devices.append((Month.of(a.purchase_date).index, life,
                            float(a.purchase_cost) * (100 - res) / 100 / life))
    yearly = {p.license_id for p in LicensePricing.select() if p.period == "year"}
    seats = defaultdict(list)
    for s in m.LicenseSeat.select():
        seats[s.license_id].append((s.assigned_at.date(),
                                    s.released_at.date() if s.released_at else None))
    spares = defaultdict(float)
    for mv in m.Movement.select(m.Movement, m.Product).join(m.Product).where(
            m.Movement.kind.in_(("issue", "consume", "return")) & m.Movement.asset.is_null()):
        sign = -1 if mv.kind == "return" else 1
        spares[Month.of(mv.at.date())] += sign * mv.quantity * float(
            mv.unit_cost if mv.unit_cost is not None else mv.product.unit_cost)
    out = {}
    for month in months:
        total = sum(charge for start, life, charge in devices
                    if start <= month.index < start + life)
        for lic in m.License.select():
            first = max(lic.starts_on, month.first)
            last = min(lic.ends_on or month.end, month.end)
            if last <= first:
                continue
            monthly = float(lic.cost_per_seat) / (12 if lic.id in yearly else 1)
            used = sum(max(0, (min(r or last, last) - max(a, first)).days)
                       for a, r in seats[lic.id])
            total += monthly * max(lic.seats * (last - first).days, used) / month.days
        total += spares[month]
        total += sum(float(r.cost) for r in Repair.select()
                     if Month.of(r.returned_on or r.opened_on) == month)
        total += sum(float(c.effective_cost) for c in CloudCharge.select()
                     .where(CloudCharge.month == month.index))
        out[month] = total
    return out


@pytest.mark.slow
@pytest.mark.every_demo_date
def test_every_demo_month_adds_up_to_its_total_cost(demo_db, today):
    first, last = Month.of(today - timedelta(days=729)), Month.of(today)
    months = [Month.from_index(i) for i in range(first.index, last.index + 1)]
    expected = expected_totals(demo_db, months)
    for month in months:
        sb = showback.showback(demo_db, month, to_date=False)
        assert sb.total == pytest.approx(expected[month], rel=1e-9, abs=1e-6), month
        for line in sb.lines:  # nothing charged twice: no line below zero
            assert all(v > -1e-6 for k, v in line.amounts.items() if k != "spares"), \
                (month, line)
    assert len(months) >= 24  # the demo's two years of history, month by month


def test_the_demo_has_repairs_budgets_a_rate_card_and_the_focus_sample(demo_db, today):
    sb = showback.showback(demo_db, Month.of(today).shift(-1))
    assert sb.kind_total("cloud") > 0 and sb.line(UNALLOCATED).amounts["cloud"] > 0
    assert sum(1 for ln in sb.lines if ln.budget) >= 5
    assert Repair.select().where(Repair.cost > 0).count() > 5
    price = showback.showback(demo_db, Month.of(today).shift(-1), "price", to_date=False)
    assert price.total > showback.showback(demo_db, Month.of(today).shift(-1),
                                           to_date=False).total
    assert len(read_focus(sample_path(), "cost_centre").rows) > 100


def test_showback_cli_lines_add_up_and_items_name_the_days(demo_url, tmp_path, today):
    month = Month.of(today).shift(-1)
    run = [sys.executable, str(ROOT / "main.py"), "--database", demo_url, "showback",
           "--month", str(month)]
    out = subprocess.run(run, capture_output=True, text=True, check=True)
    firsts = [ln.split()[0] for ln in out.stdout.splitlines()[2:]]
    assert {"CC-100", "IT", "unallocated", "Total"} <= set(firsts)
    assert "total cost of the month" in out.stderr
    csv_out = tmp_path / "sb.csv"
    subprocess.run([*run, "--format", "csv", "-o", str(csv_out)], check=True,
                   capture_output=True)
    import csv

    with csv_out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[1:]
    t = header.index("Total")
    parts = [float(r[t]) for r in data if r[0] != "Total"]
    [grand] = [float(r[t]) for r in data if r[0] == "Total"]
    assert sum(parts) == pytest.approx(grand, abs=0.01 * len(parts))
    cc_out = subprocess.run([*run, "--cost-centre", "CC-300"], capture_output=True,
                            text=True, check=True).stdout
    assert "Devices (" in cc_out and "Days of the month" in cc_out
    bad = subprocess.run([*run[:-2], "--month", "2026-13"], capture_output=True, text=True)
    assert bad.returncode != 0 and "YYYY-MM" in bad.stderr
    none = subprocess.run([*run, "--cost-centre", "NOPE"], capture_output=True, text=True)
    assert none.returncode == 1 and "No cost centre 'NOPE'" in none.stderr


def test_repairs_export_formula_safe(demo_url, tmp_path):
    out = tmp_path / "repairs.csv"
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--database", demo_url, "repair",
                    "list", "-o", str(out)], check=True, capture_output=True)
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("Repair,Asset tag,Product,Opened,Cost centre")
    assert text.count("\n") > 5


def test_focus_import_cli_dry_run_and_role(demo_url):
    base = [sys.executable, str(ROOT / "main.py"), "--database", demo_url, "focus", "import",
            str(sample_path()), "--tag-key", "cost_centre"]
    dry = subprocess.run([*base, "--dry-run"], capture_output=True, text=True, check=True)
    assert "dry run" in dry.stdout and "unallocated" in dry.stdout
    real = subprocess.run(base, capture_output=True, text=True, check=True)
    assert "imported 728 rows" in real.stdout
