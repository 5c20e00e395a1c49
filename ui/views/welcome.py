"""First run: an empty database opens here. Load the demo, import a file, or start empty."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inventory.dburl import describe
from inventory.demo import load_demo
from inventory.exchange.importer import import_file
from inventory.queries.dashboard import is_empty

from .. import icons, style
from .base import AppContext, Page

log = logging.getLogger(__name__)


class Choice(QPushButton):
    """A big button: icon, title and a line of explanation."""

    def __init__(self, icon: str, title: str, text: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("WelcomeChoice")
        self.setMinimumHeight(78)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.setSpacing(14)
        ic = QLabel()
        ic.setPixmap(icons.pixmap(icon, style.ACCENT, 26))
        ic.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        col = QVBoxLayout()
        col.setSpacing(2)
        t = QLabel(title)
        t.setStyleSheet("font-weight: 600; font-size: 11pt;")
        d = QLabel(text)
        d.setObjectName("Muted")
        d.setWordWrap(True)
        for w in (t, d):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            col.addWidget(w)
        row.addWidget(ic)
        row.addLayout(col, 1)
        self.setStyleSheet(
            f"#WelcomeChoice {{ background: white; border: 1px solid {style.BORDER_STRONG};"
            f" border-radius: 10px; text-align: left; min-height: 74px; padding: 0; }}"
            f" #WelcomeChoice:hover {{ border-color: {style.ACCENT}; background: #f8faff; }}"
            f" #WelcomeChoice:focus {{ border: 2px solid {style.ACCENT}; }}"
            f" #WelcomeChoice:disabled {{ background: #f9fafb; }}")


class WelcomePage(Page):
    key = "welcome"
    title = "Welcome"
    finished = Signal(str)  # "demo", "import" or "empty"

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(ctx, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 40, 40, 40)
        outer.addStretch(1)
        card = QFrame()
        card.setObjectName("Card")
        card.setMaximumWidth(640)
        col = QVBoxLayout(card)
        col.setContentsMargins(36, 30, 36, 30)
        col.setSpacing(12)
        logo = QLabel()
        logo.setPixmap(icons.pixmap("logo", style.ACCENT, 44))
        col.addWidget(logo)
        title = QLabel("Welcome to Stockroom")
        title.setStyleSheet("font-size: 20pt; font-weight: 700;")
        col.addWidget(title)
        where = QLabel(f"This database is empty: {describe(ctx.url) if ctx.url else ''}. "
                       "How would you like to start?")
        where.setObjectName("Muted")
        where.setWordWrap(True)
        col.addWidget(where)
        col.addSpacing(6)
        self.demo = Choice("dashboard", "Load the demo department",
                           "2,000 devices, 300 people, spares at a 3PL and two years of history:"
                           " the quickest way to look around.")
        self.demo.clicked.connect(self.load_demo)
        self.import_ = Choice("upload", "Import from a file",
                              "Devices, stock, people or locations from a CSV or Excel "
                              "sheet, for example a spreadsheet you keep today.")
        self.import_.clicked.connect(self.import_file)
        self.empty = Choice("plus", "Start empty",
                            "Add your locations, products and people yourself.")
        self.empty.clicked.connect(lambda: self.finished.emit("empty"))
        for b in (self.demo, self.import_, self.empty):
            col.addWidget(b)
        col.addWidget(self.messages)
        self.busy = QLabel("")
        self.busy.setObjectName("Muted")
        col.addWidget(self.busy)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        if not ctx.may("catalog"):
            for b in (self.demo, self.import_):
                b.setEnabled(False)
                b.setToolTip(ctx.refusal("catalog"))

    def _working(self, text: str) -> None:
        self.busy.setText(text)
        for b in (self.demo, self.import_, self.empty):
            b.setEnabled(False)

    def _idle(self) -> None:
        self.busy.setText("")
        self.demo.setEnabled(self.ctx.may("catalog"))
        self.import_.setEnabled(self.ctx.may("catalog"))
        self.empty.setEnabled(True)

    def load_demo(self) -> None:
        self._working("Building the demo department… (a few seconds)")
        self.ctx.runner.run(load_demo, self.ctx.db, self.ctx.operator, done=self._demo_loaded,
                            failed=self._failed)

    def _demo_loaded(self, summary) -> None:
        self._idle()
        self.ctx.bus.everything()
        self.finished.emit("demo")

    def import_file(self, path: str | None = None) -> None:
        if path is None:
            self._import_dialog()
            return
        self._working(f"Importing {path}…")
        self.ctx.runner.run(import_file, self.ctx.db, self.ctx.operator, path,
                            create_missing=True, done=self._imported, failed=self._failed)

    def _import_dialog(self) -> None:
        """The full import: column mapping, preview, dry run."""
        from ..import_dialog import ImportDialog

        ImportDialog(self.ctx.db, self.ctx.operator, self.ctx.bus, self).exec()
        if not is_empty():
            self.ctx.bus.everything()
            self.finished.emit("import")

    def _imported(self, report) -> None:
        self._idle()
        self.ctx.bus.everything()
        summary = report.summary() if hasattr(report, "summary") else "Import finished."
        refused = getattr(report, "refused", [])
        if refused:
            self.messages.show_error(f"{summary}. First refusal, row {refused[0].row}: "
                                     f"{refused[0].message}")
        else:
            self.messages.show_success(summary)
        if not is_empty():
            self.finished.emit("import")

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        from inventory.errors import InventoryError

        if isinstance(exc, InventoryError):
            self.messages.show_error(str(exc))
        else:
            import sys

            sys.excepthook(type(exc), exc, exc.__traceback__)


class PlaceholderPage(Page):
    """A page whose feature is not there yet, saying so plainly."""

    def __init__(self, ctx: AppContext, key: str, title: str, message: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.key, self.title = key, title
        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 18)
        head, _ = self.header(title)
        outer.addLayout(head)
        outer.addStretch(1)
        text = QLabel(message)
        text.setObjectName("Muted")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setStyleSheet("font-size: 11pt;")
        outer.addWidget(text)
        outer.addStretch(2)
