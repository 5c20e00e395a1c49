"""Rows that reflow: widgets side by side while they fit, on the next line when they do not.

`FlowLayout` places its items at their preferred widths, left to right, and starts a new
line when the next one would not fit (Qt's flow-layout example, in Python). One item may be
marked to grow (`add_widget(w, grow=True)`): it takes the width left on its line, so a search
box is wide on a wide window and the filters wrap under it on a narrow one. The last items
can be pushed to the right end of their line (`add_widget(w, right=True)`).
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget, QWidgetItem


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 8,
                 line_spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._grow: set[int] = set()
        self._right: set[int] = set()
        self._spacing = spacing
        self._line_spacing = line_spacing
        self._hfw: tuple[int, int] | None = None  # (width, height) until invalidated
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    # -- building -----------------------------------------------------------------------

    def add_widget(self, widget: QWidget, grow: bool = False, right: bool = False) -> None:
        self.addChildWidget(widget)
        self._items.append(QWidgetItem(widget))
        if grow:
            self._grow.add(len(self._items) - 1)
        if right:
            self._right.add(len(self._items) - 1)
        self.invalidate()

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt name)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        if not 0 <= index < len(self._items):
            return None
        self._grow = {i if i < index else i - 1 for i in self._grow if i != index}
        self._right = {i if i < index else i - 1 for i in self._right if i != index}
        return self._items.pop(index)

    # -- sizes --------------------------------------------------------------------------

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        if self._hfw is None or self._hfw[0] != width:  # Qt asks again and again per layout
            self._hfw = (width, self._arrange(QRect(0, 0, width, 0), apply=False))
        return self._hfw[1]

    def invalidate(self) -> None:
        self._hfw = None
        super().invalidate()

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        """All on one line."""
        items = self._visible()
        width = sum(it.sizeHint().width() for _, it in items) + \
            self._spacing * max(0, len(items) - 1)
        height = max((it.sizeHint().height() for _, it in items), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802
        """The widest single item: everything else can go on lines of its own."""
        size = QSize()
        for _, it in self._visible():
            size = size.expandedTo(it.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _visible(self) -> list[tuple[int, QLayoutItem]]:
        out = []
        for i, it in enumerate(self._items):
            w = it.widget()
            if w is None or not w.isHidden():
                out.append((i, it))
        return out

    def _width_of(self, item: QLayoutItem) -> int:
        w = item.widget()
        hint = item.sizeHint().width()
        if w is not None and w.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Fixed:
            return hint
        return max(hint, item.minimumSize().width())

    def _arrange(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        lines: list[list[tuple[int, QLayoutItem, int]]] = [[]]
        used = 0
        for i, it in self._visible():
            w = min(self._width_of(it), area.width())
            gap = self._spacing if lines[-1] else 0
            if lines[-1] and used + gap + w > area.width():
                lines.append([])
                used, gap = 0, 0
            lines[-1].append((i, it, w))
            used += gap + w
        y = area.y()
        for line in lines:
            if not line:
                continue
            height = max(it.sizeHint().height() for _, it, _ in line)
            spare = area.width() - sum(w for *_, w in line) - self._spacing * (len(line) - 1)
            growers = [i for i, _, _ in line if i in self._grow]
            x = area.x()
            if apply:
                for i, it, w in line:
                    if i in growers and spare > 0:
                        w += spare // len(growers)
                    elif i in self._right and spare > 0 and not growers:
                        x += spare
                        spare = 0
                    it.setGeometry(QRect(QPoint(x, y + (height - it.sizeHint().height()) // 2),
                                         QSize(w, it.sizeHint().height())))
                    x += w + self._spacing
            y += height + self._line_spacing
        return y - self._line_spacing - area.y() + m.top() + m.bottom()


def flow_row(spacing: int = 8) -> tuple[QWidget, FlowLayout]:
    """A widget holding a `FlowLayout` (put it where a row of filters goes)."""
    box = QWidget()
    layout = FlowLayout(box, spacing=spacing)
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(True)
    box.setSizePolicy(policy)
    return box, layout
