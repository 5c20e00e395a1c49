"""The operations layer: one unit of work per basket, results that say what they wrote,
role checks, errors naming their field, driver errors translated, the lifecycle table."""

from __future__ import annotations

import sqlite3

import pytest

from inventory import lifecycle
from inventory import models as m
from inventory.commands import Adjust, CheckIn, CheckOut, EndOfLife, Issue, Undo
from inventory.errors import InvalidState, NotFound, PermissionDenied, StorageError
from inventory.operations import execute, execute_all
from inventory.services.verify import verify

from .test_services import unchanged
from .world import build


@pytest.fixture
def world(store):
    db, _ = store
    return build(db)


def test_a_basket_is_all_or_nothing_and_says_which_line_was_refused(world):
    db, op = world.db, world.admin
    basket = [CheckOut("IT-000001", person="E1"), Issue("CHG65", 2, person="E1"),
              CheckOut("NO-SUCH-TAG", person="E1")]
    unchanged(world, lambda: execute_all(db, op, basket), NotFound)
    with pytest.raises(NotFound) as refused:
        execute_all(db, op, basket)
    assert refused.value.basket_index == 2 and refused.value.field == "asset"
    assert m.Asset.get(m.Asset.tag == "IT-000001").status == "in_stock"
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 10


def test_a_result_carries_its_view_its_changes_and_the_movements_it_appended(world):
    db, op = world.db, world.admin
    before = m.Movement.select().count()
    result = execute_all(db, op, [CheckOut("IT-000001", person="E1"),
                                  Issue("CHG65", 3, person="E2")])
    appended = [mv.id for mv in m.Movement.select().where(m.Movement.id > before)
                .order_by(m.Movement.id)]
    assert list(result.movement_ids) == appended and len(appended) == 2
    assert [r.movement_id for r in result.results] == appended
    assert result.view[0].holder == "Ada Lovelace" and result.view[1].quantity == 7
    assert result.changes.touches("assets") and result.changes.touches("stock")
    assert {"movements", "people"} <= result.changes.kinds
    assert not result.changes.touches("licenses", "orders")
    asset = m.Asset.get(m.Asset.tag == "IT-000001")
    assert asset.id in result.changes.ids["asset"]
    # Undo takes back exactly the movement the result named.
    undone = execute(db, op, Undo(result.results[0].movement_id, "wrong person"))
    assert undone.changes.touches("assets")
    assert m.Asset.get_by_id(asset.id).status == "in_stock"
    assert verify(db).ok


def test_the_unit_of_work_checks_the_role_before_writing(world):
    viewer = world.operator("viewer")
    unchanged(world, lambda: execute(world.db, viewer, CheckOut("IT-000001", person="E1")),
              PermissionDenied)
    desk = world.operator("service_desk")
    unchanged(world, lambda: execute(world.db, desk, Adjust("CHG65", "SR-HQ", "count",
                                                            new_quantity=4)),
              PermissionDenied)


def test_errors_name_the_field_they_are_about(world):
    db, op = world.db, world.admin
    cases = [(CheckOut("IT-000001", person="E404"), "person"),
             (CheckIn("IT-000001"), "asset"),  # in stock: nothing to check in
             (Issue("CHG65", 50, person="E1", location="SR-HQ"), "quantity"),
             (EndOfLife("IT-000001", "retire", " "), "reason")]
    for command, field in cases:
        with pytest.raises(Exception) as err:
            execute(db, op, command)
        assert getattr(err.value, "field", None) == field, (command, err.value)


def test_a_locked_database_is_a_clear_message_not_a_crash(db_url, db, admin):
    db.execute_sql("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(db_url, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another desk is writing
    try:
        with pytest.raises(StorageError, match="busy"):
            execute(db, admin, CheckOut("IT-000001", person="E1"))
    finally:
        other.rollback()
        other.close()


def test_the_lifecycle_table_decides_for_services_and_window():
    assert lifecycle.allows(["in_stock"], "check_out")
    assert not lifecycle.allows(["in_stock", "deployed"], "check_out")
    assert not lifecycle.allows([], "check_in")
    assert lifecycle.allows(["lost"], "dispose") and not lifecycle.allows(["lost"], "retire")
    with pytest.raises(InvalidState):
        lifecycle.check("IT-1", "disposed", "check_in")


def test_end_of_life_follows_the_table(world):
    db, op = world.db, world.admin
    execute(db, op, CheckOut("IT-000002", person="E1"))
    with pytest.raises(InvalidState):
        execute(db, op, EndOfLife("IT-000002", "retire", "old"))  # deployed: not allowed
    v = execute(db, op, EndOfLife("IT-000002", "lost", "stolen")).view
    assert v.status == lifecycle.target("lost")
    assert execute(db, op, EndOfLife("IT-000002", "dispose", "written off")).view.status \
        == "disposed"
