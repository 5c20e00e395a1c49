"""The F1 list of keyboard shortcuts, read from the window's QActions themselves.

Every shortcut in the window is a QAction: the menus' (views, scan modes, files), each
page's (Check out… Ctrl+O, New … Ctrl+N) and the scan station's (Ctrl+Enter, Ctrl+Z, Esc,
Ctrl+L, Ctrl+K, Alt+1…6). `collect(window)` walks them, so the list cannot drift from what
the keys do.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .widgets.columns import ColumnPolicy


@dataclass(frozen=True)
class Shortcut:
    keys: str  # as the user's platform writes it ("Ctrl+O")
    what: str
    where: str  # "Everywhere", or the page it works on


def _text(action: QAction) -> str:
    return action.text().replace("&&", "\x00").replace("&", "").replace("\x00", "&")


def _keys(action: QAction) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                     for k in action.shortcuts() if not k.isEmpty())


def of_actions(actions: list[QAction], where: str) -> list[Shortcut]:
    out, seen = [], set()
    for a in actions:
        keys = _keys(a)
        if keys and (keys, _text(a)) not in seen:
            seen.add((keys, _text(a)))
            out.append(Shortcut(keys, _text(a).rstrip("…").strip(), where))
    return out


def collect(window) -> list[Shortcut]:
    """Every shortcut of the window: the menus first, then each page's, page by page.
    Pages not built yet are built, so that the list is complete."""
    out: list[Shortcut] = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is not None:
            out += of_actions(menu.actions(), "Everywhere")
    from .main_window import NAVIGATION

    for key, title, *_ in NAVIGATION:
        page: QWidget = window.page(key)
        out += of_actions(page.actions(), title)
    return out


class ShortcutsDialog(QDialog):
    """Help ▸ Keyboard shortcuts (F1)."""

    def __init__(self, shortcuts: list[Shortcut], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(620, 560)
        layout = QVBoxLayout(self)
        title = QLabel("Keyboard shortcuts")
        title.setObjectName("DetailTitle")
        layout.addWidget(title)
        note = QLabel("Read from the window's own actions: each works where it says.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(len(shortcuts), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does", "Where"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        for r, s in enumerate(shortcuts):
            for c, text in enumerate((s.keys, s.what, s.where)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.columns = ColumnPolicy(self.table, stretch=1, keys=(0, 1), hide_order=(2,))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str, str]]:
        t = self.table
        return [tuple(t.item(r, c).text() for c in range(3))  # type: ignore[misc]
                for r in range(t.rowCount())]
