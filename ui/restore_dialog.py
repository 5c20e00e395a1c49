"""File > Backups: back up now, or restore a backup (admins). Each backup in the list is
integrity-checked; a damaged one cannot be chosen. Restoring closes the database first
(`close_database`, given by the main window), keeps the current file aside, and emits
`restored` so the window reopens the database. PostgreSQL: the same through pg_dump -Fc /
pg_restore (`inventory/pgbackup.py`), admins only; a missing tool is said in the note.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inventory import pgbackup
from inventory.backup import (
    BackupInfo,
    backup_sqlite,
    check_backup,
    list_backups,
    restore_sqlite,
)
from inventory.dburl import is_postgres, resolve_url, sqlite_path
from inventory.errors import InventoryError
from inventory.operators import OperatorRef
from inventory.roles import allowed

from .models.format import count, fmt_local


class RestoreDialog(QDialog):
    restored = Signal(str)  # the file the previous database was kept as

    def __init__(self, url: str | None, operator: OperatorRef, parent: QWidget | None = None,
                 close_database: Callable[[], None] | None = None,
                 confirm: Callable[[str], bool] | None = None):
        super().__init__(parent)
        self.url = resolve_url(url)
        self.operator = operator
        self.close_database = close_database
        self.confirm = confirm or self._ask
        self.infos: list[BackupInfo | None] = []
        self.setWindowTitle("Backups")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.note)
        self.list = QTableWidget(0, 4)
        self.list.setHorizontalHeaderLabels(["Backup", "Taken", "Size", "Contents"])
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().setVisible(False)
        self.list.itemSelectionChanged.connect(self._update)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.backup_now = QPushButton("Back up now")
        self.other = QPushButton("Restore from another file…")
        self.restore_button = QPushButton("Restore the selected backup")
        close = QPushButton("Close")
        self.backup_now.clicked.connect(self._backup)
        self.other.clicked.connect(self._other_file)
        self.restore_button.clicked.connect(lambda: self.restore(self.selected()))
        close.clicked.connect(self.reject)
        for b in (self.backup_now, self.other):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.refresh()

    @property
    def postgres(self) -> bool:
        return is_postgres(self.url)

    @property
    def may_restore(self) -> bool:
        return allowed(self.operator.role, "admin")

    def refresh(self) -> None:
        if self.postgres:
            self._refresh_postgres()
            return
        path = sqlite_path(self.url)
        self.note.setText(
            f"Backups of {path} are taken before every schema upgrade and when Stockroom "
            f"closes; the newest are kept in {path.parent / 'backups'}. Restoring puts a "
            "backup in place of the database and keeps the current file beside it."
            + ("" if self.may_restore else " Only an admin can restore."))
        backups = list_backups(path)
        self.infos = []
        self.list.setRowCount(len(backups))
        for r, b in enumerate(backups):
            try:
                info = check_backup(b)
                contents = f"{count(info.movements, 'movement')}, {count(info.assets, 'asset')}"
                taken = fmt_local(info.taken_at)
            except InventoryError as exc:
                info, contents, taken = None, f"DAMAGED — {exc}", ""
            self.infos.append(info)
            for c, text in enumerate((b.name, taken, f"{b.stat().st_size / 1e6:.1f} MB",
                                      contents)):
                item = QTableWidgetItem(text)
                if info is None:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.list.setItem(r, c, item)
        if backups:
            self.list.selectRow(0)
        self._update()

    def _refresh_postgres(self) -> None:
        try:
            pgbackup.tool("pg_dump")
            pgbackup.tool("pg_restore")
        except InventoryError as exc:
            self.note.setText(str(exc))
            for w in (self.list, self.backup_now, self.other, self.restore_button):
                w.setEnabled(False)
            return
        folder = pgbackup.dump_dir(self.url)
        self.note.setText(
            f"Backups of this PostgreSQL database are pg_dump files (custom format) kept in "
            f"{folder}. Restoring replaces everything in the database in one transaction, "
            "after a dump of it as it is; other desks should close Stockroom first."
            + ("" if self.may_restore else " Only an admin can back up or restore."))
        dumps = pgbackup.list_dumps(self.url)
        self.infos = []
        self.list.setRowCount(len(dumps))
        for r, d in enumerate(dumps):
            stat = d.stat()
            taken = datetime.fromtimestamp(stat.st_mtime)
            self.infos.append(BackupInfo(d, taken, stat.st_size, 0, 0, 0))
            for c, text in enumerate((d.name, fmt_local(taken),
                                      f"{stat.st_size / 1e6:.1f} MB", "pg_dump")):
                self.list.setItem(r, c, QTableWidgetItem(text))
        if dumps:
            self.list.selectRow(0)
        self.backup_now.setEnabled(self.may_restore)
        self._update()

    def selected(self) -> Path | None:
        rows = self.list.selectionModel().selectedRows() if self.list.selectionModel() else []
        if not rows:
            return None
        info = self.infos[rows[0].row()]
        return info.path if info is not None else None

    def _update(self) -> None:
        self.restore_button.setEnabled(self.may_restore and self.selected() is not None)
        self.other.setEnabled(self.may_restore)

    def _backup(self) -> None:
        try:
            if self.postgres:
                if not self.may_restore:
                    return
                out = pgbackup.backup_postgres(self.url)
            else:
                out = backup_sqlite(sqlite_path(self.url))
        except (OSError, InventoryError) as exc:
            self._say(f"The backup failed: {exc}", error=True)
            return
        self.refresh()
        self._say(f"Backed up to {out}.")

    def _other_file(self) -> None:
        if self.postgres:
            path, _ = QFileDialog.getOpenFileName(
                self, "Restore from", str(pgbackup.dump_dir(self.url)),
                "PostgreSQL dumps (*.dump);;All files (*)")
        else:
            path, _ = QFileDialog.getOpenFileName(
                self, "Restore from", str(sqlite_path(self.url).parent),
                "Stockroom databases (*.sqlite *.db);;All files (*)")
        if path:
            self.restore(Path(path))

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Restore", text)
        return answer == QMessageBox.StandardButton.Yes

    def restore(self, backup: Path | None) -> bool:
        """Check, confirm, close the database, swap the files, report."""
        if backup is None or not self.may_restore:
            return False
        if self.postgres:
            return self._restore_postgres(backup)
        try:
            info = check_backup(backup)
        except InventoryError as exc:
            self._say(str(exc), error=True)
            return False
        if not self.confirm(
                f"Replace the database with {backup.name} ({count(info.movements, 'movement')}, "
                f"taken {fmt_local(info.taken_at)})? Everything recorded since then will be "
                "gone from the database; the current file is kept aside."):
            return False
        if self.close_database is not None:
            self.close_database()
        try:
            result = restore_sqlite(sqlite_path(self.url), backup)
        except InventoryError as exc:
            self._say(str(exc), error=True)
            return False
        aside = str(result.kept_aside or "")
        self._say(f"Restored {backup.name}." + (f" The previous database is kept as {aside}."
                                                if aside else ""))
        self.restored.emit(aside)
        return True

    def _restore_postgres(self, dump: Path) -> bool:
        try:
            info = pgbackup.check_dump(dump)
        except InventoryError as exc:
            self._say(str(exc), error=True)
            return False
        if not self.confirm(
                f"Replace everything in the PostgreSQL database with {dump.name} (taken "
                f"{fmt_local(info.taken_at)})? Everything recorded since then will be gone, "
                "for every desk; a dump of the database as it is is kept first."):
            return False
        if self.close_database is not None:
            self.close_database()
        try:
            aside = pgbackup.restore_postgres(self.url, dump)
        except InventoryError as exc:
            self._say(str(exc), error=True)
            return False
        self._say(f"Restored {dump.name}. The database as it was is kept as {aside}.")
        self.restored.emit(str(aside))
        return True

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020;" if error else "")
