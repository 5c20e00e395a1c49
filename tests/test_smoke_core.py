from inventory.services import assets
from inventory.services.verify import verify


def test_demo_is_consistent(demo_db):
    report = verify(demo_db)
    assert report.ok, report.stock_differences[:5] + report.asset_differences[:5]
    assert report.movements > 20_000


def test_store_opens_on_both_backends(store, tmp_path):
    db, url = store
    from inventory.operators import os_operator
    op = os_operator(db)
    assert op.role == "admin"
    assert verify(db).ok


def test_checkout_demo_asset(demo_db):
    from inventory import models as m
    from inventory.operators import os_operator
    op = os_operator(demo_db)
    a = m.Asset.select().where(m.Asset.status == "in_stock").first()
    p = m.Person.select().where(m.Person.active).first()
    v = assets.check_out(demo_db, op, a.tag, person=p.employee_id)
    assert v.status == "deployed" and v.holder == p.name
    assert verify(demo_db).ok
