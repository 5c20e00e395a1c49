"""Pages shown one at a time, sized by the page on show only.

Qt's `QStackedWidget` reports the largest minimum size and height-for-width of all its
pages, so each relayout of the page on show (a label changing its text at the scan
station) asks every hidden page to measure itself again, flow rows and detail panes
included: tens of milliseconds per scan on a window with every page opened. `PageStack`
answers for the current page only and measures again when the page changes; a hidden page
is laid out when it is shown, as before.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QStackedLayout, QWidget


class _CurrentPageLayout(QStackedLayout):
    """A stacked layout whose sizes are those of the current page (Qt's are the largest
    of all pages)."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        page = self.currentWidget()
        return page is not None and page.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        page = self.currentWidget()
        return page.heightForWidth(width) if page is not None else -1

    def sizeHint(self) -> QSize:  # noqa: N802
        page = self.currentWidget()
        return page.sizeHint() if page is not None else QSize(0, 0)

    def minimumSize(self) -> QSize:  # noqa: N802
        page = self.currentWidget()
        if page is None:
            return QSize(0, 0)
        return page.minimumSizeHint().expandedTo(page.minimumSize())


class PageStack(QWidget):
    """The `QStackedWidget` calls the window uses, over `_CurrentPageLayout`."""

    currentChanged = Signal(int)  # noqa: N815 (Qt's name)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = _CurrentPageLayout(self)
        self._layout.currentChanged.connect(self._changed)

    def _changed(self, index: int) -> None:
        self._layout.invalidate()  # the new page's sizes, not the last one's
        self.currentChanged.emit(index)

    def addWidget(self, page: QWidget) -> int:  # noqa: N802
        return self._layout.addWidget(page)

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802
        self._layout.setCurrentWidget(page)

    def setCurrentIndex(self, index: int) -> None:  # noqa: N802
        self._layout.setCurrentIndex(index)

    def currentWidget(self) -> QWidget | None:  # noqa: N802
        return self._layout.currentWidget()

    def currentIndex(self) -> int:  # noqa: N802
        return self._layout.currentIndex()

    def indexOf(self, page: QWidget) -> int:  # noqa: N802
        return self._layout.indexOf(page)

    def widget(self, index: int) -> QWidget | None:
        return self._layout.widget(index)

    def count(self) -> int:
        return self._layout.count()
