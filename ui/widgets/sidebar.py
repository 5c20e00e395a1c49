"""The navigation side bar: the app's name, one entry per page, who is signed in.

Below `COMPACT_BELOW` pixels of window width it folds to its icons (names in the tooltips),
giving the page the width it needs at 1024 × 700.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from .. import icons, style

WIDE, NARROW = 212, 60
COMPACT_BELOW = 1200


class Sidebar(QFrame):
    page_selected = Signal(str)

    def __init__(self, entries: list[tuple[str, str, str, str]], footer: str,
                 parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.setFixedWidth(WIDE)
        self.compact = False
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 16, 0, 12)
        col.setSpacing(6)
        brand = QHBoxLayout()
        brand.setContentsMargins(18, 0, 12, 8)
        brand.setSpacing(10)
        logo = QLabel()
        logo.setPixmap(icons.pixmap("logo", "#60a5fa", 28))
        name = QVBoxLayout()
        name.setSpacing(0)
        title = QLabel("Stockroom")
        title.setObjectName("SidebarTitle")
        sub = QLabel("IT inventory")
        sub.setObjectName("SidebarSubtitle")
        name.addWidget(title)
        name.addWidget(sub)
        brand.addWidget(logo)
        brand.addLayout(name, 1)
        self._brand, self._names = brand, (title, sub)
        col.addLayout(brand)
        self.list = QListWidget()
        self.list.setObjectName("SidebarList")
        self.list.setIconSize(QSize(18, 18))
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAccessibleName("Navigation")
        self._keys: list[str] = []
        self._texts: list[str] = []
        for key, text, icon, shortcut in entries:
            item = QListWidgetItem(icons.icon(icon, style.SIDEBAR_TEXT, "#ffffff"), text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{text} ({shortcut})" if shortcut else text)
            item.setSizeHint(QSize(190, 38))
            self.list.addItem(item)
            self._keys.append(key)
            self._texts.append(text)
        self.list.currentItemChanged.connect(self._changed)
        col.addWidget(self.list, 1)
        self.footer = QLabel(footer)
        self.footer.setObjectName("SidebarFooter")
        self.footer.setWordWrap(True)
        self.footer.setContentsMargins(18, 0, 12, 0)
        col.addWidget(self.footer)

    def set_compact(self, compact: bool) -> None:
        """Icons only (narrow windows), or icons and names."""
        if compact == self.compact:
            return
        self.compact = compact
        self.setFixedWidth(NARROW if compact else WIDE)
        for w in self._names:
            w.setVisible(not compact)
        self.footer.setVisible(not compact)
        self._brand.setContentsMargins(16 if compact else 18, 0, 12, 8)
        for i, text in enumerate(self._texts):
            item = self.list.item(i)
            item.setText("" if compact else text)
            item.setSizeHint(QSize(44, 38) if compact else QSize(190, 38))

    def _changed(self, current: QListWidgetItem | None, _previous) -> None:
        if current is not None:
            self.page_selected.emit(current.data(Qt.ItemDataRole.UserRole))

    def select(self, key: str) -> None:
        """Highlight `key` without emitting (the window already shows it)."""
        self.list.blockSignals(True)
        if key in self._keys:
            self.list.setCurrentRow(self._keys.index(key))
        else:
            self.list.clearSelection()
            self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
