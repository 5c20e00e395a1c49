"""The window's side of the operations layer: writes on the worker, one change notice per
result, hidden pages only going stale, coalesced recomputes, a scan-station basket that is
all or nothing, refusals beside the field named by the error."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QThread

from inventory import models as m
from inventory.changes import Changes
from inventory.commands import CheckOut
from ui.views.devices import DevicesPage
from ui.views.reorder import ReorderPage

from .ui_scan_support import IGNORE_OFFSCREEN, Station, in_stock, movements
from .ui_support import settle, show_page

pytestmark = IGNORE_OFFSCREEN


def test_a_write_runs_on_the_worker_and_sends_one_merged_notice(qtbot, ctx):
    tags = in_stock(3)
    person = m.Person.select().where(m.Person.active).first()
    threads = []
    original = CheckOut.apply

    def spy(self, uow):
        threads.append(QThread.currentThread())
        return original(self, uow)

    CheckOut.apply = spy
    try:
        done = []
        before = len(ctx.notices)
        ctx.ops.run([CheckOut(t, person=person.employee_id) for t in tags], done=done.append)
        assert not done  # not written on the UI thread: it comes back later
        ctx.ops.wait()
    finally:
        CheckOut.apply = original
    assert done and len(done[0].movement_ids) == 3
    assert threads and all(t is not QThread.currentThread() for t in threads)
    assert len(ctx.notices) == before + 1  # one notice for the basket of three
    notice = ctx.notices[-1]
    assert notice.touches("assets") and notice.touches("people")
    assert {m.Asset.get(m.Asset.tag == t).id for t in tags} <= notice.ids["asset"]


def test_a_hidden_reorder_page_only_goes_stale_and_computes_when_shown(qtbot, ctx):
    page = ReorderPage(ctx)
    qtbot.addWidget(page)
    settle(page)
    runs = page.recompute.runs
    for _ in range(5):
        ctx.bus.publish(Changes.of("stock", "movements"))
    settle(page)
    assert page.recompute.runs == runs  # hidden: nothing computed
    page.show()
    qtbot.waitExposed(page)
    settle(page)
    assert page.recompute.runs == runs + 1  # shown: once, for all five notices
    assert page.visible_lines() is not None


def test_a_burst_of_notices_on_a_shown_page_is_one_recompute(qtbot, ctx):
    page = ReorderPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    settle(page)
    # Quiet for a second ends the burst: 20 notices 10 ms apart stay one burst even when
    # the shared machine stretches each wait several times over.
    page.recompute.quiet_ms, page.recompute.max_wait_ms = 1_000, 10_000
    runs = page.recompute.runs
    for _ in range(20):
        ctx.bus.publish(Changes.of("stock"))
        qtbot.wait(10)
    qtbot.waitUntil(lambda: page.recompute.runs > runs, timeout=15_000)
    settle(page)
    qtbot.wait(300)
    assert page.recompute.runs == runs + 1
    # A notice about something the page does not show changes nothing.
    ctx.bus.publish(Changes.of("operators"))
    qtbot.wait(300)
    assert page.recompute.runs == runs + 1


def test_a_refused_basket_at_the_station_writes_nothing_and_marks_the_line(qtbot, demo_db):
    station = Station(qtbot, demo_db)
    person = m.Person.select().where(m.Person.active).order_by(m.Person.id).first()
    first, second = in_stock(2)
    station.type(person.employee_id)
    assert station.type(first).accepted and station.type(second).accepted
    # Another desk checks the second device out before this basket is confirmed.
    other = m.Person.select().where(m.Person.active).order_by(m.Person.id.desc()).first()
    m.Asset.update(status="deployed", holder=other.id).where(m.Asset.tag == second).execute()
    before = movements()
    station.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert station.state == "refused" and "Nothing checked out" in station.shown
    assert movements() == before
    assert m.Asset.get(m.Asset.tag == first).status == "in_stock"
    basket = station.page.modes["checkout"].basket
    assert [ln.status for ln in basket.lines] == ["ready", "failed"]
    # Confirmed again, the rest goes without the refused line.
    station.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert station.state == "ok", station.shown
    assert m.Asset.get(m.Asset.tag == first).status == "deployed"
    assert movements() == before + 1
    assert len(station.notices) == 1  # one notice for the confirmed basket


def test_a_refusal_lands_beside_the_field_the_error_names(qtbot, ctx):
    page = show_page(qtbot, ctx, DevicesPage)
    tag = in_stock(1)[0]
    page.search.setText(tag)
    page.search.flush()
    settle(page)
    page.table.selectRow(0)
    page.act_out.trigger()
    dialog = page.dialog
    gone = m.Person.select().where(~m.Person.active).first()
    dialog.person.set_code(m.Person.select().where(m.Person.active).first().employee_id)
    dialog.person.setText(gone.employee_id)  # typed over: someone who has left
    dialog.person.is_known = lambda: True  # past the form's own check: the service decides
    dialog.click_ok()
    ctx.ops.wait()
    assert dialog.isVisible()
    assert "has left" in dialog.field_error("person") or \
        "No person" in dialog.field_error("person")
    dialog.reject()


class _Paints(QObject):
    """Notes each paint of the object it watches into `log`."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            self.log.append("paint")
        return False


def test_a_stale_page_is_painted_before_its_read_starts(qtbot, window, ctx):
    """A page shown after a change shows what it had at once; its read starts on the
    worker only after that paint, so the worker does not hold the interpreter while the
    page is being shown and painted."""
    page = window.show_page("devices")
    settle(page)
    settle(window.show_page("history"))
    ctx.bus.publish(Changes.of("assets", "movements"))  # devices hidden: it goes stale
    log: list[str] = []
    watcher = _Paints(log)
    page.table.viewport().installEventFilter(watcher)
    original = ctx.runner.run

    def noted(*args, **kwargs):
        log.append("read")
        return original(*args, **kwargs)

    ctx.runner.run = noted
    try:
        window.show_page("devices")
        assert "read" not in log  # not during the show itself
        qtbot.waitUntil(lambda: "read" in log, timeout=5_000)
        settle(page)
    finally:
        ctx.runner.run = original
        page.table.viewport().removeEventFilter(watcher)
    assert "paint" in log and log.index("paint") < log.index("read")
    assert page.model.rowCount() > 0
