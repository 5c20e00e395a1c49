"""Reconcile a 3PL / MSP stock statement: pick the file, compare it with the book, then a
manager approves the adjustments. Products the statement leaves out are left alone unless
"the statement lists everything" is ticked; an empty statement is refused."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from inventory.commands import ApproveStatement
from inventory.errors import InventoryError
from inventory.exchange.reconcile import Reconciliation, reconcile
from inventory.roles import allowed

from .dialogs.fields import location_combo


class ReconcileDialog(QDialog):
    """Book versus statement for one partner location."""

    def __init__(self, ctx, location: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_rec: Reconciliation | None = None
        self.setWindowTitle("Reconcile a 3PL statement")
        self.resize(900, 560)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.location = location_combo(("3pl", "msp"))
        if location:
            self.location.set_code(location)
        top.addWidget(QLabel("Partner"))
        top.addWidget(self.location)
        self.path = QLineEdit()
        self.path.setPlaceholderText("The partner's statement (CSV or XLSX)")
        top.addWidget(self.path, 1)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        top.addWidget(browse)
        lay.addLayout(top)
        self.complete = QCheckBox("The statement lists everything the partner holds (count "
                                  "what it leaves out to zero)")
        self.complete.toggled.connect(self.compare)
        lay.addWidget(self.complete)
        self.summary = QLabel("Choose the statement, then Compare.")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.compare_button = QPushButton("Compare")
        self.compare_button.clicked.connect(self.compare)
        self.approve_button = QPushButton("Approve and post")
        self.approve_button.setEnabled(False)
        self.approve_button.clicked.connect(self.approve)
        if not allowed(ctx.operator.role, "adjust"):
            self.approve_button.setToolTip("A manager approves the adjustments.")
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        for b in (self.compare_button, self.approve_button, close):
            buttons.addWidget(b)
        lay.addLayout(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The partner's statement", "",
                                              "Spreadsheets (*.csv *.xlsx *.txt)")
        if path:
            self.path.setText(path)
            self.compare()

    def _chosen(self) -> bool:
        if not self.path.text().strip() or not self.location.code():
            self.summary.setText("Choose the partner and the statement file first.")
            return False
        return True

    def _refused(self, exc: BaseException) -> None:
        if not isinstance(exc, InventoryError):  # a bug: the crash handler, not the form
            sys.excepthook(type(exc), exc, exc.__traceback__)
            return
        self.summary.setText(str(exc))
        self.table.setRowCount(0)
        self.approve_button.setEnabled(False)

    def compare(self) -> None:
        """Book against statement, read on the worker; nothing is written."""
        if self._chosen():
            self.approve_button.setEnabled(False)
            self.ctx.runner.run(reconcile, self.ctx.db, self.ctx.operator,
                                self.path.text().strip(), self.location.code(),
                                complete=self.complete.isChecked(), done=self._show,
                                failed=self._refused)

    def approve(self) -> None:
        """Post the adjustments: one unit of work through the operation runner."""
        if self._chosen():
            self.approve_button.setEnabled(False)
            self.ctx.ops.run(ApproveStatement(self.path.text().strip(), self.location.code(),
                                              complete=self.complete.isChecked()),
                             done=self._approved, failed=self._refused, parent=self)

    def _approved(self, result) -> None:
        self.result_rec = result.view[0]
        self._show(self.result_rec)

    def _show(self, rec: Reconciliation) -> None:
        self.summary.setText(rec.summary() + ".")
        headers = rec.headers()
        # what approving changes first, then what needs a person, then the rest
        rank = {"not_on_statement": 2, "match": 3}
        rows = [r for _, r in sorted(
            enumerate(rec.rows()), key=lambda x: (
                0 if rec.lines[x[0]].action else rank.get(rec.lines[x[0]].status, 1), x[0]))]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(headers.index("Note"), QHeaderView.ResizeMode.Stretch)
        self.approve_button.setEnabled(bool(rec.to_post) and not rec.approved
                                       and allowed(self.ctx.operator.role, "adjust"))
