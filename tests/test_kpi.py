"""Each KPI on a small hand-computed case (SQLite and PostgreSQL), and the command."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from inventory import models as m
from inventory.commands import Issue, Receive
from inventory.costing import commands as cc
from inventory.costing import kpi
from inventory.services.receiving import ReceiptLine

from .costing_world import CostWorld

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(store, monkeypatch):
    db, _url = store
    w = CostWorld(db, monkeypatch)
    w.march()
    w.on(date(2026, 4, 10))
    w.run(Issue("CHG", 7, person="E1"))  # the shelf is empty from 10 April ...
    w.on(date(2026, 4, 20))
    w.run(Receive("SR-HQ", (ReceiptLine("CHG", quantity=5),)))  # ... until 20 April
    w.run(cc.SetBudget("CC-A", 2026, 1000))
    return w


def test_turns_days_of_supply_and_the_value_trend(world):
    k = kpi.compute(world.db, date(2026, 5, 1))
    # stock at cost on the first of Jun 2025 … May 2026 and today: 0 × 7 (before the
    # delivery), Feb and Mar 390 + the laptop 3,600, Apr 273, May 195, today 195
    assert k.average_stock == pytest.approx((3990 * 2 + 273 + 195 + 195) / 13)
    # issued 3 + 7 chargers (390) and the laptop checked out twice (7,200)
    assert k.issued_value == pytest.approx(7590)
    assert k.turns == pytest.approx(7590 / ((3990 * 2 + 273 + 195 + 195) / 13))
    assert k.days_of_supply == pytest.approx(195 / (7590 / 365))
    assert dict((mo, v) for mo, v, _ in k.trend)["2026-02"] == pytest.approx(3990)


def test_stock_value_per_location_and_aged_stock(world):
    k = kpi.compute(world.db, date(2026, 5, 1))
    assert k.by_location == [("HQ", pytest.approx(195))]  # the only site; no 3PL, no MSP
    assert (k.aged_90, k.aged_180) == (0, 0)  # the 5 on the shelf arrived on 20 April
    later = kpi.compute(world.db, date(2026, 9, 1))
    assert later.aged_90 == pytest.approx(195)  # nothing arrived since June
    assert later.aged_180 == 0  # they arrived within 180 days


def test_achieved_service_from_the_ledger(world):
    k = kpi.compute(world.db, date(2026, 5, 1))
    # the last 12 complete months (May 2025 – April 2026): chargers at the HQ stockroom,
    # stocked from 15 January: 106 days, empty on 10–19 April (10 days); 10 issued on the
    # 96 days in stock
    assert (k.service_items, k.stockout_days) == (1, 10)
    assert k.fill_rate == pytest.approx(10 / (10 + 10 / 96 * 10))
    assert k.meeting_target == 0
    [(name, where, available, target, out)] = k.below_target
    assert (name, where, out, target) == ("Charger 65 W", "HQ stockroom", 10, 0.95)
    assert available == pytest.approx(96 / 106)


def test_supplier_on_time_in_full_and_lead_time(world):
    s = m.Supplier.create(name="CDW", lead_time_days=7)
    loc = m.Location.get(m.Location.code == "SR-HQ")
    product = m.Product.get(m.Product.part_number == "CHG")
    for ordered, expected, received, full in (
            (date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 8), True),  # on time
            (date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 12), True),  # late
            (date(2026, 4, 1), date(2026, 4, 8), date(2026, 4, 5), False)):  # short
        po = m.PurchaseOrder.create(number=f"PO-{ordered}-{received}", supplier=s,
                                    ship_to=loc, status="received",
                                    ordered_at=datetime.combine(ordered, datetime.min.time()),
                                    expected_at=datetime.combine(expected,
                                                                 datetime.min.time()),
                                    received_at=datetime(received.year, received.month,
                                                         received.day, 10))
        m.PurchaseOrderLine.create(order=po, product=product, quantity=10,
                                   received_quantity=10 if full else 6, unit_price=35)
    k = kpi.compute(world.db, date(2026, 5, 1))
    [(name, n, otif, mean, sd, quoted)] = k.suppliers
    assert (name, n, quoted) == ("CDW", 3, 7)
    assert otif == pytest.approx(1 / 3)
    assert mean == pytest.approx((7 + 11 + 4) / 3)
    assert sd == pytest.approx(math.sqrt(((7 - 22 / 3) ** 2 + (11 - 22 / 3) ** 2
                                          + (4 - 22 / 3) ** 2) / 2))


def test_license_utilisation_cost_per_employee_and_budget(world):
    k = kpi.compute(world.db, date(2026, 5, 1))
    assert (k.seats_used, k.seats_owned, k.idle_cost) == (1, 2, pytest.approx(30))
    # April: Bob holds the laptop (100) and a seat (30); Ada was issued 7 chargers (273)
    assert dict((d, c) for d, _, c in k.per_employee) == {
        "Finance": pytest.approx(273), "Sales": pytest.approx(130)}
    [(centre, budget, spent)] = k.budgets
    assert (centre, budget) == ("CC-A", 1000)
    assert spent == pytest.approx(100 * 10 / 31 + 30 * 15 / 31 + 273)


def test_kpi_command_prints_every_kpi(demo_url, tmp_path):
    run = [sys.executable, str(ROOT / "main.py"), "--database", demo_url, "kpi"]
    out = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    for name in ("Inventory turns", "Days of supply", "Stock value", "Aged stock",
                 "Fill rate", "Stock-out days", "Supplier OTIF", "License utilisation",
                 "Idle seats", "Cost per employee", "Spend vs budget"):
        assert name in out
    assert "Northwind Logistics (3PL)" in out  # by name, not by kind
    xlsx = tmp_path / "kpi.xlsx"
    subprocess.run([*run, "--format", "xlsx", "-o", str(xlsx)], check=True,
                   capture_output=True)
    assert xlsx.stat().st_size > 1000
