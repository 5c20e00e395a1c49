"""The main window: side bar, pages, status bar, shortcuts, and where scans go.

Pages are built the first time they are shown. Every scan from any scanner comes to
`on_scan`: an open dialog that takes scans gets it, Settings shows it (the wedge test),
and otherwise the window switches to the scan station and hands it over.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from inventory.dburl import describe
from inventory.queries.dashboard import is_empty
from inventory.roles import allowed

from . import heap
from .models import format as fmt
from .views.base import AppContext, Page
from .widgets.page_stack import PageStack
from .widgets.sidebar import COMPACT_BELOW, Sidebar
from .widgets.status import StatusBar

log = logging.getLogger(__name__)

# key, title, icon, shortcut
NAVIGATION: list[tuple[str, str, str, str]] = [
    ("dashboard", "Dashboard", "dashboard", "Ctrl+1"),
    ("scan", "Scan station", "scan", "Ctrl+2"),
    ("devices", "Devices", "devices", "Ctrl+3"),
    ("stock", "Spares & stock", "stock", "Ctrl+4"),
    ("licenses", "Licenses", "licenses", "Ctrl+5"),
    ("locations", "Locations & 3PL", "locations", "Ctrl+6"),
    ("people", "People", "people", "Ctrl+7"),
    ("requests", "Requests", "check", "Ctrl+Shift+R"),
    ("orders", "Purchase orders", "orders", "Ctrl+8"),
    ("reorder", "Reorder", "reorder", "Ctrl+9"),
    ("history", "History", "history", "Ctrl+0"),
    ("showback", "Showback", "showback", "Ctrl+Shift+B"),  # issue 14
    ("settings", "Settings", "settings", "Ctrl+,"),
]
SCAN_MODES = [("F2", "checkout", "Check-out"), ("F3", "checkin", "Check-in"),
              ("F4", "receive", "Receive"), ("F10", "transfer", "Transfer"),
              ("F6", "count", "Count"), ("F7", "issue", "Issue spares"),
              ("F8", "kit", "Issue a kit"), ("F9", "returns", "Return all")]
TITLES = {key: title for key, title, _, _ in NAVIGATION}


def _table_page(module: str, cls: str) -> Callable[[AppContext], Page]:
    def make(ctx: AppContext) -> Page:
        return getattr(importlib.import_module(f"ui.views.{module}"), cls)(ctx)
    return make


PAGE_FACTORIES: dict[str, Callable[[AppContext], Page]] = {
    "dashboard": _table_page("dashboard", "DashboardPage"),
    "devices": _table_page("devices", "DevicesPage"),
    "stock": _table_page("stock", "StockPage"),
    "licenses": _table_page("licenses", "LicensesPage"),
    "locations": _table_page("locations", "LocationsPage"),
    "people": _table_page("people", "PeoplePage"),
    "requests": _table_page("requests", "RequestsPage"),
    "orders": _table_page("orders", "OrdersPage"),
    "history": _table_page("history", "HistoryPage"),
    "showback": _table_page("showback", "ShowbackPage"),
    "settings": _table_page("settings_page", "SettingsPage"),
}


def load_scan_path() -> None:
    """What the first scan needs, loaded ahead of it (the GS1 tables among it)."""
    importlib.import_module("ui.scan_station.parsing")


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        fmt.configure(currency=ctx.settings.currency())
        ctx.settings.changed.connect(self._settings_changed)
        self.setWindowTitle("Stockroom")
        self.setMinimumSize(1000, 640)
        self.pages: dict[str, QWidget] = {}
        self.current_key = ""
        self.serial = None
        self.wedge = None
        self.live = None
        self.last_remote = ""

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        op = ctx.operator
        self.sidebar = Sidebar(NAVIGATION, f"Signed in as\n{op.label}")
        self.sidebar.page_selected.connect(self.show_page)
        self.stack = PageStack()
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = StatusBar(describe(ctx.url) if ctx.url else "", op.label)
        self.setStatusBar(self.status)
        ctx.runner.error_reported.connect(self.show_error)
        self._shortcuts()

        geometry = ctx.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 900)
        if is_empty():
            self.show_welcome()
        else:
            last = ctx.settings.last_view()
            self.show_page(last if last in TITLES and last != "scan" else "dashboard")
        # Once the first page is filled (ui/heap.py), with the scan path loaded.
        heap.settle_when_idle(ctx.runner, warm_up=load_scan_path)

    def _settings_changed(self, group: str) -> None:
        if group == "display":  # the currency: pages show it from their next reading
            fmt.configure(currency=self.ctx.settings.currency())
            for page in self.pages.values():
                if isinstance(page, Page):
                    page.refresh()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.sidebar.set_compact(event.size().width() < COMPACT_BELOW)

    # -- pages --------------------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The page for `key`, built on first use."""
        if key not in self.pages:
            w = self._build_page(key)
            if isinstance(w, Page):
                w.navigate.connect(self.navigate)
                w.status_message.connect(self.flash)
            self.pages[key] = w
            self.stack.addWidget(w)
        return self.pages[key]

    def _build_page(self, key: str) -> QWidget:
        if key == "scan":
            return self._scan_station()
        if key == "reorder":
            return self._reorder_page()
        if key == "welcome":
            from .views.welcome import WelcomePage

            w = WelcomePage(self.ctx)
            w.finished.connect(self._welcome_done)
            return w
        return PAGE_FACTORIES[key](self.ctx)

    def _placeholder(self, key: str, message: str) -> QWidget:
        from .views.welcome import PlaceholderPage

        return PlaceholderPage(self.ctx, key, TITLES.get(key, key), message)

    def _scan_station(self) -> QWidget:
        from .scan_station.page import ScanStationPage

        try:
            page = ScanStationPage(self.ctx)
        except Exception:  # noqa: BLE001 - one broken page must not take the window down
            log.exception("the scan station failed to start")
            return self._placeholder("scan", "The scan station could not start. The details "
                                             "are in the log; the other views work as usual.")
        page.status_message.connect(self.flash)
        camera = getattr(page, "camera", None)
        if camera is not None and hasattr(camera, "state_changed"):
            camera.state_changed.connect(self.status.set_camera)
        return page

    def _reorder_page(self) -> QWidget:
        from .views.reorder import ReorderPage

        c = self.ctx
        try:
            return ReorderPage(c)
        except Exception:  # noqa: BLE001 - one broken page must not take the window down
            log.exception("the reorder page failed to start")
            return self._placeholder("reorder", "The reorder list could not open. The details "
                                                "are in the log.")

    def show_page(self, key: str) -> QWidget:
        if key not in TITLES and key != "welcome":
            key = "dashboard"
        w = self.page(key)
        self.stack.setCurrentWidget(w)
        self.current_key = key
        # On the welcome page there is nothing to navigate to yet (and a focused list
        # would pick its first entry by itself).
        self.sidebar.list.setEnabled(key != "welcome")
        self.sidebar.select(key)
        self.setWindowTitle(f"{TITLES.get(key, 'Welcome')} — Stockroom")
        if key != "welcome":
            self.ctx.settings.set_last_view(key)
        if key == "scan" and hasattr(w, "focus_field"):
            QTimer.singleShot(0, w.focus_field)  # (also when it was shown already)
        return w

    def show_welcome(self) -> None:
        self.show_page("welcome")

    def _welcome_done(self, how: str) -> None:
        self.show_page("dashboard")
        if how == "empty":
            page = self.pages.get("dashboard")
            if isinstance(page, Page):
                page.messages.show_info("Start with Locations & 3PL (your sites and "
                                        "stockrooms), then add products under Spares & stock "
                                        "and people under People.")

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def navigate(self, key: str, filters: dict) -> None:
        """A link from one page to another, with what to show there."""
        w = self.show_page(key)
        if key == "scan":
            self._station_link(w, filters)
        elif isinstance(w, Page):
            w.apply_link(filters)

    def _station_link(self, station: QWidget, filters: dict) -> None:
        if "mode" in filters and hasattr(station, "set_mode"):
            station.set_mode(filters["mode"])
        if filters.get("order") and hasattr(station, "handle_scan"):
            from scanners.scan import Scan

            station.handle_scan(Scan(filters["order"], "code128", "manual", datetime.now()))

    # -- keyboard -----------------------------------------------------------------------

    def _shortcuts(self) -> None:
        """The menus, which also carry every shortcut (so they are listed where seen)."""
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.import_action = self._menu_action(file_menu, "&Import from a file…", "Ctrl+Shift+I",
                                               self.import_file)
        self.export_action = self._menu_action(file_menu, "&Export this view…", "Ctrl+Shift+E",
                                               self.export_view)
        file_menu.addSeparator()
        self.backups_action = self._menu_action(file_menu, "&Backups and restore…", "",
                                                self.backups)
        file_menu.addSeparator()
        self.password_action = self._menu_action(file_menu, "Change my &password…", "",
                                                 self.change_password)
        self.add_operator_action = self._menu_action(file_menu, "Add an &operator…", "",
                                                     self.add_operator)
        self.add_operator_action.setEnabled(allowed(self.ctx.operator.role, "admin"))
        file_menu.addSeparator()
        self._menu_action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        go = bar.addMenu("&Go")
        for key, title, _icon, keys in NAVIGATION:
            # "Spares & stock": a menu reads a single & as a mnemonic mark
            self._menu_action(go, title.replace("&", "&&"), keys,
                              lambda k=key: self.show_page(k))
        go.addSeparator()
        self._menu_action(go, "Search in this view", "Ctrl+F", self.focus_search)
        self.refresh_action = self._menu_action(go, "Refresh", "F5", self.refresh_all)
        scan = bar.addMenu("&Scan")
        for keys, mode, label in SCAN_MODES:
            self._menu_action(scan, label, keys, lambda m=mode: self.scan_mode(m))
        help_menu = bar.addMenu("&Help")
        self._menu_action(help_menu, "Keyboard shortcuts", "F1", self.show_shortcuts)
        self._menu_action(help_menu, "Check this desk…", "", self.check_desk)
        self._menu_action(help_menu, "About Stockroom", "", self.about)

    def _menu_action(self, menu, text: str, keys, slot) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def refresh_all(self) -> None:
        """F5: every page reads again from the database (others' changes arrive by
        themselves; this is for when one wants to be sure)."""
        self.ctx.bus.everything()
        self.flash("Read again from the database.")

    # -- other desks ----------------------------------------------------------------------

    def attach_live(self, live) -> None:
        """Other desks' changes (ui/live.py LiveUpdates) and whether the server answers."""
        self.live = live
        live.remote_changed.connect(self._remote_changed)
        live.reachable_changed.connect(self._reachable_changed)

    def _remote_changed(self, change) -> None:
        from inventory.live import describe

        self.ctx.runner.run(describe, self.ctx.db, change, key="live-describe",
                            done=lambda text: self._remote_said(text, change),
                            failed=lambda exc: None)

    def _remote_said(self, text: str, change) -> None:
        self.last_remote = text
        self.flash(text)
        page = self.current_page()
        said = getattr(page, "remote_change", None)
        if said is not None:
            said(text, change.changes)

    def _reachable_changed(self, up: bool) -> None:
        from inventory.live import reconnect

        self.status.set_reachable(up)
        if up:  # the worker's connection, before the pages read again
            self.ctx.runner.run(reconnect, self.ctx.db, failed=lambda exc: None)
        page = self.current_page()
        if isinstance(page, Page):
            if up:
                page.messages.show_success("The database answers again; every view was "
                                           "read again.")
            else:
                page.messages.show_error(
                    "The database cannot be reached. Nothing is lost: scans stay in the "
                    "basket, and nothing is confirmed until it answers again (Stockroom "
                    "keeps trying by itself).")

    def focus_search(self) -> None:
        page = self.current_page()
        if isinstance(page, Page):
            page.focus_search()
        elif page is not None and hasattr(page, "focus_field"):
            page.focus_field()

    def scan_mode(self, mode: str) -> None:
        station = self.show_page("scan")
        if hasattr(station, "set_mode"):
            station.set_mode(mode)

    def show_shortcuts(self) -> None:
        """F1: every shortcut, read from the actions of the menus and of every page."""
        from .shortcuts import ShortcutsDialog, collect

        current = self.current_key
        shortcuts = collect(self)  # (builds the pages not opened yet)
        if current:
            self.show_page(current)
        dialog = ShortcutsDialog(shortcuts, self)
        self.shortcuts_dialog = dialog
        dialog.open()

    # -- files --------------------------------------------------------------------------

    def import_file(self) -> None:
        from .import_dialog import ImportDialog

        if not self.ctx.may("catalog"):
            self.show_error(self.ctx.refusal("catalog"))
            return
        dialog = ImportDialog(self.ctx.db, self.ctx.operator, self.ctx.bus, self)
        dialog.exec()
        if self.current_key == "welcome" and not is_empty():
            self.show_page("dashboard")

    def export_view(self) -> None:
        page = self.current_page()
        table = getattr(page, "table", None)
        if table is None:
            self.flash("This view has no table to export.")
            return
        from .export_actions import export_view

        model = table.model()
        if hasattr(model, "is_complete") and not model.is_complete():
            self.ctx.runner.wait_idle()  # the whole id list, not only the first rows
        path = export_view(table, self, self.current_key)
        if path is not None:
            self.flash(f"Saved {path}")

    def change_password(self) -> None:
        from .dialogs.operators import PasswordDialog

        self._operator_dialog(PasswordDialog(self.ctx, self))

    def add_operator(self) -> None:
        from .dialogs.operators import AddOperatorDialog

        self._operator_dialog(AddOperatorDialog(self.ctx, self))

    def _operator_dialog(self, dialog) -> None:
        if dialog.exec() and dialog.result_message:
            self.flash(dialog.result_message)
        dialog.deleteLater()

    def backups(self) -> None:
        from .restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.ctx.url, self.ctx.operator, self,
                               close_database=self._close_database)
        dialog.restored.connect(self._restart_after_restore)
        dialog.exec()

    def _close_database(self) -> None:
        if self.live is not None:
            self.live.stop()  # its own connection too
            self.live = None
        self.ctx.runner.shutdown()
        self.ctx.db.close()

    def _restart_after_restore(self, kept_as: str) -> None:
        QMessageBox.information(
            self, "Backup restored",
            f"The backup is in place; the database you had is kept as {kept_as}. "
            "Stockroom starts again to open it.")
        import sys

        from PySide6.QtCore import QProcess

        QProcess.startDetached(sys.executable, sys.argv)
        self.close()

    def check_desk(self) -> None:
        from .dialogs.doctor import DoctorDialog  # the `stockroom doctor` report

        DoctorDialog(self.ctx.url, self.ctx.settings, self).exec()

    def about(self) -> None:
        from inventory.version import version_text

        QMessageBox.about(self, "About Stockroom",
                          f"{version_text()}\n\n"
                          "Stockroom — run an IT department's hardware, licenses and spares "
                          f"like a business.\n\nDatabase: {describe(self.ctx.url)}\n"
                          f"Signed in as {self.ctx.operator.label}")

    # -- scans --------------------------------------------------------------------------

    def on_scan(self, scan) -> None:
        """Every scanner's scans arrive here (wedge, serial; the camera is the station's)."""
        modal = QApplication.activeModalWidget()
        if modal is not None:
            taker = getattr(modal, "accept_scan", None)
            if taker is not None and taker(scan):
                return
            self.flash(f"Scan {scan.text} not used: finish or close the open dialog first.")
            QApplication.beep()
            return
        page = self.current_page()
        if self.current_key == "settings" and isinstance(page, Page) and page.accept_scan(scan):
            return
        elsewhere = self.current_key != "scan"
        station = self.show_page("scan")
        handler = getattr(station, "handle_scan_from_elsewhere" if elsewhere else "handle_scan",
                          None)
        if handler is None:
            self.flash(f"Scanned {scan.text}: the scan station is not available yet.")
            return
        handler(scan)

    # -- messages -----------------------------------------------------------------------

    def flash(self, text: str) -> None:
        self.status.showMessage(text, 8000)

    def show_error(self, text: str) -> None:
        page = self.current_page()
        if isinstance(page, Page):
            page.messages.show_error(text)
        else:
            self.flash(text)

    # -- closing ------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        s = self.ctx.settings
        s.set_geometry(self.saveGeometry())
        if self.current_key and self.current_key != "welcome":
            s.set_last_view(self.current_key)
        for page in self.pages.values():
            if isinstance(page, Page):
                page.save_state()
            shutdown = getattr(page, "shutdown", None)
            if shutdown is not None:
                try:
                    shutdown()
                except Exception:  # noqa: BLE001 - closing must go on
                    log.exception("a page failed to shut down")
        if self.serial is not None:
            self.serial.stop()
        if self.wedge is not None:
            self.wedge.uninstall()
        if self.live is not None:
            self.live.stop()
        self.ctx.runner.shutdown()
        s.sync()
        super().closeEvent(event)

    # -- scanners -----------------------------------------------------------------------

    def attach_wedge(self, wedge) -> None:
        """Take scans from the keyboard-wedge filter (on every window of the app)."""
        self.wedge = wedge
        wedge.scan_received.connect(self.on_scan)
        wedge.enabled_changed.connect(lambda on: self.status.set_wedge("ready" if on
                                                                       else "off"))
        self.status.set_wedge("ready" if wedge.is_enabled() else "off")

    def attach_serial(self, serial) -> None:
        self.serial = serial
        serial.scan_received.connect(self.on_scan)
        serial.state_changed.connect(self._serial_state)
        self._serial_state(serial.state)

    def _serial_state(self, state: str) -> None:
        port = self.ctx.settings.serial_port()
        detail = getattr(self.serial, "last_error", "") if self.serial else ""
        self.status.set_serial(state, f"{port}: {detail}" if detail else port)
        page = self.pages.get("settings")
        if page is not None and hasattr(page, "set_serial_state"):
            page.set_serial_state(f"{port}: {state}" + (f" — {detail}" if detail else ""))
