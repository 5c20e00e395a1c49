"""The demo department looks like a real one and is the same every time."""

from datetime import date, timedelta

import pytest

from inventory import models as m
from inventory.demo import load_demo
from inventory.operators import os_operator
from inventory.storage import open_store


@pytest.mark.every_demo_date
def test_demo_has_what_a_manager_expects(demo_db, today):
    assert m.Person.select().count() == 300
    assert m.Asset.select().count() == 2000
    assert m.Product.select().where(m.Product.kind == "device").count() == 25
    spares = m.Product.select().where(m.Product.kind.in_(("spare", "consumable"))).count()
    assert 100 <= spares <= 140
    assert m.License.select().count() == 30
    assert m.Supplier.select().count() == 4
    kinds = {k for (k,) in m.Location.select(m.Location.kind).tuples()}
    assert {"site", "stockroom", "3pl", "msp", "repair"} <= kinds
    overdue = m.Asset.select().where((m.Asset.status == "deployed")
                                     & (m.Asset.due_date < today)).count()
    assert overdue > 0
    assert m.PurchaseOrder.select().where(m.PurchaseOrder.status == "ordered").count() > 0
    soon = m.License.select().where(m.License.ends_on <= today + timedelta(days=90)).count()
    assert soon > 0
    first = m.Movement.select().order_by(m.Movement.at).first().at.date()
    assert (today - first).days >= 700  # two years of history
    issues = m.Movement.select().where(m.Movement.kind == "issue").count()
    assert issues > 5000


def test_same_seed_same_data(tmp_path):
    rows = []
    for name in ("a", "b"):
        db = open_store(str(tmp_path / f"{name}.sqlite"))
        load_demo(db, os_operator(db), seed=3, today=date(2026, 6, 1))
        rows.append(list(m.Asset.select(m.Asset.tag, m.Asset.serial, m.Asset.status)
                         .order_by(m.Asset.id).tuples()))
        db.close()
    assert rows[0] == rows[1]


@pytest.mark.every_demo_date
def test_the_demo_obeys_every_rule_the_services_enforce(demo_db):
    """verify (ledger = projections) plus the rule audit: no duplicate seat, no license
    over its seats unless over-use is allowed, nothing issued to someone after they left,
    no device in two places, no negative stock."""
    from inventory.services.audit import audit
    from inventory.services.verify import verify

    report = verify(demo_db)
    assert report.ok, (report.stock_differences[:3], report.asset_differences[:3],
                       report.rule_problems[:5])
    assert audit(demo_db) == []
    # and the demo still shows what the rules leave room for: reclaimable seats (held by
    # people who left after they got them) and over-use where a license allows it
    seat, person = m.LicenseSeat, m.Person
    assert seat.select().join(person).where(~person.active & seat.released_at.is_null()).count()
    assert m.License.select().where(m.License.allow_overuse).count()
