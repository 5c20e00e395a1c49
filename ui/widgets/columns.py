"""How a table's columns share its width: the one column policy of every table in the window.

* One column stretches (the name: model, product, person): it takes what the others leave.
* Every other column is as wide as its content (header and the rows on screen): numbers,
  dates, tags and statuses are never cut.
* When the width runs out, the less important columns are hidden, least important first,
  until the stretching column fits its text. The key columns (the tag, the name) are never
  hidden. A right-click on the header shows any column again (or hides one); the choice is
  remembered, and a column the user asked for stays even if a scroll bar is then needed.
  A column the user made wider or narrower by hand keeps that width.
* A cell whose text is cut shows the full text in its tooltip.
* Tab leaves the table (the arrows move in it): the tables are read by the row.

`ColumnPolicy(view, stretch=..., keys=..., hide_order=...)` installs itself on a
`QTableView`; it refits when the rows are read again and when the view is resized.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QHelpEvent
from PySide6.QtWidgets import QHeaderView, QMenu, QStyle, QTableView, QToolTip

STRETCH_CAP = 460  # the name column asks for at most this much before others give way
TEXT_CAP = 260  # an ordinary text column is not widened past this (its tooltip has the rest)
PAD = 10
SAMPLE_ROWS = 200  # rows a key column is measured on
SCREEN_ROWS = 60  # rows any column is measured on: those on screen and the next
TEXT_WIDTHS = 20_000  # texts whose width a policy remembers
_REFIT = frozenset({QEvent.Type.Show, QEvent.Type.Polish, QEvent.Type.FontChange,
                    QEvent.Type.StyleChange})
_WATCHED = _REFIT | {QEvent.Type.Resize, QEvent.Type.ToolTip, QEvent.Type.MouseButtonPress,
                     QEvent.Type.MouseButtonRelease}


def text_margin(view: QTableView) -> int:
    """The space Qt's item delegate leaves on each side of a cell's text."""
    return view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1


def is_elided(view: QTableView, row: int, column: int) -> bool:
    """Whether the text of a cell is wider than the room its column gives it."""
    text = view.model().index(row, column).data(Qt.ItemDataRole.DisplayRole)
    if not text:
        return False
    room = view.columnWidth(column) - 2 * text_margin(view)
    return view.fontMetrics().horizontalAdvance(str(text)) > room


class ColumnPolicy(QObject):
    """Fits the columns of `view` (see the module's docstring).

    `stretch` is the column that takes the spare width, `keys` the columns never hidden,
    `hide_order` the columns that may be hidden, least important first. `remember(shown,
    hidden, widths)` stores the user's choices (column labels; widths by label) and
    `recall()` gives them back.
    """

    def __init__(self, view: QTableView, *, stretch: int, keys: Iterable[int] = (),
                 hide_order: Sequence[int] = (),
                 recall: Callable[[], tuple[list[str], list[str], dict[str, int]]] | None = None,
                 remember: Callable[[list[str], list[str], dict[str, int]], None] | None = None
                 ) -> None:
        super().__init__(view)
        self.view = view
        self.stretch = stretch
        self.keys = set(keys) | {stretch}
        self.hide_order = [c for c in hide_order if c not in self.keys]
        self._remember = remember
        shown, hidden, widths = recall() if recall is not None else ([], [], {})
        self._shown_labels, self._hidden_labels = set(shown), set(hidden)
        self._user_widths = dict(widths)
        self.auto_hidden: set[int] = set()
        self._fitting = False
        # text -> its width in the view's font: a page shown again after a change shows
        # mostly the same texts, and measuring each through Qt costs microseconds.
        self._text_widths: dict[str, int] = {}
        self._text_font = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        head = view.horizontalHeader()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # About the rows on screen: Qt's default reads the text of a thousand rows for every
        # column, on the UI thread (0 would mean all rows before they are laid out); the
        # key columns sample SAMPLE_ROWS themselves (natural).
        head.setResizeContentsPrecision(SCREEN_ROWS)
        head.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        head.customContextMenuRequested.connect(self._header_menu)
        head.sectionResized.connect(self._resized_by_user)
        self._dragging = False  # the user holds a section's edge (only then is a width theirs)
        self._header_port = head.viewport()
        self._header_port.installEventFilter(self)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # These tables are read by the row: Tab leaves them for the next control (arrows
        # move in them) instead of walking every cell, so the keyboard is never stuck.
        view.setTabKeyNavigation(False)
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)  # shown, polished (the style sheet's fonts): fit again
        model = view.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted):
            signal.connect(self.schedule)
        # Rows read later (a lazy model's next block) may hold a longer name: fit again,
        # once for a burst of them.
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(120)
        self._later.timeout.connect(self.fit)
        model.dataChanged.connect(lambda *_: self._later.start())
        self.schedule()

    # -- what is shown ------------------------------------------------------------------

    def label(self, column: int) -> str:
        value = self.view.model().headerData(column, Qt.Orientation.Horizontal,
                                             Qt.ItemDataRole.DisplayRole)
        return str(value or "")

    def user_hidden(self) -> set[int]:
        return {c for c in range(self._count()) if self.label(c) in self._hidden_labels
                and c not in self.keys}

    def user_shown(self) -> set[int]:
        return {c for c in range(self._count()) if self.label(c) in self._shown_labels}

    def hidden(self) -> set[int]:
        return self.user_hidden() | self.auto_hidden

    def set_shown(self, column: int, shown: bool) -> None:
        """The user's choice for one column (the header's menu)."""
        name = self.label(column)
        self._shown_labels.discard(name)
        self._hidden_labels.discard(name)
        (self._shown_labels if shown else self._hidden_labels).add(name)
        self._store()
        self.fit()

    def reset(self) -> None:
        """Forget the user's choices: fit the window again."""
        self._shown_labels.clear()
        self._hidden_labels.clear()
        self._user_widths.clear()
        self._store()
        self.fit()

    def _store(self) -> None:
        if self._remember is not None:
            self._remember(sorted(self._shown_labels), sorted(self._hidden_labels),
                           dict(self._user_widths))

    def _resized_by_user(self, column: int, _old: int, new: int) -> None:
        if self._fitting or not self._dragging or new <= 0:
            return  # (the header itself resets sections when the rows are read again)
        self._user_widths[self.label(column)] = new
        self._store()

    def restore_header(self, state) -> None:
        """The header's saved order and sort (its widths are the policy's to give)."""
        self._fitting = True
        try:
            head = self.view.horizontalHeader()
            head.restoreState(state)
            head.setResizeContentsPrecision(SCREEN_ROWS)  # a saved state carries Qt's 1000
        finally:
            self._fitting = False
        self.fit()

    # -- fitting ------------------------------------------------------------------------

    def schedule(self, *_args) -> None:
        self._timer.start()

    def pending(self) -> bool:
        """A fit is due (rows or a size arrived and the event loop has not fitted them)."""
        return self._timer.isActive() or self._later.isActive()

    def _count(self) -> int:
        return self.view.model().columnCount()

    def natural(self, column: int, content: int | None = None) -> int:
        """The width that shows the header and the rows on screen uncut (`content`: the
        rows' width, when measured already for every column)."""
        chosen = self._user_widths.get(self.label(column))
        if chosen:
            return chosen
        if content is None:
            content = self.content_widths()[column]
        want = max(self._header_width(column), content) + PAD
        return want if column in self.keys else min(want, TEXT_CAP)

    def content_widths(self) -> list[int]:
        """Each column's widest cell: the rows on screen, and for a key column also the
        first SAMPLE_ROWS (scrolling must not bring a cut name into view).

        Measured from the text, one pass over the rows, as Qt's item delegate sizes a
        plain text cell (text and its margins); a column with a delegate of its own (the
        status pills) asks the view. Qt's `sizeHintForColumn` builds a style option and
        asks the delegate for every cell: several times slower, and this runs on the UI
        thread each time rows arrive."""
        view, model = self.view, self.view.model()
        n, rows = self._count(), model.rowCount()
        metrics = view.fontMetrics()
        font = view.font().key()
        if font != self._text_font or len(self._text_widths) > TEXT_WIDTHS:
            self._text_font, self._text_widths = font, {}
        known = self._text_widths
        # A model that keeps its rows' texts (ui/models/table.py) gives them at once,
        # without an index and a call through Qt for every cell.
        row_texts = getattr(model, "row_texts", None)
        # The rows on screen and those after them, SCREEN_ROWS in all, as Qt measures
        # (a number scrolled into view is not cut either).
        top = max(0, min(view.rowAt(0), rows - SCREEN_ROWS))
        screen = range(top, min(rows, top + SCREEN_ROWS))
        sample = range(min(rows, SAMPLE_ROWS))
        widths = [0] * n
        plain = []
        for c in range(n):
            if view.itemDelegateForColumn(c) is not None:
                widths[c] = view.sizeHintForColumn(c)
            else:
                plain.append(c)
        margin = self._cell_margin(plain, screen)
        keys = [c for c in plain if c in self.keys]

        def measure(r: int, columns: list[int]) -> None:
            if row_texts is None:
                cells = [model.index(r, c).data() for c in columns]
            elif (texts := row_texts(r)) is None:
                return  # a row removed meanwhile
            else:
                cells = [texts[c] for c in columns]
            for c, text in zip(columns, cells, strict=True):
                if text:
                    text = str(text)
                    w = known.get(text)
                    if w is None:
                        w = known[text] = metrics.horizontalAdvance(text)
                    if w + margin > widths[c]:
                        widths[c] = w + margin

        for r in screen:
            measure(r, plain)
        for r in sample:
            if r not in screen:
                measure(r, keys)
        return widths

    def _cell_margin(self, columns: list[int], rows: range) -> int:
        """What a cell adds to its text's width (the delegate's margins, the style
        sheet's padding): asked of the view for one cell with text."""
        view, model, metrics = self.view, self.view.model(), self.view.fontMetrics()
        for r in rows:
            for c in columns:
                index = model.index(r, c)
                text = index.data()
                if text:
                    return max(2 * text_margin(view), view.sizeHintForIndex(index).width()
                               - metrics.horizontalAdvance(str(text)))
        return 2 * text_margin(view)

    def _header_width(self, column: int) -> int:
        """The header's text with its margins and sort mark (measured, since a hidden
        section's own size hint is 0)."""
        head = self.view.horizontalHeader()
        st = head.style()
        margin = st.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, head)
        mark = st.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, head)
        text = head.fontMetrics().horizontalAdvance(self.label(column))
        measured = text + 4 * margin + mark
        return measured if head.isSectionHidden(column) else \
            max(measured, head.sectionSizeHint(column))

    def fit(self) -> None:
        """Share the width out again (only while shown: it is fitted when it is shown)."""
        if self._fitting or not self.view.isVisible() or self._count() == 0:
            return
        self._fitting = True
        try:
            self._fit()
        finally:
            self._fitting = False

    def _fit(self) -> None:
        view, head = self.view, self.view.horizontalHeader()
        n = self._count()
        room = view.viewport().width()
        content = self.content_widths()
        natural = [self.natural(c, content[c]) for c in range(n)]
        user_hidden, user_shown = self.user_hidden(), self.user_shown()
        candidates = [c for c in self.hide_order if c < n and c not in user_shown
                      and c not in user_hidden]
        hidden: set[int] = set()
        want_stretch = min(natural[self.stretch], STRETCH_CAP)

        def needed() -> int:
            return want_stretch + sum(natural[c] for c in range(n) if c != self.stretch
                                      and c not in hidden and c not in user_hidden)

        while needed() > room and candidates:
            hidden.add(candidates.pop(0))
        self.auto_hidden = hidden
        others = 0
        for c in range(n):
            off = c in hidden or c in user_hidden
            if head.isSectionHidden(c) != off:
                head.setSectionHidden(c, off)
            if not off and c != self.stretch:
                head.resizeSection(c, natural[c])
                others += natural[c]
        if self.label(self.stretch) in self._user_widths:
            head.resizeSection(self.stretch, natural[self.stretch])
        else:
            head.resizeSection(self.stretch, max(room - others, min(natural[self.stretch], 120)))

    # -- events -------------------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        # Only Python identity checks before the event type is known to matter: this runs
        # for every event of the view, also while Qt destroys it.
        kind = event.type()
        if kind not in _WATCHED:
            return False
        if obj is self._header_port:
            if kind == QEvent.Type.MouseButtonPress:
                self._dragging = True
            elif kind == QEvent.Type.MouseButtonRelease:
                self._dragging = False
            return False
        if obj is self.view:
            if kind in _REFIT:
                self.schedule()
            return False
        if kind == QEvent.Type.Resize:
            self.schedule()
        elif kind == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            return self._tooltip(event)
        return False

    def _tooltip(self, event: QHelpEvent) -> bool:
        index = self.view.indexAt(event.pos())
        if not index.isValid():
            return False
        text = index.data(Qt.ItemDataRole.DisplayRole)
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        if text and is_elided(self.view, index.row(), index.column()):
            full = str(text) if not tip or tip == text else f"{text}\n{tip}"
            QToolTip.showText(event.globalPos(), full, self.view.viewport())
            return True
        if not tip or tip == text:
            QToolTip.hideText()
            event.ignore()
            return True
        return False  # the model's own tooltip

    def _header_menu(self, pos: QPoint) -> None:
        menu = self.header_menu()
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))

    def header_menu(self) -> QMenu:
        """Show or hide each column; put every column back as the window fits it."""
        menu = QMenu(self.view)
        hidden = self.hidden()
        for c in range(self._count()):
            action = QAction(self.label(c), menu)
            action.setCheckable(True)
            action.setChecked(c not in hidden)
            action.setEnabled(c not in self.keys)
            action.toggled.connect(lambda on, c=c: self.set_shown(c, on))
            menu.addAction(action)
        menu.addSeparator()
        fit = QAction("Fit the columns to the window", menu)
        fit.triggered.connect(self.reset)
        menu.addAction(fit)
        return menu
