"""The main window: navigation and shortcuts, remembered layout, where scans go, the
status bar, the first-run welcome page, sign-in, and errors that never reach the user
as a traceback."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from inventory import models as m
from inventory.operators import add_operator, set_password
from inventory.queries.devices import overdue_condition, today
from inventory.storage import open_store
from ui.main_window import MainWindow

from .ui_support import IGNORE_OFFSCREEN, scan, settle

pytestmark = IGNORE_OFFSCREEN


def test_opens_on_the_dashboard_and_its_counts_lead_somewhere(qtbot, window):
    assert window.current_key == "dashboard"
    dash = window.pages["dashboard"]
    qtbot.waitUntil(lambda: dash.figures is not None, timeout=10_000)
    overdue = m.Asset.select().where(overdue_condition(today())).count()
    assert dash.cards["overdue"].number.text() == f"{overdue:,}"
    qtbot.mouseClick(dash.cards["overdue"], Qt.MouseButton.LeftButton)
    assert window.current_key == "devices"
    devices = window.pages["devices"]
    settle(devices)  # the rows are read on the worker
    assert devices.model.rowCount() == overdue
    assert window.sidebar.list.currentItem().text() == "Devices"


def test_keyboard_shortcuts_for_views_search_and_scan_modes(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "devices"
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.pages["devices"].search
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "history"
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.current_key == "scan"
    station = window.pages["scan"]
    if hasattr(station, "mode_name"):
        assert station.mode_name == "checkin"


def drag_column_edge(table, column: int, width: int) -> None:
    """Drag the right edge of a column's header to make it `width` pixels wide."""
    from PySide6.QtCore import QEvent, QPoint, QPointF
    from PySide6.QtGui import QMouseEvent

    head = table.horizontalHeader()
    port = head.viewport()
    edge = head.sectionViewportPosition(column) + head.sectionSize(column) - 1
    y = head.height() // 2
    left = Qt.MouseButton.LeftButton

    def send(kind, x, buttons):
        pos = QPointF(x, y)
        glob = QPointF(port.mapToGlobal(QPoint(x, y)))
        QApplication.sendEvent(port, QMouseEvent(kind, pos, glob, left, buttons,
                                                 Qt.KeyboardModifier.NoModifier))

    send(QEvent.Type.MouseButtonPress, edge, left)
    start = head.sectionViewportPosition(column)
    send(QEvent.Type.MouseMove, start + width - 1, left)
    send(QEvent.Type.MouseButtonRelease, start + width - 1, Qt.MouseButton.NoButton)


def test_geometry_columns_and_last_view_are_remembered(qtbot, ctx, ui_settings):
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.resize(1234, 777)
    first.show()
    first.show_page("people")
    people = first.pages["people"]
    drag_column_edge(people.table, 0, 333)  # as the user does, with the mouse
    saved = first.saveGeometry()
    first.close()
    assert ui_settings.geometry() == saved
    from ui.tasks import TaskRunner

    ctx.runner = TaskRunner(ctx.db)  # the first window shut its worker down
    second = MainWindow(ctx)
    qtbot.addWidget(second)
    second.show()
    assert second.current_key == "people"
    # (The offscreen screen is too small to check the restored size itself.)
    assert second.pages["people"].table.columnWidth(0) == 333
    assert ui_settings.column_widths("people")[0] == 333
    second.close()


def test_a_scan_goes_to_the_open_dialog_else_to_the_scan_station(qtbot, window):
    devices = window.show_page("devices")
    a = m.Asset.select().where(m.Asset.status == "in_stock").first()
    devices.search.setText(a.tag)
    devices.search.flush()
    settle(devices)
    assert devices.select_id(a.id)
    devices.act_out.trigger()
    dialog = devices.dialog
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=2000)
    person = m.Person.select().where(m.Person.active).first()
    window.on_scan(scan(person.employee_id))
    assert dialog.person.code() == person.employee_id
    assert window.current_key == "devices"
    dialog.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=2000)
    window.on_scan(scan(a.tag))
    assert window.current_key == "scan"


def test_settings_shows_what_the_wedge_detected(qtbot, window, ui_settings):
    page = window.show_page("settings")
    window.on_scan(scan("IT-000042"))
    assert window.current_key == "settings"
    assert "IT-000042" in page.detected.text() and "USB wedge" in page.detected.text()
    page.prefix.setText("]C1")
    page.prefix.editingFinished.emit()
    assert ui_settings.wedge_prefix() == "]C1"
    page.max_gap.setValue(45)
    assert ui_settings.wedge_max_gap_ms() == 45


def test_status_bar_shows_database_operator_and_scanners(qtbot, window, ctx):
    from scanners.wedge import WedgeFilter

    bar = window.status
    assert bar.database.text().startswith("SQLite ") and "demo.sqlite" in bar.database.text()
    assert bar.operator.text() == ctx.operator.label
    wedge = WedgeFilter(window)
    window.attach_wedge(wedge)
    assert bar.wedge.text() == "Wedge ready"
    wedge.set_enabled(False)
    assert bar.wedge.text() == "Wedge off"
    assert bar.serial.text() == "Serial off" and bar.camera.text() == "Camera off"
    bar.set_serial("waiting")
    assert bar.serial.text() == "Serial waiting"
    bar.set_camera("error: no device")
    assert bar.camera.text() == "Camera error"


def test_an_empty_database_opens_on_the_welcome_page(qtbot, tmp_path, ui_settings,
                                                     no_threads_left):
    from inventory.operators import os_operator
    from ui.events import ChangeBus
    from ui.tasks import TaskRunner
    from ui.views.base import AppContext

    url = str(tmp_path / "empty.sqlite")
    db = open_store(url)
    c = AppContext(db, os_operator(db), ChangeBus(), ui_settings, TaskRunner(db), url)
    w = MainWindow(c)
    qtbot.addWidget(w)
    w.show()
    try:
        assert w.current_key == "welcome"
        welcome = w.pages["welcome"]
        assert welcome.demo.isEnabled()
        qtbot.mouseClick(welcome.empty, Qt.MouseButton.LeftButton)
        assert w.current_key == "dashboard"
        assert "Locations & 3PL" in w.pages["dashboard"].messages.text()
    finally:
        w.close()
        db.close()


@pytest.mark.slow
def test_loading_the_demo_from_the_welcome_page(qtbot, tmp_path, ui_settings,
                                                no_threads_left):
    from inventory.operators import os_operator
    from ui.events import ChangeBus
    from ui.tasks import TaskRunner
    from ui.views.base import AppContext

    url = str(tmp_path / "first-run.sqlite")
    db = open_store(url)
    c = AppContext(db, os_operator(db), ChangeBus(), ui_settings, TaskRunner(db), url)
    w = MainWindow(c)
    qtbot.addWidget(w)
    w.show()
    try:
        welcome = w.pages["welcome"]
        qtbot.mouseClick(welcome.demo, Qt.MouseButton.LeftButton)
        assert not welcome.demo.isEnabled() and "Building" in welcome.busy.text()
        qtbot.waitUntil(lambda: w.current_key == "dashboard", timeout=60_000)
        assert m.Asset.select().count() == 2000
    finally:
        w.close()
        db.close()


def test_sign_in_refuses_a_wrong_password_beside_the_field(qtbot, demo_db, demo_url, admin):
    from ui.dialogs.sign_in import SignInDialog

    set_password(demo_db, admin, admin.username, "founding admin's password")
    add_operator(demo_db, admin, "desk1", "service_desk", "correct horse")
    d = SignInDialog(demo_db, demo_url, "desk1")
    qtbot.addWidget(d)
    d.show()
    d.password.setText("wrong password")
    d.click_ok()
    assert d.isVisible() and "wrong password" in d.field_error("password").lower()
    d.password.setText("correct horse")
    d.click_ok()
    assert not d.isVisible() and d.operator.role == "service_desk"


def test_domain_errors_show_in_the_window_and_bugs_are_logged_politely(
        qtbot, window, monkeypatch, caplog):
    from inventory.commands import CheckOut
    from inventory.errors import InvalidState
    from ui.dialogs import crash

    page = window.show_page("devices")
    page.write(CheckOut("NO-SUCH-TAG", person="nobody"))
    page.ctx.ops.wait()
    assert page.messages.text().startswith("No asset with tag or serial 'NO-SUCH-TAG'")
    shown = []
    monkeypatch.setattr(crash, "_show", lambda icon, title, text, details: shown.append(
        (title, text, details)))
    with caplog.at_level(logging.ERROR, logger="stockroom.crash"):
        try:
            raise RuntimeError("a bug")
        except RuntimeError as exc:
            crash.handle_exception(type(exc), exc, exc.__traceback__)
    title, text, details = shown[0]
    assert title == "Something went wrong" and "Traceback" not in text
    assert "RuntimeError: a bug" in details
    assert "RuntimeError: a bug" in caplog.text
    # A domain error that slipped through is a plain message, not a bug report.
    crash.handle_exception(InvalidState, InvalidState("Nope."), None)
    assert shown[-1][1] == "Nope." and shown[-1][2] is None


def test_importing_a_file_from_the_welcome_page(qtbot, tmp_path, ui_settings,
                                                 no_threads_left):
    from inventory.operators import os_operator
    from ui.events import ChangeBus
    from ui.tasks import TaskRunner
    from ui.views.base import AppContext

    sheet = tmp_path / "people.csv"
    sheet.write_text("Employee id,Name,Email,Department\n"
                     "E501,Ada Lovelace,ada@example.com,Engineering\n"
                     "E502,Grace Hopper,grace@example.com,IT\n", encoding="utf-8")
    url = str(tmp_path / "import.sqlite")
    db = open_store(url)
    c = AppContext(db, os_operator(db), ChangeBus(), ui_settings, TaskRunner(db), url)
    w = MainWindow(c)
    qtbot.addWidget(w)
    w.show()
    try:
        welcome = w.pages["welcome"]
        assert welcome.import_.isEnabled()
        welcome.import_file(str(sheet))
        qtbot.waitUntil(lambda: not c.runner.is_busy(), timeout=20_000)
        assert m.Person.select().count() == 2
        assert w.current_key == "dashboard"
        assert "2 rows of people" in welcome.messages.text()
    finally:
        w.close()
        db.close()


def test_menus_list_every_view_mode_and_file_action(window):
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    assert list(menus) == ["File", "Go", "Scan", "Help"]
    go = {a.text(): a.shortcut().toString() for a in menus["Go"].actions() if a.text()}
    assert go["Devices"] == "Ctrl+3" and go["History"] == "Ctrl+0" and len(go) == 15
    assert go["Requests"] == "Ctrl+Shift+R" and go["Refresh"] == "F5"
    assert go["Showback"] == "Ctrl+Shift+B"
    scan_modes = [a.shortcut().toString() for a in menus["Scan"].actions()]
    assert scan_modes == ["F2", "F3", "F4", "F10", "F6", "F7", "F8", "F9"]
    files = [a.text().replace("&", "") for a in menus["File"].actions() if a.text()]
    assert files[:3] == ["Import from a file…", "Export this view…", "Backups and restore…"]
    devices = window.show_page("devices")
    assert devices.act_label.isVisible()  # ui.labels provides the print dialog


def test_a_badge_scanned_on_another_page_opens_check_out(qtbot, window):
    window.scan_mode("receive")  # the last mode used at the station
    station = window.current_page()
    assert station.mode_name == "receive"
    window.show_page("devices")
    a = m.Asset.select().where(m.Asset.status == "in_stock").first()
    window.on_scan(scan(a.tag))  # not a badge: the station keeps its mode
    assert station.wait()
    assert window.current_key == "scan" and station.mode_name == "receive"
    window.show_page("devices")
    person = m.Person.select().where(m.Person.active).order_by(m.Person.id).first()
    station._last = ("", "", 0.0)
    window.on_scan(scan(person.employee_id))
    assert station.wait()
    assert window.current_key == "scan" and station.mode_name == "checkout"
    assert station.feedback.state == "ok", station.feedback.text()
    checkout = station.modes["checkout"]
    assert checkout.person.employee_id == person.employee_id
    # the summary names the person, not "0 item(s) ready · to nobody yet"
    assert checkout.summary.text() == (f"To {person.name} ({person.employee_id}) · scan the "
                                       "assets and spares")
