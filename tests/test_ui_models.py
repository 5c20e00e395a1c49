"""Every table model passes Qt's model tester; search, filters and sorting are done by
the database and change what the model holds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from inventory import models as m
from inventory.queries import devices, history, licenses, locations, orders, people, stock
from inventory.queries.common import Spec
from ui.models.table import ID_ROLE, LazyTableModel, LedgerModel
from ui.tasks import TaskRunner

QUERIES = [devices.DeviceTable, stock.StockTable, licenses.LicenseTable,
           locations.LocationTable, people.PeopleTable, orders.OrderTable]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.__name__)
def test_table_models_pass_the_model_tester(qtmodeltester, demo_db, query):
    model = LazyTableModel(query())
    model.reload()
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    # Every column has a header, every cell of the first rows a value or "".
    for c in range(model.columnCount()):
        assert model.headerData(c, Qt.Orientation.Horizontal)
        assert isinstance(model.index(0, c).data(), str)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.__name__)
def test_every_sortable_column_sorts_in_the_database(demo_db, query):
    model = LazyTableModel(query())
    for c, col in enumerate(model.columns):
        if not col.sortable:
            continue
        model.sort(c, Qt.SortOrder.DescendingOrder)
        assert model.spec().sort == col.key and model.spec().descending
        assert model.rowCount() > 0


def test_ledger_model_passes_the_model_tester_and_pages(qtmodeltester, demo_db):
    model = LedgerModel(history.HistoryTable())
    model.reload()
    assert model.rowCount() == LedgerModel.PAGE_IDS
    qtmodeltester.check(model)  # (it asks for more rows itself)
    before = model.rowCount()
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == before + LedgerModel.PAGE_IDS
    ids = [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())]
    assert ids == sorted(ids, reverse=True), "newest first, no gaps or repeats"
    newest = m.Movement.select(m.Movement.id).order_by(m.Movement.id.desc()).scalar()
    assert ids[0] == newest


def test_ledger_model_reads_pages_on_the_worker(qtbot, demo_db, no_threads_left):
    runner = TaskRunner(demo_db)
    try:
        model = LedgerModel(history.HistoryTable(), runner=runner)
        with qtbot.waitSignal(model.loaded, timeout=5000):
            model.reload()
        assert model.rowCount() == LedgerModel.PAGE_IDS
        with qtbot.waitSignal(model.loaded, timeout=5000):
            model.fetchMore()
        assert model.rowCount() == 2 * LedgerModel.PAGE_IDS
        # A search replaces what is shown; only the newest request is delivered.
        model.update_spec(search="no-such-thing-anywhere")
        model.update_spec(search="IT-000042")
        qtbot.waitUntil(lambda: not model.is_loading(), timeout=5000)
        tags = {model.index(r, model.column_of("asset")).data()
                for r in range(model.rowCount())}
        assert tags == {"IT-000042"}
        assert model.total() == m.Movement.select().join(m.Asset).where(
            m.Asset.tag == "IT-000042").count()
    finally:
        runner.shutdown()


def test_search_and_filters_change_what_the_devices_model_holds(demo_db):
    model = LazyTableModel(devices.DeviceTable())
    model.reload()
    everything = model.rowCount()
    assert everything == m.Asset.select().count()
    model.update_spec(search="IT-000123")
    assert model.rowCount() == 1
    assert model.index(0, model.column_of("tag")).data() == "IT-000123"
    # Across fields: a holder's name and a model name together narrow it down.
    a = m.Asset.select().where(m.Asset.holder.is_null(False)).first()
    holder, product = a.holder.name, a.product.name
    model.update_spec(search=f"{holder.split()[-1]} {product.split()[1]}")
    names = {model.index(r, model.column_of("holder")).data() for r in range(model.rowCount())}
    assert holder in names and model.rowCount() < everything
    model.update_spec(search="")
    model.set_filter("status", "in_repair")
    statuses = {model.index(r, model.column_of("status")).data(ID_ROLE + 1)
                for r in range(model.rowCount())}
    assert statuses == {"in_repair"}
    assert model.rowCount() == m.Asset.select().where(m.Asset.status == "in_repair").count()
    model.set_filter("status", None)
    model.set_filter("special", "overdue")
    assert 0 < model.rowCount() == m.Asset.select().where(
        devices.overdue_condition(devices.today())).count()


def test_sorting_is_done_by_the_database(demo_db):
    model = LazyTableModel(devices.DeviceTable())
    model.reload()
    col = model.column_of("model")
    model.sort(col, Qt.SortOrder.AscendingOrder)
    first = [model.index(r, col).data() for r in range(40)]
    assert first == sorted(first)
    model.sort(col, Qt.SortOrder.DescendingOrder)
    last = [model.index(r, col).data() for r in range(40)]
    assert last == sorted(last, reverse=True)
    assert model.spec() == Spec(sort="model", descending=True)


def test_rows_are_fetched_a_page_at_a_time_and_cached(demo_db, monkeypatch):
    query = devices.DeviceTable()
    calls = []
    real = query.rows
    monkeypatch.setattr(query, "rows", lambda ids: calls.append(len(ids)) or real(ids))
    model = LazyTableModel(query)
    model.reload()
    for r in range(0, 100):
        model.index(r, 0).data()
    assert len(calls) == 1 and calls[0] <= LazyTableModel.PAGE
    model.index(1500, 0).data()
    assert len(calls) == 2
    model.index(10, 3).data()
    assert len(calls) == 2, "cached rows are not read again"


def test_a_long_list_shows_its_first_rows_at_once_and_the_rest_from_the_worker(
        qtbot, demo_db, no_threads_left):
    runner = TaskRunner(demo_db)
    try:
        model = LazyTableModel(devices.DeviceTable(), runner=runner)
        with qtbot.waitSignal(model.completed, timeout=5000):
            with qtbot.waitSignal(model.loaded, timeout=5000):
                model.reload()
                assert model.is_loading()  # read on the worker, not here
            # The first rows first, the database stopping after them; the rest follows.
            assert model.rowCount() == LazyTableModel.FIRST and model.total() is None
        everything = m.Asset.select().count()
        assert model.rowCount() == model.total() == everything
        ids = list(model.ids())
        assert ids == [a.id for a in m.Asset.select(m.Asset.id).order_by(m.Asset.tag)]
        # A new search while the rest is on its way: only the newest list is kept.
        model.update_spec(search="IT-00")
        model.update_spec(search="IT-0001")
        runner.wait_idle()
        assert model.is_complete()
        assert [model.index(r, 0).data() for r in range(model.rowCount())] == sorted(
            a.tag for a in m.Asset.select().where(m.Asset.tag.contains("IT-0001")))
    finally:
        runner.shutdown()


def test_rows_far_from_the_cache_are_read_on_the_worker_while_the_view_waits(
        qtbot, demo_db, no_threads_left):
    runner = TaskRunner(demo_db)
    try:
        model = LazyTableModel(devices.DeviceTable(), runner=runner)
        model.reload()
        runner.wait_idle()
        tag = model.column_of("tag")
        assert model.index(0, tag).data() == "IT-000001"  # the first screen came with it
        far = model.rowCount() - 5
        assert model.index(far, tag).data() == "…"  # not read yet: drawn empty for now
        with qtbot.waitSignal(model.dataChanged, timeout=5000):
            pass
        expected = m.Asset.get_by_id(model.index(far, 0).data(ID_ROLE)).tag
        assert model.index(far, tag).data() == expected
    finally:
        runner.shutdown()
