"""The reorder engine, license alerts and purchase orders on a small explicit world.

World (built through the catalogue services; history rows written with past dates):
site stockroom SR-HQ served by 3PL-NW (transfer lane 2 days); charger CHG bought
from CDW (quoted 5 days, pack 10, minimum 20); mouse MSE from Dell (quoted 9
days). SR-HQ issued 4 chargers every month for 24 months.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from inventory import models as m
from inventory.operators import os_operator
from inventory.replenishment.engine import (
    BUY,
    TRANSFER,
    WAIT,
    ReorderSettings,
    reorder_list,
)
from inventory.replenishment.licenses import asset_alerts, license_alerts
from inventory.services import catalog, ordering
from inventory.services.ledger import add_stock, record

TODAY = date(2026, 6, 15)


def _months_back(k: int) -> datetime:
    y, mo = divmod(TODAY.year * 12 + TODAY.month - 1 - k, 12)
    return datetime(y, mo + 1, 10, 12)


@pytest.fixture
def world(db):
    return build(db)


def build(db):
    op = os_operator(db)
    catalog.create_location(db, op, "HQ stockroom", "SR-HQ", "stockroom")
    catalog.create_location(db, op, "Northwind 3PL", "3PL-NW", "3pl", partner="Northwind")
    catalog.set_transfer_lane(db, op, "3PL-NW", "SR-HQ", 2)
    catalog.create_product(db, op, "USB-C charger", "spare", part_number="CHG", unit_cost=30)
    catalog.create_product(db, op, "Mouse", "spare", part_number="MSE", unit_cost=20)
    catalog.create_supplier(db, op, "CDW", lead_time_days=7)
    catalog.create_supplier(db, op, "Dell", lead_time_days=9)
    catalog.add_offer(db, op, "CDW", "CHG", unit_price=25, lead_time_days=5, pack_size=10,
                      min_order=20, preferred=True)
    catalog.add_offer(db, op, "Dell", "MSE", unit_price=15, lead_time_days=9)
    hq = m.Location.get(code="SR-HQ")
    tpl = m.Location.get(code="3PL-NW")
    chg = m.Product.get(part_number="CHG")
    mse = m.Product.get(part_number="MSE")
    with db.atomic():
        for k in range(1, 25):
            record(op, "issue", chg, quantity=4, from_location=hq, at=_months_back(k))
            record(op, "issue", mse, quantity=2 + k % 2, from_location=tpl, at=_months_back(k))
    return db, op, hq, tpl, chg, mse


def _line(lines, product, location):
    found = [ln for ln in lines if ln.product_id == product.id and ln.location_id == location.id]
    return found[0] if found else None


def _all(db):
    return reorder_list(db, today=TODAY, alerts_only=False, settings=ReorderSettings())


def test_site_below_rop_is_refilled_by_transfer_from_its_3pl(world):
    db, op, hq, tpl, chg, _ = world
    add_stock(chg.id, tpl.id, 50)
    add_stock(chg.id, hq.id, 1)
    ln = _line(_all(db), chg, hq)
    assert ln.demand_per_month == pytest.approx(4, abs=0.01)
    assert ln.demand_class == "smooth"
    assert ln.lead_time_days == 2 and "transfer lane from 3PL-NW" in ln.lead_time_source
    assert ln.alert and ln.position <= ln.reorder_point
    assert ln.action == TRANSFER and ln.source == "3PL-NW"
    assert ln.quantity > 0 and ln.quantity <= 50
    assert any("Transfer from 3PL-NW" in r for r in ln.reasons())


def test_site_buys_direct_when_3pl_has_none_and_supplier_is_faster(world):
    db, op, hq, tpl, chg, _ = world
    ln = _line(_all(db), chg, hq)
    assert ln.alert and ln.action == BUY and ln.supplier == "CDW"
    assert "holds none" in ln.note
    # pack 10, minimum 20: a multiple of 10, at least 20
    assert ln.quantity >= 20 and ln.quantity % 10 == 0


def test_site_waits_when_the_3pl_delivery_is_sooner_than_buying(world):
    db, op, hq, tpl, chg, _ = world
    cdw = m.Supplier.get(name="CDW")
    now = datetime.combine(TODAY, datetime.min.time())
    po = m.PurchaseOrder.create(number="PO-T-1", supplier=cdw, ship_to=tpl, status="ordered",
                                ordered_at=now - timedelta(days=4),
                                expected_at=now + timedelta(days=1))
    m.PurchaseOrderLine.create(order=po, product=chg, quantity=40, unit_price=25)
    ln = _line(_all(db), chg, hq)
    assert ln.action == WAIT and ln.quantity == 0 and "arrives in 1 days" in ln.note


def test_3pl_reorders_on_its_own_demand_over_the_supplier_lead_time(world):
    db, op, hq, tpl, _, mse = world
    add_stock(mse.id, tpl.id, 1)
    ln = _line(_all(db), mse, tpl)
    assert ln.demand_per_month == pytest.approx(2.5, abs=0.3)
    assert ln.lead_time_days == 9 and "quoted by Dell" in ln.lead_time_source
    assert ln.alert and ln.action == BUY and ln.source == "Dell"
    # 3 months of cover (7.5) + shortfall below the ROP, whole units
    assert ln.quantity >= 8
    assert ln.order_by == TODAY and ln.stockout is not None


def _received_po(n, supplier, tpl, product, days):
    ordered = datetime(2025, 1, 1) + timedelta(days=40 * n)
    po = m.PurchaseOrder.create(number=f"PO-R-{n}", supplier=supplier, ship_to=tpl,
                                status="received", ordered_at=ordered,
                                received_at=ordered + timedelta(days=days))
    m.PurchaseOrderLine.create(order=po, product=product, quantity=5, received_quantity=5,
                               unit_price=15)


def test_lead_time_is_quoted_until_three_receipts_then_observed(world):
    db, op, hq, tpl, _, mse = world
    dell = m.Supplier.get(name="Dell")
    _received_po(1, dell, tpl, mse, 12)
    _received_po(2, dell, tpl, mse, 16)
    ln = _line(_all(db), mse, tpl)
    assert ln.lead_time_days == 9 and ln.lead_time_source.startswith("quoted")
    _received_po(3, dell, tpl, mse, 20)
    ln = _line(_all(db), mse, tpl)
    assert ln.lead_time_days == pytest.approx(16)
    assert ln.lead_time_sd_days == pytest.approx((32 / 3) ** 0.5)  # population sd of 12,16,20
    assert "observed over 3 receipts" in ln.lead_time_source


def test_approve_makes_draft_orders_grouped_by_supplier_and_place_sets_expected(world):
    db, op, hq, tpl, chg, mse = world
    add_stock(mse.id, tpl.id, 1)
    lines = [ln for ln in _all(db) if ln.alert and ln.action == BUY]
    assert {ln.supplier for ln in lines} == {"CDW", "Dell"}
    views = ordering.approve(db, op, lines)
    assert sorted(v.supplier for v in views) == ["CDW", "Dell"]
    assert all(v.status == "draft" for v in views)
    cdw = next(v for v in views if v.supplier == "CDW")
    assert cdw.lines[0][1] % 10 == 0 and cdw.lines[0][3] == 25
    # drafts count as on order: the same lines are no longer alerts
    again = [ln for ln in reorder_list(db, today=TODAY) if ln.action == BUY]
    assert again == []
    placed = ordering.place(db, op, cdw.number)
    assert placed.status == "ordered" and placed.expected_at is not None
    text = ordering.order_csv(db, cdw.number)
    assert text.splitlines()[0].startswith("supplier_part,part_number,product,quantity")
    assert "USB-C charger" in text
    pdf = ordering.order_pdf(db, cdw.number)  # read back in tests/test_ui_orders.py
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    doc = ordering.order_document(db, cdw.number)
    assert [ln.product for ln in doc.lines][0].startswith("USB-C charger")
    assert doc.total == sum(ln.unit_price * ln.quantity for ln in doc.lines)


def test_approve_refuses_transfer_lines(world):
    from inventory.errors import ValidationError

    db, op, hq, tpl, chg, _ = world
    add_stock(chg.id, tpl.id, 50)
    ln = _line(_all(db), chg, hq)
    with pytest.raises(ValidationError, match="transfer"):
        ordering.approve(db, op, [ln])


def test_license_renewal_window_true_up_and_reclaimable(db):
    op = os_operator(db)
    catalog.create_product(db, op, "Visio Plan 2", "license")
    catalog.create_supplier(db, op, "Softcat")
    catalog.create_person(db, op, "E1", "Ada Lovelace")
    catalog.create_person(db, op, "E2", "Alan Turing")
    catalog.create_person(db, op, "E3", "Grace Hopper")
    catalog.mark_left(db, op, "E3", date(2026, 5, 1))
    catalog.create_license(db, op, "Visio Plan 2", 2, starts_on=date(2025, 7, 1),
                           ends_on=date(2026, 7, 31), cost_per_seat=120, vendor="Softcat",
                           notice_days=30, renewal_lead_days=20, allow_overuse=True)
    lic = m.License.get()
    for i, who in enumerate(("E1", "E2", "E3")):
        m.LicenseSeat.create(license=lic, person=m.Person.get(employee_id=who),
                             assigned_at=datetime(2025, 8 + 2 * i, 1))
    # decision due 31 Jul − 30 = 1 Jul; alert from 1 Jul − 20 (renewal lead time) = 11 Jun
    (a,) = license_alerts(db, today=date(2026, 6, 10))
    assert a.decision_due == date(2026, 7, 1) and a.alert_from == date(2026, 6, 11)
    assert not a.renewal_due
    (a,) = license_alerts(db, today=date(2026, 6, 11))
    assert a.renewal_due
    (a,) = license_alerts(db, today=date(2026, 8, 1))  # ended: expired, no longer "due"
    assert not a.renewal_due
    assert a.used == 3 and a.over == 1 and a.true_up == 120
    assert a.seats_alert and a.reclaimable == ("Grace Hopper",)
    assert a.seats_per_month > 0


def test_overdue_loans_and_warranty_ends(world):
    db, op, *_ = world
    catalog.create_product(db, op, "Laptop", "device", manufacturer="Dell", part_number="LAP")
    lap = m.Product.get(part_number="LAP")
    person = m.Person.create(employee_id="E9", name="Loan Holder")
    m.Asset.create(tag="IT-1", serial="S1", product=lap, status="deployed", holder=person,
                   due_date=TODAY - timedelta(days=3), warranty_end=TODAY + timedelta(days=10))
    m.Asset.create(tag="IT-2", serial="S2", product=lap, status="in_stock",
                   warranty_end=TODAY + timedelta(days=400))
    warranty, loans = asset_alerts(db, today=TODAY)
    assert [a.tag for a in warranty] == ["IT-1"]
    assert [(a.tag, a.holder) for a in loans] == [("IT-1", "Loan Holder")]


def test_spare_devices_get_the_same_treatment_on_in_stock_assets(world):
    db, op, hq, *_ = world
    catalog.create_product(db, op, "Dock", "device", manufacturer="Dell", part_number="DOCK")
    dock = m.Product.get(part_number="DOCK")
    m.Product.update(keep_spares=True).where(m.Product.id == dock.id).execute()
    m.Asset.create(tag="IT-9", serial="D9", product=dock, status="in_stock", location=hq)
    with db.atomic():
        for k in range(1, 25):
            record(op, "check_out", dock, quantity=1, from_location=hq, at=_months_back(k))
    ln = _line(_all(db), dock, hq)
    assert ln.on_hand == 1 and ln.demand_per_month == pytest.approx(1, abs=0.01)
    assert ln.alert


def test_sql_buckets_and_lead_times_agree_on_sqlite_and_postgres(store):
    db, _ = store
    db, op, hq, tpl, chg, mse = build(db)
    dell = m.Supplier.get(name="Dell")
    for n, days in ((1, 12), (2, 16), (3, 20)):
        _received_po(n, dell, tpl, mse, days)
    add_stock(mse.id, tpl.id, 1)
    lines = _all(db)
    ln = _line(lines, mse, tpl)
    assert ln.lead_time_days == pytest.approx(16)
    assert ln.history == tuple(float(2 + k % 2) for k in range(24, 0, -1))
    assert _line(lines, chg, hq).history == (4.0,) * 24


@pytest.mark.every_demo_date
def test_reorder_cli_prints_the_list_as_table_and_csv(demo_url):
    import csv
    import io
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, STOCKROOM_DATABASE="")

    def run(*args):
        return subprocess.run([sys.executable, "main.py", "--database", demo_url, *args],
                              cwd=root, env=env, capture_output=True, text=True, timeout=120)

    table = run("reorder")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split()[:3] == ["product", "location", "action"]
    assert "at or below their reorder point" in table.stderr
    out = run("reorder", "--format", "csv", "--location", "LOC-3PL-NW")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows and {r["location"] for r in rows} == {"LOC-3PL-NW"}
    assert all(float(r["position"]) <= float(r["reorder_point"]) for r in rows)
    bad = run("reorder", "--location", "NOPE", "--approve")
    assert bad.returncode == 1 and bad.stderr.startswith("error:")


def test_the_reorder_point_follows_the_source_the_line_is_filled_from(world):
    """Textbook: 4 a month at SR-HQ (one issue of 4 each month); the 3PL is 2 days away, CDW
    30 days. Filled from the 3PL the reorder point covers 2 days of demand; bought direct it
    must cover 30. Either way it also covers the undershoot of daily review: an issue of 4
    that triggers the order leaves the position (4·3)/(2·4) = 1.5 below it on average."""
    import numpy as np

    from inventory.replenishment.demand import DAYS_PER_MONTH
    from inventory.replenishment.policy import reorder_points
    from inventory.replenishment.undershoot import undershoot

    db, op, hq, tpl, chg, _ = world
    m.SupplierOffer.update(lead_time_days=30).execute()
    add_stock(chg.id, hq.id, 3)
    u_mean, u_sd = undershoot([4] * 24)
    assert u_mean == 1.5

    def expected_rop(ln, lead_days):
        rp = reorder_points(np.array([ln.demand_per_month]), np.array([ln.demand_sd_per_month]),
                            np.array([lead_days / DAYS_PER_MONTH]), np.array([0.0]),
                            np.array([ln.service_level]), u_mean, u_sd)
        return float(rp.reorder_point[0]), float(rp.safety_stock[0])

    add_stock(chg.id, tpl.id, 50)
    moved = _line(_all(db), chg, hq)
    assert moved.action == TRANSFER and moved.lead_time_days == 2
    assert (moved.reorder_point, moved.safety_stock) == pytest.approx(expected_rop(moved, 2))

    add_stock(chg.id, tpl.id, -50)  # the 3PL runs dry: SR-HQ buys direct from CDW
    bought = _line(_all(db), chg, hq)
    assert bought.action == BUY and bought.source == "CDW" and "holds none" in bought.note
    assert bought.lead_time_days == 30 and bought.lead_time_source.startswith("quoted by CDW")
    assert (bought.reorder_point, bought.safety_stock) == pytest.approx(expected_rop(bought, 30))
    assert bought.reorder_point > moved.reorder_point + 3
    per_day = bought.demand_per_month / DAYS_PER_MONTH
    assert bought.order_by == TODAY + timedelta(
        days=int(max(bought.position - bought.reorder_point, 0) / per_day))
    text = "\n".join(bought.reasons())
    assert "Lead time 30.0 days" in text and "transfer lane" not in text


@pytest.mark.every_demo_date
def test_no_buy_line_on_the_demo_carries_a_transfer_lane_lead_time(demo_db):
    lanes = {(s.code, d.code): lt for s, d, lt in (
        (ln.source, ln.destination, ln.lead_time_days) for ln in m.TransferLane.select())}
    lines = reorder_list(demo_db, alerts_only=False)
    buys = [ln for ln in lines if ln.action == BUY]
    assert buys
    for ln in buys:
        assert "transfer lane" not in ln.lead_time_source, (ln.product, ln.location)
        assert not any("transfer lane" in r for r in ln.reasons())
    for ln in lines:
        if ln.action in (TRANSFER, WAIT):
            assert ln.lead_time_days == lanes[(ln.source, ln.location)], (ln.product, ln.location)
            assert ln.lead_time_source == f"transfer lane from {ln.source}"


@pytest.mark.every_demo_date
def test_renewals_due_are_one_count_on_dashboard_licenses_view_cli_and_reorder_tab(
        demo_url, today):
    """The dashboard, the Licenses view's "Renewal due" filter, the `licenses` command and
    the reorder Licenses tab (license_alerts) count the same licenses."""
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path

    from inventory.queries import dashboard
    from inventory.queries.common import Spec
    from inventory.queries.licenses import LicenseTable
    from inventory.storage import open_store

    db = open_store(demo_url)
    try:
        card = dashboard.counts().renewals_due
        listed = LicenseTable().id_query(Spec(filters={"special": "renewal"}))
        view = [lid for (lid,) in listed.tuples()]
        states = LicenseTable().rows(view)
        tab = [a for a in license_alerts(db, alerts_only=True) if a.renewal_due]
    finally:
        db.close()
    r = subprocess.run([sys.executable, "main.py", "--database", demo_url, "licenses"],
                       cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True,
                       env=dict(os.environ), timeout=120)
    assert r.returncode == 0, r.stderr
    cli = int(re.search(r"(\d+) licenses? due for renewal", r.stderr).group(1))
    assert card > 0 and card == len(view) == len(tab) == cli
    assert r.stdout.count("renewal due now") == cli
    assert {s[-1] for s in states.values()} <= {"renewal_due", "over"}  # not expired


def test_a_line_without_a_supplier_offer_says_what_to_do(world):
    from inventory.errors import ValidationError

    db, op, hq, tpl, _, _ = world
    catalog.create_product(db, op, "Cable tie", "consumable", part_number="TIE")
    tie = m.Product.get(m.Product.part_number == "TIE")
    with db.atomic():
        for k in range(1, 25):
            record(op, "issue", tie, quantity=30, from_location=tpl, at=_months_back(k))
    ln = _line(_all(db), tie, tpl)
    assert ln.alert and ln.action == BUY and ln.supplier == ""
    assert ln.lead_time_source == "no supplier offer: 14 days assumed"
    assert any(r.startswith("No supplier offer: add one (Spares & stock ▸ More ▸ Add supplier "
                            "offer…)") for r in ln.reasons())
    with pytest.raises(ValidationError, match="Add supplier offer"):
        ordering.approve(db, op, [ln])
