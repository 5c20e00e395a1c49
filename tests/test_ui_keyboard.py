"""Working with the keyboard only: the Scan field has the cursor whenever the station is
shown and after every action; F1 lists every shortcut from the actions themselves; Down
from a search box goes into the results and Enter on a single match opens it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from inventory import models as m
from tests.ui_support import IGNORE_OFFSCREEN
from ui.main_window import NAVIGATION

pytestmark = [IGNORE_OFFSCREEN]


def wait_for_focus(qtbot, widget) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)


def test_scan_field_has_focus_however_the_station_is_reached(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    station = window.pages["scan"]
    wait_for_focus(qtbot, station.field)
    # From the side bar: the list had the focus, the field takes it.
    window.show_page("devices")
    window.sidebar.list.setFocus()
    window.sidebar.list.setCurrentRow([k for k, *_ in NAVIGATION].index("scan"))
    assert window.current_key == "scan"
    wait_for_focus(qtbot, station.field)


def test_a_badge_typed_by_hand_and_enter_works_then_the_field_keeps_focus(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    station = window.pages["scan"]
    wait_for_focus(qtbot, station.field)
    person = m.Person.select().where(m.Person.active).order_by(m.Person.id).first()
    with qtbot.waitSignal(station.scan_handled, timeout=5000):
        qtbot.keyClicks(station.field, person.employee_id)
        qtbot.keyClick(station.field, Qt.Key.Key_Return)
    assert person.name in station.modes["checkout"].person.chosen.text()
    # Another action (switching mode with Alt+2 from a button that had the focus): the
    # field has the cursor again.
    button = station.mode_buttons.buttons()[0]
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert station.mode_name == "checkin"
    wait_for_focus(qtbot, station.field)


def test_f1_lists_every_shortcut_of_the_window_and_the_station(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "shortcuts_dialog", None) is not None)
    rows = window.shortcuts_dialog.rows()
    keys = {k for k, _, _ in rows}
    native = [QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in (
        "Ctrl+Return", "Ctrl+Z", "Esc", "Ctrl+L", "Ctrl+K", "Ctrl+O", "Ctrl+N", "Ctrl+F",
        "F1", "F2", "F7", "Ctrl+2")]
    native += [QKeySequence(f"Alt+{i}").toString(QKeySequence.SequenceFormat.NativeText)
               for i in range(1, 7)]
    listed = " ".join(keys)
    for k in native:
        assert k in listed, f"{k} is not in the F1 list"
    where = {w for _, _, w in rows}
    assert {"Everywhere", "Scan station", "Devices"} <= where
    # The pages' names as the side bar writes them (an "&" is not a mnemonic mark).
    what = {w for _, w, _ in rows}
    assert {"Spares & stock", "Locations & 3PL"} <= what
    # Every shortcut the pages own is in the list: it is read from the actions.
    for page in window.pages.values():
        for action in page.actions():
            if not action.shortcut().isEmpty():
                text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                assert text in listed
    window.shortcuts_dialog.reject()


def test_a_new_action_appears_in_the_f1_list_by_itself(qtbot, window):
    from ui.shortcuts import collect

    devices = window.page("devices")
    extra = QAction("Something new", devices)
    extra.setShortcut(QKeySequence("Ctrl+Shift+J"))
    devices.addAction(extra)
    found = [s for s in collect(window) if s.what == "Something new"]
    assert found and found[0].where == "Devices"


def test_down_from_the_search_goes_to_the_results_and_enter_opens_a_single_match(
        qtbot, window):
    window.activateWindow()
    devices = window.show_page("devices")
    assert window.ctx.runner.wait_idle(10_000)
    asset = m.Asset.select().where(m.Asset.status == "in_stock").order_by(m.Asset.id).first()
    devices.focus_search()
    qtbot.keyClicks(devices.search, "IT-")
    qtbot.keyClick(devices.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is devices.table
    assert devices.selected_ids()  # the first result is chosen
    devices.focus_search()
    devices.search.clear()
    qtbot.keyClicks(devices.search, asset.tag)
    qtbot.keyClick(devices.search, Qt.Key.Key_Return)
    # One match, in stock: Enter opens its check-out at once (no Tabs needed).
    qtbot.waitUntil(lambda: devices.dialog is not None, timeout=3000)
    assert devices.dialog.tags == [asset.tag]
    devices.dialog.reject()


def test_tab_leaves_a_table_for_the_next_control(qtbot, window):
    """Arrows move in a table, Tab goes on to the next control: from the operators in
    Settings a keyboard user reaches the buttons beside them."""
    window.activateWindow()
    settings = window.show_page("settings")
    assert window.ctx.runner.wait_idle(10_000)
    table = settings.operators.table
    table.setFocus()
    wait_for_focus(qtbot, table)
    qtbot.keyClick(table, Qt.Key.Key_Space)  # (arrows move, Space chooses the row)
    assert settings.operators.current() is not None
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
    assert QApplication.focusWidget() is settings.operators.add_button
    # The same on a page's list: Tab from the devices goes on, not to the next cell.
    devices = window.show_page("devices")
    assert window.ctx.runner.wait_idle(10_000)
    devices.table.setFocus()
    wait_for_focus(qtbot, devices.table)
    qtbot.keyClick(devices.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not devices.table
