"""The set-based reorder list gives the answers of the straightforward item-by-item engine
(`tests/reorder_reference.py`), value for value and type for type, on a seeded world
that has every case the list tells apart: transfers, buying direct, waiting for a
partner's order, a transfer capped at what the partner holds, no supplier offer, observed
and quoted lead times, drafts, shipments in transit, reserved stock, spare devices with an
installed base, manual minimums, end of life, product / category / ABC targets, fast
movers on weekly buckets, rows with two kinds of demand, EOQ and cover. Also after the
changes a desk makes between two recomputes, when the list reuses the lines it kept."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from msgspec.structs import fields

from inventory import models as m
from inventory.operators import os_operator
from inventory.replenishment import engine
from inventory.replenishment.demand import month_start
from inventory.replenishment.engine import ReorderLine, ReorderSettings

from . import reorder_reference as reference

TODAY = date(2026, 6, 15)
HQ, BRANCH, TPL, MSP, OLD = 1, 2, 3, 4, 5
PRODUCTS = 70
DEVICES = range(61, 67)  # kept as spares; 67 is a device nobody keeps spares of
SETTINGS = (ReorderSettings(), ReorderSettings(order_cost=40.0, holding_rate=0.25,
                                               cover_months=2.0))


def build(db, seed: int = 11) -> None:
    """The world, written in bulk (the demand table's trigger sees every movement)."""
    rng = np.random.default_rng(seed)
    op = os_operator(db)
    now = datetime.combine(TODAY, datetime.min.time())
    with db.atomic():
        m.Location.insert_many([
            (HQ, "HQ stockroom", "SR-HQ", "stockroom", True),
            (BRANCH, "Branch stockroom", "SR-BR", "stockroom", True),
            (TPL, "Northwind 3PL", "3PL", "3pl", True), (MSP, "Contoso MSP", "MSP", "msp", True),
            (OLD, "Closed stockroom", "SR-OLD", "stockroom", False)],
            fields=[m.Location.id, m.Location.name, m.Location.code, m.Location.kind,
                    m.Location.active]).execute()
        m.TransferLane.insert_many([(TPL, HQ, 2), (TPL, BRANCH, 3), (MSP, BRANCH, 1),
                                    (MSP, HQ, 6)],
                                   fields=[m.TransferLane.source, m.TransferLane.destination,
                                           m.TransferLane.lead_time_days]).execute()
        m.Supplier.insert_many([(s, f"Supplier {s}", 7 * s) for s in (1, 2, 3)],
                               fields=[m.Supplier.id, m.Supplier.name,
                                       m.Supplier.lead_time_days]).execute()
        P = m.Product
        rows = []
        for p in range(1, PRODUCTS + 1):
            kind = "device" if p in DEVICES or p == 67 else ("consumable" if p % 7 == 0
                                                               else "spare")
            rows.append(dict(
                id=p, name=f"Item {p:03d}", kind=kind, part_number=f"P{p:03d}",
                category=("Cables", "Docks", "", "")[p % 4],
                unit_cost=Decimal(0) if p % 13 == 0 else Decimal(5 + p % 40),
                min_quantity=4 if p % 11 == 0 else None,
                service_level=0.97 if p % 17 == 0 else None,
                replacement_rate=0.2 if p in DEVICES else None,
                keep_spares=p in DEVICES, end_of_life=p % 19 == 0, active=p != 69))
        P.insert_many(rows).execute()
        offers = []
        for p in range(1, PRODUCTS + 1):
            if p % 9 == 0:
                continue  # no supplier offer
            offers.append((1 + p % 3, p, Decimal(4 + p % 30), (1, 5, 10)[p % 3],
                           (1, 10, 20)[p % 3], 5 + p % 20, p % 5 != 0))
            if p % 5 == 0:  # two offers, none preferred: the fastest
                offers.append((1 + (p + 1) % 3, p, Decimal(3 + p % 30), 1, 1, 4 + p % 7, False))
        SO = m.SupplierOffer
        SO.insert_many(offers, fields=[SO.supplier, SO.product, SO.unit_price, SO.pack_size,
                                       SO.min_order, SO.lead_time_days, SO.preferred]).execute()
        # received orders: three of an item from its supplier for some, of the supplier
        # for others (observed lead times), fewer for the rest (quoted)
        number = 0
        po, ln = [], []
        for p in range(1, PRODUCTS + 1):
            for _ in range((3, 1, 0)[p % 3]):
                number += 1
                ordered = now - timedelta(days=int(rng.integers(60, 500)))
                got = ordered + timedelta(days=float(rng.gamma(6, 2)))
                po.append((number, f"PO-R-{number}", 1 + p % 3, TPL, "received", ordered,
                           None, got))
                ln.append((number, p, 5, 5, Decimal(9)))
        for p in range(2, PRODUCTS + 1, 6):  # open orders and drafts
            number += 1
            status = ("ordered", "partly_received", "draft")[(p // 6) % 3]
            expected = now + timedelta(days=int(rng.integers(1, 12))) if status != "draft" \
                else None
            ship_to = HQ if status == "draft" else (TPL, MSP)[(p // 12) % 2]
            po.append((number, f"PO-O-{number}", 1 + p % 3, ship_to, status,
                       now - timedelta(days=3), expected, None))
            ln.append((number, p, 12, 4 if status == "partly_received" else 0, Decimal(9)))
        PO, PL = m.PurchaseOrder, m.PurchaseOrderLine
        PO.insert_many([dict(id=i, number=n, supplier=s, ship_to=t, status=st, created_at=o,
                             ordered_at=None if st == "draft" else o, expected_at=e,
                             received_at=r) for i, n, s, t, st, o, e, r in po]).execute()
        PL.insert_many(ln, fields=[PL.order, PL.product, PL.quantity, PL.received_quantity,
                                   PL.unit_price]).execute()
        m.Shipment.insert_many([(1, "SH-1", TPL, HQ, "in_transit"),
                                (2, "SH-2", MSP, BRANCH, "arrived")],
                               fields=[m.Shipment.id, m.Shipment.number, m.Shipment.source,
                                       m.Shipment.destination, m.Shipment.status]).execute()
        m.ShipmentLine.insert_many([(1, p, 3) for p in range(3, 40, 4)]
                                   + [(2, p, 2) for p in range(3, 40, 8)],
                                   fields=[m.ShipmentLine.shipment, m.ShipmentLine.product,
                                           m.ShipmentLine.quantity]).execute()
        levels = []
        for p in range(1, PRODUCTS + 1):
            if p in DEVICES or p == 67:
                continue
            for loc in (HQ, BRANCH, TPL, MSP, OLD):
                if rng.random() < 0.85:
                    dry = p % 4 == 1 or p % 6 == 2  # the partners hold none
                    qty = 0 if (loc in (TPL, MSP) and dry) else int(rng.integers(0, 25))
                    levels.append((p, loc, qty, min(qty, int(rng.integers(0, 3)))))
        m.StockLevel.insert_many(levels, fields=[m.StockLevel.product, m.StockLevel.location,
                                                 m.StockLevel.quantity,
                                                 m.StockLevel.reserved]).execute()
        assets = []
        for p in list(DEVICES) + [67]:
            for k in range(int(rng.integers(3, 9))):
                status = "in_stock" if k % 3 else "deployed"
                loc = (HQ, BRANCH, TPL)[k % 3] if status == "in_stock" else None
                assets.append((f"IT-{p}-{k}", f"S{p}-{k}", p, status, loc))
        m.Asset.insert_many(assets, fields=[m.Asset.tag, m.Asset.serial, m.Asset.product,
                                            m.Asset.status, m.Asset.location]).execute()
        start = datetime.combine(month_start(TODAY, 24), datetime.min.time())
        days = (datetime.combine(month_start(TODAY), datetime.min.time()) - start).days
        moves = []
        for p in range(1, PRODUCTS + 1):
            fast = p % 23 == 0  # 30+ a month: weekly buckets
            rate = 45.0 if fast else float(rng.uniform(0.05, 3.0))
            for loc in (HQ, BRANCH, TPL, MSP):
                kinds = (["check_out"] if p in DEVICES or p == 67 else
                         ["issue"] if loc in (HQ, BRANCH) else
                         ["ship", "issue"] if p % 3 == 0 else ["ship"])  # two kinds at a 3PL
                for kind in kinds:
                    k = int(rng.poisson(rate * 24 / len(kinds)))
                    for w, q in zip(rng.integers(0, days * 86400, k).tolist(),
                                    rng.integers(1, 8 if p % 2 else 3, k).tolist(),
                                    strict=True):
                        moves.append((start + timedelta(seconds=w), kind, p,
                                      1 if kind == "check_out" else q, loc, op.id))
        MV = m.Movement
        for i in range(0, len(moves), 500):
            MV.insert_many(moves[i:i + 500], fields=[MV.at, MV.kind, MV.product, MV.quantity,
                                                     MV.from_location, MV.operator]).execute()
        m.ServiceTarget.insert_many([("category", "Cables", 0.9), ("abc", "A", 0.98)],
                                    fields=[m.ServiceTarget.scope, m.ServiceTarget.key,
                                            m.ServiceTarget.service_level]).execute()


def assert_same(db, cfg: ReorderSettings) -> list[ReorderLine]:
    got = engine._compute(db, TODAY, cfg)
    want = reference.compute(db, TODAY, cfg)
    assert [(ln.product_id, ln.location_id) for ln in got] == [
        (ln.product_id, ln.location_id) for ln in want]
    for a, b in zip(got, want, strict=True):
        for f in fields(ReorderLine):
            x, y = getattr(a, f.name), getattr(b, f.name)
            assert x == y and type(x) is type(y), (a.product_id, a.location_id, f.name, x, y)
    return got


@pytest.fixture
def world(db):
    build(db)
    return db


@pytest.mark.parametrize("cfg", SETTINGS, ids=["cover", "eoq"])
def test_the_list_equals_the_item_by_item_reference(world, cfg):
    engine._LAST.clear()
    lines = assert_same(world, cfg)
    # the world has every case the list tells apart
    seen = {(ln.action, bool(ln.note)) for ln in lines}
    assert {("transfer", False), ("buy", False), ("buy", True), ("wait", True)} <= seen
    assert any("holds only" in ln.note for ln in lines)
    assert {ln.bucket for ln in lines} == {"month", "week"}
    assert {ln.target_source for ln in lines} >= {"product", "category Cables",
                                                   "ABC class A", "default"}
    assert {ln.lead_time_source.split(" ")[0] for ln in lines} >= {
        "observed", "quoted", "no", "transfer"}
    assert any(ln.on_order_draft for ln in lines) and any(ln.in_transit for ln in lines)
    assert any(ln.product_kind == "device" for ln in lines)
    assert {ln.quantity_basis for ln in lines} == ({"cover"} if cfg.order_cost is None
                                                   else {"eoq", "cover"})
    assert not any(ln.location == "SR-OLD" or ln.product_id == 69 for ln in lines)


def test_a_recompute_that_reuses_lines_equals_the_reference_after_each_change(world):
    """Each change a desk makes, then the list (reusing the lines it kept) against the
    reference computed from nothing."""
    from inventory.services.ledger import add_stock, record

    db = world
    op = os_operator(db)
    first = assert_same(db, SETTINGS[0])
    by_key = {(ln.product_id, ln.location_id): ln for ln in first}

    def change(fn) -> list[ReorderLine]:
        with db.atomic():
            fn()
        return assert_same(db, SETTINGS[0])

    hq, tpl = m.Location.get_by_id(HQ), m.Location.get_by_id(TPL)
    # a scan: one line moves, the others are the very objects kept
    def scan() -> None:
        record(op, "adjust", m.Product.get_by_id(2), quantity=3, to_location=hq,
               at=datetime(2026, 6, 15, 9))
        add_stock(2, HQ, 3)

    lines = change(scan)
    kept = [ln for ln in lines if ln is by_key.get((ln.product_id, ln.location_id))]
    assert len(kept) >= len(lines) - 3 and len(kept) < len(lines)
    # the partner runs dry: the sites it served buy or wait instead
    change(lambda: m.StockLevel.update(quantity=0, reserved=0).where(
        m.StockLevel.location == tpl.id).execute())
    change(lambda: m.SupplierOffer.update(unit_price=Decimal("99.50")).where(
        m.SupplierOffer.product == 4).execute())
    change(lambda: m.Product.update(name="Item four, renamed").where(m.Product.id == 4)
           .execute())
    change(lambda: m.ServiceTarget.update(service_level=0.8).where(
        m.ServiceTarget.scope == "category").execute())
    change(lambda: m.Location.update(active=False).where(m.Location.id == BRANCH).execute())
    change(lambda: record(op, "issue", m.Product.get_by_id(5), quantity=6, from_location=hq,
                          at=datetime(2026, 3, 3, 10)))  # a back-dated demand
    assert_same(db, SETTINGS[1])
