"""The detail pane beside a table: a title, a status, fields, and small tables."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import style
from .columns import ColumnPolicy
from .flow import flow_row
from .pill import Pill

ROW_HEIGHT = 26


LONG_WORD = 22
_BREAKS = re.compile(r"([@./_\\-])")


def breakable(text: str) -> str:
    """`text` with places to wrap inside long words (an e-mail address, a path, a URL): a
    zero-width space after each @ . / _ - of a word longer than `LONG_WORD` characters."""
    return " ".join(_BREAKS.sub("\\1\u200b", w) if len(w) > LONG_WORD else w
                    for w in text.split(" "))


def label(text: str, name: str | None = None, wrap: bool = True) -> QLabel:
    w = QLabel(breakable(text) if wrap else text)
    if name:
        w.setObjectName(name)
    w.setWordWrap(wrap)
    w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return w


class MiniTable(QTableWidget):
    """A small read-only table that grows with its rows up to `max_visible`."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[object]],
                 numeric: Sequence[int] = (), max_visible: int = 12,
                 on_activate: Callable[[int], None] | None = None,
                 stretch: int | None = None) -> None:
        super().__init__(len(rows), len(headers))
        self.setHorizontalHeaderLabels(list(headers))
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus if on_activate is None
                            else Qt.FocusPolicy.StrongFocus)
        head = self.horizontalHeader()
        head.setHighlightSections(False)
        head.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # The name stretches (the first column unless told); numbers are hidden last.
        self._stretch = stretch if stretch is not None else 0
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem("" if value is None else str(value))
                if len(item.text()) > 18:
                    item.setToolTip(item.text())
                if c in numeric:
                    item.setTextAlignment(right)
                self.setItem(r, c, item)
        for c in numeric:
            hi = self.horizontalHeaderItem(c)
            if hi is not None:
                hi.setTextAlignment(right)
        visible = max(1, min(len(rows), max_visible))
        self.setFixedHeight(head.sizeHint().height() + visible * ROW_HEIGHT + 4)
        if on_activate is not None:
            self.cellDoubleClicked.connect(lambda r, _c: on_activate(r))
            self.setToolTip("Double-click to open")
        # In a narrow pane: the name and the first figure always; other text columns are
        # hidden first, then the other figures from the right (the header's menu shows
        # them again).
        others = [c for c in reversed(range(len(headers))) if c != self._stretch]
        figures = [c for c in range(len(headers)) if c in numeric and c != self._stretch]
        self.columns = ColumnPolicy(
            self, stretch=self._stretch, keys=figures[:1],
            hide_order=[c for c in others if c not in numeric]
            + [c for c in others if c in figures[1:]])
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


class DetailPane(QScrollArea):
    """Rebuilt for each selected row; shows a hint when nothing is selected."""

    def __init__(self, placeholder: str = "Select a row to see its details.",
                 parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailScroll")
        self.setWidgetResizable(True)  # (and fit_body corrects its height once it wraps)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._placeholder = placeholder
        self._body: QWidget | None = None
        self._layout: QVBoxLayout | None = None
        self._grid: QGridLayout | None = None
        self.title_text = ""
        self.clear()

    def _new_body(self) -> QVBoxLayout:
        body = QWidget()
        body.setObjectName("DetailPane")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 16, 18, 18)
        layout.setSpacing(8)
        self.setWidget(body)
        body.show()  # (a scroll area already on screen does not show a new body itself)
        self._body = body
        body.installEventFilter(self)
        self.fit_body()
        self._layout = layout
        self._grid = None
        return layout

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        # The body's layout changed (rows added, text wrapped): the scroll area sizes the
        # body again from its height for the pane's width (it does not by itself).
        if event.type() == QEvent.Type.LayoutRequest and obj is self._body:
            QTimer.singleShot(0, self.fit_body)
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_body()

    def fit_body(self) -> None:
        """The body as wide as the pane, and as high as its content needs at that width
        (the pane sizes it itself: Qt's resizable scroll area leaves a body that grew by
        wrapping cut off until the next resize)."""
        body = self._body
        if body is None or not shiboken6.isValid(body) or not shiboken6.isValid(self) \
                or body.layout() is None:
            return  # (the pane, or this body, was closed meanwhile)
        width = self.viewport().width()
        layout = body.layout()
        # activate(), not invalidate(): an invalidated layout posts the body a layout
        # request, which calls this again: every pane would lay itself out on every turn
        # of the event loop, hidden or not (a child that changes invalidates it anyway).
        layout.activate()
        need = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
        height = max(need, layout.totalMinimumSize().height(), self.viewport().height())
        if body.width() != width or body.height() != height:
            body.resize(width, height)



    def clear(self, text: str | None = None) -> None:
        layout = self._new_body()
        hint = label(text or self._placeholder, "Muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        layout.addWidget(hint)
        layout.addStretch(2)
        self.title_text = ""

    def begin(self, title: str, subtitle: str = "", status: str | None = None,
              status_text: str | None = None) -> None:
        layout = self._new_body()
        self.title_text = title
        head = QHBoxLayout()
        head.setSpacing(10)
        t = label(title, "DetailTitle")
        head.addWidget(t, 1)
        if status:
            head.addWidget(Pill(status, status_text), 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        if subtitle:
            layout.addWidget(label(subtitle, "Muted"))

    def section(self, title: str) -> None:
        assert self._layout is not None
        self._grid = None
        self._layout.addSpacing(6)
        self._layout.addWidget(label(title, "SectionTitle"))

    def field(self, name: str, value: object, tone: str | None = None) -> QLabel:
        """One "name: value" line; `tone` colours the value (danger, warning, success)."""
        assert self._layout is not None
        if self._grid is None:
            self._grid = QGridLayout()
            self._grid.setHorizontalSpacing(14)
            self._grid.setVerticalSpacing(5)
            self._grid.setColumnStretch(1, 1)
            self._layout.addLayout(self._grid)
        row = self._grid.rowCount()
        key = label(name, "FieldLabel", wrap=False)
        text = "—" if value in (None, "") else str(value)
        val = label(text)
        colour = {"danger": style.DANGER, "warning": style.WARNING,
                  "success": style.SUCCESS}.get(tone or "")
        if colour:
            val.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self._grid.addWidget(key, row, 0, Qt.AlignmentFlag.AlignTop)
        self._grid.addWidget(val, row, 1)
        return val

    def text(self, text: str, muted: bool = False) -> None:
        assert self._layout is not None
        self._grid = None
        self._layout.addWidget(label(text, "Muted" if muted else None))

    def meter(self, used: int, total: int, text: str) -> None:
        assert self._layout is not None
        self._grid = None
        bar = QProgressBar()
        bar.setRange(0, max(total, used, 1))
        bar.setValue(min(used, max(total, used, 1)))
        bar.setFormat(text)
        bar.setTextVisible(True)
        colour = style.DANGER if used > total else style.WARNING if used >= total else \
            style.ACCENT
        bar.setStyleSheet(f"QProgressBar {{ border: 1px solid {style.BORDER}; border-radius: 6px;"
                          f" background: #f3f4f6; text-align: center; height: 18px; }}"
                          f" QProgressBar::chunk {{ background: {colour}; border-radius: 5px; }}")
        self._layout.addWidget(bar)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]],
              numeric: Sequence[int] = (), empty: str = "Nothing yet.", max_visible: int = 12,
              on_activate: Callable[[int], None] | None = None,
              stretch: int | None = None) -> MiniTable | None:
        assert self._layout is not None
        self._grid = None
        if not rows:
            self._layout.addWidget(label(empty, "Muted"))
            return None
        t = MiniTable(headers, rows, numeric, max_visible, on_activate, stretch)
        self._layout.addWidget(t)
        return t

    def timeline(self, entries: Sequence[tuple[str, str, str]], empty: str = "Nothing yet."
                 ) -> None:
        """Events as two-line entries: (headline, when, details), newest first."""
        assert self._layout is not None
        self._grid = None
        if not entries:
            self._layout.addWidget(label(empty, "Muted"))
            return
        box = QFrame()
        box.setObjectName("Timeline")
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        for i, (headline, when, details) in enumerate(entries):
            item = QFrame()
            item.setObjectName("TimelineItem" if i else "TimelineItemFirst")
            row = QVBoxLayout(item)
            row.setContentsMargins(12, 6, 10, 6)
            row.setSpacing(1)
            top = QHBoxLayout()
            top.setSpacing(8)
            h = label(headline)  # wraps in a narrow pane; the date keeps its line
            h.setStyleSheet("font-weight: 600;")
            w = label(when, "Muted", wrap=False)
            top.addWidget(h, 1)
            top.addWidget(w, 0, Qt.AlignmentFlag.AlignTop)
            row.addLayout(top)
            if details:
                row.addWidget(label(details, "Muted"))
            col.addWidget(item)
        self._layout.addWidget(box)

    def buttons(self, buttons: Sequence[QPushButton]) -> None:
        """A row of buttons that wraps onto more lines in a narrow pane."""
        assert self._layout is not None
        self._grid = None
        box, row = flow_row()
        for b in buttons:
            row.add_widget(b)
        self._layout.addWidget(box)

    def finish(self) -> None:
        assert self._layout is not None
        self._layout.addStretch(1)
        self.fit_body()
        QTimer.singleShot(0, self.fit_body)  # once the new labels are polished
