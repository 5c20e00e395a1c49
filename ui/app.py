"""Starting the desktop app: open the database, sign in, build the window, wire scanners.

`main.py` calls `run_app(args)` when no command is given.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sqlite3
import sys
import time
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QGuiApplication, QIcon, QWindow
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
)

from inventory.backup import auto_backup
from inventory.dburl import ENV_VAR, is_postgres, resolve_url
from inventory.errors import InventoryError, PermissionDenied
from inventory.operators import OperatorRef, needs_sign_in, os_operator
from inventory.storage import open_store_handle
from inventory.store import Store
from resources.app_icon import PNG_SIZES, png

from . import style
from .dialogs import crash
from .events import ChangeBus
from .settings import APPLICATION, ORGANIZATION, Settings
from .tasks import TaskRunner
from .views.base import AppContext

log = logging.getLogger("stockroom")


def log_path() -> Path:
    """Where the app's log goes (platformdirs' log folder for Stockroom)."""
    return Path(platformdirs.user_log_dir("Stockroom", appauthor=False)) / "stockroom.log"


def log_file() -> Path:
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def setup_logging() -> Path | None:
    try:
        path = log_file()
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def database_url(args, settings: Settings) -> str:
    """--database, else $STOCKROOM_DATABASE, else the one chosen in Settings, else default."""
    return (getattr(args, "database", None) or os.environ.get(ENV_VAR)
            or settings.database_url() or resolve_url(None))


def sign_in(db: Store, url: str, settings: Settings) -> OperatorRef | None:
    """The operator for this session; None when the user gave up signing in."""
    if not needs_sign_in(db):
        try:
            return os_operator(db)
        except PermissionDenied:
            pass
    from .dialogs.sign_in import SignInDialog

    dialog = SignInDialog(db, url, settings.last_operator())
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.operator is None:
        return None
    settings.set_last_operator(dialog.operator.username)
    return dialog.operator


def wedge_settings(settings: Settings):
    from scanners.wedge import WedgeSettings

    return WedgeSettings(prefix=settings.wedge_prefix(), suffix=settings.wedge_suffix(),
                         min_length=settings.wedge_min_length(),
                         max_gap_ms=settings.wedge_max_gap_ms(),
                         end_silence_ms=settings.wedge_end_silence_ms())


def typing_in_a_dialog(window: QWindow | None = None) -> bool:
    """Whether the key going to ``window`` lands in an editable text field of a dialog (there
    a burst is text unless it carries the scanner's prefix or suffix: scanners/wedge.py).

    A key sent to a window goes to that window's own focus widget, active or not, so that is
    the widget asked about; without a window, the application's focus widget."""
    w = QApplication.focusWidget()
    if window is not None:
        owner = next((t for t in QApplication.topLevelWidgets() if t.windowHandle() is window),
                     None)
        if owner is not None:
            w = owner.focusWidget() or owner
    if isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox):
        return not w.isReadOnly() and isinstance(w.window(), QDialog)
    return False


def attach_scanners(app: QApplication, window, settings: Settings) -> None:
    """The keyboard wedge for the whole app, and the serial scanner if one is set up."""
    try:
        from scanners.wedge import WedgeFilter
    except ImportError:
        log.warning("keyboard-wedge support is not installed", exc_info=True)
        window.status.set_wedge("missing")
    else:
        wedge = WedgeFilter(app, settings=wedge_settings(settings),
                            in_text_field=typing_in_a_dialog)
        wedge.set_enabled(settings.wedge_enabled())
        wedge.install(app)
        window.attach_wedge(wedge)

        def on_change(group: str) -> None:
            if group == "wedge":
                wedge.settings = wedge_settings(settings)
                wedge.set_enabled(settings.wedge_enabled())

        settings.changed.connect(on_change)
    try:
        from scanners.serial_reader import SerialScanner
    except ImportError:
        log.warning("serial scanner support is not installed", exc_info=True)
        return
    serial = SerialScanner(window)
    window.attach_serial(serial)

    def restart(group: str = "serial") -> None:
        if group != "serial":
            return
        port = settings.serial_port()
        if port:
            serial.start(port, settings.serial_baudrate())
        else:
            serial.stop()

    settings.changed.connect(restart)
    restart()


def build_window(db: Store, url: str, operator: OperatorRef, settings: Settings):
    from .live import LiveUpdates
    from .main_window import MainWindow

    runner = TaskRunner(db)
    ctx = AppContext(db, operator, ChangeBus(), settings, runner, url)
    window = MainWindow(ctx)
    live = LiveUpdates(db, url, ctx.bus, window)  # other desks' changes, live
    window.attach_live(live)
    live.start()
    return window


def app_icon() -> QIcon:
    """The application icon (resources/app), every rendered size in one QIcon."""
    icon = QIcon()
    for size in PNG_SIZES:
        icon.addFile(str(png(size)))
    return icon


def render_and_quit(app: QApplication, window, path: str) -> None:
    """`--render-window PNG`: once the window is shown, say so, save a picture, quit."""

    def shot() -> None:
        ok = False
        try:
            # The start-up bench reads this: wall clock, and the CPU the process used so far.
            print(f"window shown at {time.time():.3f} cpu {time.process_time():.3f}", flush=True)
            for _ in range(3):  # the first page fills itself from the worker: picture it so
                window.ctx.runner.wait_idle(30_000)
                app.processEvents()
            ok = window.grab().save(path)
            print(f"saved {path}" if ok else f"error: could not write {path}", flush=True)
        finally:  # whatever happened (a closed stdout too), the program ends
            window.close()
            app.exit(0 if ok else 1)

    QTimer.singleShot(0, shot)


def run_app(args) -> int:
    """Open the window on the database named by `args.database` (or the default)."""
    log_path = setup_logging()
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QGuiApplication.setDesktopFileName("stockroom")  # matches resources/app/stockroom.desktop
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    style.apply(app)
    crash.install(log_path)
    settings = Settings()
    url = database_url(args, settings)
    try:
        db = open_store_handle(url)
    except InventoryError as exc:
        if is_postgres(url) and "user name or password" in str(exc):
            # a team's server: each operator connects with their own login
            from .dialogs.sign_in import SignInDialog

            dialog = SignInDialog(None, url, settings.last_operator())
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.operator is None:
                return 0
            settings.set_last_operator(dialog.operator.username)
            return _run_window(app, args, dialog.db, url, dialog.operator, settings)
        log.error("cannot open %s: %s", url, exc)
        QMessageBox.critical(None, "Stockroom cannot open its database",
                             f"{exc}\n\nStart it with --database FILE to use another file, "
                             "or fix the problem and start again.")
        return 1
    operator = sign_in(db, url, settings)
    if operator is None:
        return 0
    return _run_window(app, args, db, url, operator, settings)


def _run_window(app: QApplication, args, db: Store, url: str, operator: OperatorRef,
                settings: Settings) -> int:
    window = build_window(db, url, operator, settings)
    attach_scanners(app, window, settings)
    window.show()
    from .notices import TrayNotifier

    window.notices = TrayNotifier(window.ctx, window, app_icon())
    window.notices.start()
    log.info("Stockroom started on %s as %s", url, operator.username)
    if getattr(args, "render_window", None):
        render_and_quit(app, window, args.render_window)
    code = app.exec()
    shutdown(db, url)
    return code


def shutdown(db: Store, url: str) -> Path | None:
    """Close the database and take the exit backup (SQLite, only when data changed)."""
    db.close()
    try:
        made = auto_backup(url)
    except (OSError, sqlite3.Error) as exc:  # a full disk must not turn quitting into a crash
        log.error("backup on exit failed: %s", exc)
        return None
    if made is not None:
        log.info("backup on exit: %s", made)
    return made
