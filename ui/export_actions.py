"""Export… for any table view (what it shows, filters applied) and for the named tables
and the ledger, to CSV or XLSX. Formulas are neutralised by `inventory.exchange.export`.

    action = export_action(view, "devices")          # add to a view's toolbar or menu
    export_view(view, parent, "devices")             # or call it directly
    export_table(parent, db, "movements", Filters(since=...))
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QEventLoop, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QMessageBox,
    QProgressDialog,
    QTableView,
    QWidget,
)

from inventory.errors import InventoryError
from inventory.exchange.export import write_rows
from inventory.exchange.tables import Filters
from inventory.store import Store

FILE_FILTERS = "CSV, for any spreadsheet (*.csv);;Excel workbook (*.xlsx)"


def _model_of(target: QAbstractItemModel | QAbstractItemView) -> QAbstractItemModel:
    return target.model() if isinstance(target, QAbstractItemView) else target


def view_table(target: QAbstractItemModel | QAbstractItemView) -> tuple[list[str],
                                                                        Iterator[list]]:
    """The headers and rows a view shows: its model, every row (fetching the rest),
    without the columns the view hides."""
    model = _model_of(target)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    columns = [c for c in range(model.columnCount())
               if not (isinstance(target, QTableView) and target.isColumnHidden(c))]
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal,
                                    Qt.ItemDataRole.DisplayRole) or f"Column {c + 1}")
               for c in columns]

    def rows() -> Iterator[list]:
        for r in range(model.rowCount()):
            yield [model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole) for c in columns]

    return headers, rows()


def ask_path(parent: QWidget | None, name: str) -> Path | None:
    path, chosen = QFileDialog.getSaveFileName(parent, "Export", f"{name}.csv", FILE_FILTERS)
    if not path:
        return None
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".xlsx"):
        p = p.with_suffix(".xlsx" if "xlsx" in chosen else ".csv")
    return p


def export_view(target: QAbstractItemModel | QAbstractItemView, parent: QWidget | None,
                name: str = "export", path: str | Path | None = None) -> Path | None:
    """Write what the view shows; asks for the file unless `path` is given."""
    path = Path(path) if path else ask_path(parent, name)
    if path is None:
        return None
    headers, rows = view_table(target)
    try:
        write_rows(path, headers, rows, sheet=name)
    except InventoryError as exc:
        QMessageBox.warning(parent, "Export", str(exc))
        return None
    return path


def export_action(target: QAbstractItemView, name: str) -> QAction:
    """An 'Export…' action (Ctrl+Shift+E) for a view's toolbar or context menu."""
    action = QAction("Export…", target)
    action.setShortcut(QKeySequence("Ctrl+Shift+E"))
    action.setToolTip("Save the rows shown here as CSV or Excel")
    action.triggered.connect(lambda: export_view(target, target.window(), name))
    return action


def export_table(parent: QWidget | None, db: Store, table: str,
                 filters: Filters | None = None, path: str | Path | None = None) -> Path | None:
    """Export one of the named tables (assets, stock, ..., movements) on a worker thread,
    with a progress dialog; the ledger can be a million rows."""
    from inventory.exchange.export import export_table as run_export

    from .import_dialog import Job

    path = Path(path) if path else ask_path(parent, table)
    if path is None:
        return None
    dialog = QProgressDialog(f"Exporting {table}…", "Stop", 0, 0, parent)
    dialog.setWindowTitle("Export")
    dialog.setMinimumDuration(300)
    outcome: dict[str, object] = {}

    def work(progress):
        return run_export(db, table, path, filters=filters,
                          progress=lambda n: progress("writing", n, 0))

    job = Job(db, work)
    loop = QEventLoop()
    job.succeeded.connect(lambda n: outcome.__setitem__("rows", n))
    job.failed.connect(lambda exc: outcome.__setitem__("error", exc))
    job.progressed.connect(lambda _s, n, _t: dialog.setLabelText(
        f"Exporting {table}… {n:,} rows"))
    dialog.canceled.connect(job.cancel)
    job.finished.connect(loop.quit)
    job.start()
    loop.exec()
    job.wait()
    dialog.close()
    dialog.deleteLater()
    job.deleteLater()
    error = outcome.get("error")
    if error is not None:
        from .import_dialog import Cancelled

        if not isinstance(error, Cancelled):  # stopped: the file was never put in place
            QMessageBox.warning(parent, "Export", str(error))
        return None
    return path
