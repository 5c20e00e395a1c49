"""The navigation side bar: the app's name, one entry per page, who is signed in."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from .. import icons, style


class Sidebar(QFrame):
    page_selected = Signal(str)

    def __init__(self, entries: list[tuple[str, str, str, str]], footer: str,
                 parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.setFixedWidth(212)
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
        col.addLayout(brand)
        self.list = QListWidget()
        self.list.setObjectName("SidebarList")
        self.list.setIconSize(QSize(18, 18))
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAccessibleName("Navigation")
        self._keys: list[str] = []
        for key, text, icon, shortcut in entries:
            item = QListWidgetItem(icons.icon(icon, style.SIDEBAR_TEXT, "#ffffff"), text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{text} ({shortcut})" if shortcut else text)
            item.setSizeHint(QSize(190, 38))
            self.list.addItem(item)
            self._keys.append(key)
        self.list.currentItemChanged.connect(self._changed)
        col.addWidget(self.list, 1)
        self.footer = QLabel(footer)
        self.footer.setObjectName("SidebarFooter")
        self.footer.setWordWrap(True)
        self.footer.setContentsMargins(18, 0, 12, 0)
        col.addWidget(self.footer)

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
