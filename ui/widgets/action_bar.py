"""A page's row of action buttons that never cuts a button's text.

Buttons are shown in order while they fit; those that do not fit move into the "More"
menu (with the actions that always live there), and come back as the window widens. The
primary buttons (New …, Receive …) are always shown, at the right end. Every action keeps
its shortcut wherever its button is, because the page owns the action, not the button.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QMenu, QSizePolicy, QToolButton, QWidget

SPACING = 10


def tool_button(action: QAction, primary: bool = False) -> QToolButton:
    b = QToolButton()
    b.setDefaultAction(action)
    b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    b.setObjectName("PrimaryAction" if primary else "PageAction")
    return b


class ActionBar(QWidget):
    def __init__(self, actions: Sequence[QAction], overflow: Sequence[QAction] = (),
                 primary: Sequence[QAction] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._overflow = [a for a in overflow]
        self._actions = [a for a in actions if a not in self._overflow]
        self._buttons = [tool_button(a) for a in self._actions]
        self._primary = [tool_button(a, primary=True) for a in primary]
        self.more = QToolButton()
        self.more.setText("More")
        self.more.setObjectName("PageAction")
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more.setMenu(QMenu(self.more))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(SPACING)
        row.addStretch(1)
        for b in self._buttons:
            row.addWidget(b)
        row.addWidget(self.more)
        for b in self._primary:
            row.addWidget(b)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.collapsed: list[QAction] = []
        self._arrange(10_000)

    def buttons(self) -> list[QToolButton]:
        return self._buttons + [self.more] + self._primary

    def _fixed_width(self, with_more: bool) -> int:
        shown = self._primary + ([self.more] if with_more else [])
        return sum(b.sizeHint().width() for b in shown) + SPACING * max(0, len(shown) - 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._fixed_width(bool(self._actions or self._overflow)),
                     max((b.sizeHint().height() for b in self.buttons()), default=0))

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int) -> None:
        """Show the buttons that fit, in order; the rest go under More."""
        widths = [b.sizeHint().width() + SPACING for b in self._buttons]
        fit = len(self._buttons)
        while fit and sum(widths[:fit]) + self._fixed_width(
                bool(self._overflow) or fit < len(self._buttons)) > width:
            fit -= 1
        for i, b in enumerate(self._buttons):
            b.setVisible(i < fit)
        self.collapsed = self._actions[fit:]
        menu = self.more.menu()
        menu.clear()
        for a in self.collapsed:
            menu.addAction(a)
        if self.collapsed and self._overflow:
            menu.addSeparator()
        for a in self._overflow:
            menu.addAction(a)
        self.more.setVisible(bool(self.collapsed or self._overflow))
