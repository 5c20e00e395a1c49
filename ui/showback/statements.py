"""The monthly IT statements: a PDF with one A4 page per cost centre (what it holds, what
it cost, against its budget), painted with QPainter onto a QPdfWriter."""

from __future__ import annotations

import os
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from inventory import clock
from inventory.costing import showback as sbk
from inventory.costing.charges import KINDS
from inventory.costing.report import KIND_LABELS
from inventory.errors import ValidationError

from .. import style
from ..models.format import fmt_money

DPI = 150
MM = DPI / 25.4
TOP_ROWS = {"devices": 8, "licenses": 6, "spares": 6, "repairs": 4, "cloud": 5}


def _app():
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        if not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return QGuiApplication(["stockroom-statements"])
    return QGuiApplication.instance()


def _font(pt: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(pt)
    f.setBold(bold)
    return f


def summaries(items: dict[str, list[dict]]) -> dict[str, list[tuple[str, str, float]]]:
    """Each kind's items grouped for one page: (what, how much, amount), largest first."""
    out: dict[str, list[tuple[str, str, float]]] = {}
    groups: dict[str, dict[str, list[float]]] = {k: defaultdict(lambda: [0.0, 0.0])
                                                 for k in KINDS}
    for i in items.get("devices", []):
        g = groups["devices"][i["product"]]
        g[0] += 1
        g[1] += i["amount"]
    for i in items.get("licenses", []):
        g = groups["licenses"][i["license"]]
        g[0] += i["days"]
        g[1] += i["amount"]
    for i in items.get("spares", []):
        g = groups["spares"][i["product"]]
        g[0] += i["quantity"]
        g[1] += i["amount"]
    for i in items.get("repairs", []):
        g = groups["repairs"][f"{i['tag']} {i['product']} ({i['vendor'] or 'no vendor'})"]
        g[0] += 1
        g[1] += i["amount"]
    for i in items.get("cloud", []):
        g = groups["cloud"][f"{i['provider']} {i['service']}".strip()]
        g[0] += i["rows"]
        g[1] += i["amount"]
    units = {"devices": "devices", "licenses": "seat days", "spares": "units",
             "repairs": "repair", "cloud": "charges"}
    for kind in KINDS:
        rows = sorted(groups[kind].items(), key=lambda kv: -kv[1][1])
        out[kind] = [(name, f"{n:,.0f} {units[kind]}", amount) for name, (n, amount) in rows]
    return out


class _Page:
    """Drawing helpers on one page (device pixels, top-down)."""

    def __init__(self, painter: QPainter, width: float):
        self.p, self.w, self.y = painter, width, 0.0

    def text(self, x: float, text: str, pt: float, *, bold: bool = False, width: float = 0,
             align=Qt.AlignmentFlag.AlignLeft, colour: str = style.TEXT,
             advance: bool = True) -> None:
        self.p.setFont(_font(pt, bold))
        self.p.setPen(QColor(colour))
        h = pt * 1.7 * DPI / 72
        rect = QRectF(x, self.y, width or self.w - x, h)
        metrics = self.p.fontMetrics()
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()))
        self.p.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), shown)
        if advance:
            self.y += h

    def rule(self, colour: str = style.BORDER) -> None:
        self.p.setPen(QPen(QColor(colour), 2))
        self.p.drawLine(0, int(self.y), int(self.w), int(self.y))
        self.y += 2 * MM


def paint_statement(painter: QPainter, width: float, height: float, sb: sbk.Showback,
                    line: sbk.Line, items: dict[str, list[dict]]) -> None:
    """One cost centre's statement."""
    pg = _Page(painter, width)
    pg.text(0, "IT statement", 11, colour=style.MUTED)
    pg.text(0, f"{line.cost_centre} · {sb.month.label()}", 20, bold=True)
    pg.text(0, f"{sb.basis} basis · printed {clock.today():%d %B %Y} · Stockroom", 9,
            colour=style.MUTED)
    pg.y += 3 * MM
    pg.rule()
    # what it cost
    col = width / 6
    for i, kind in enumerate(KINDS):
        pg.text(i * col, KIND_LABELS[kind], 9, width=col, colour=style.MUTED, advance=False)
    pg.text(5 * col, "Total", 9, width=col, colour=style.MUTED, bold=True)
    for i, kind in enumerate(KINDS):
        pg.text(i * col, fmt_money(line.amounts[kind]), 12, width=col, advance=False)
    pg.text(5 * col, fmt_money(line.total), 13, width=col, bold=True)
    pg.y += 2 * MM
    # against the budget
    if line.budget:
        used = line.spent_to_date / line.budget
        pg.text(0, f"Budget {sb.month.year}: {fmt_money(line.budget)} · spent January to "
                   f"{sb.month.first:%B}: {fmt_money(line.spent_to_date)} ({used:.0%})", 10)
        bar = QRectF(0, pg.y, width, 5 * MM)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e5e7eb"))
        painter.drawRoundedRect(bar, 8, 8)
        share = max(0.0, min(1.0, used))
        expected = sb.month.month / 12
        painter.setBrush(QColor(style.DANGER if used > 1 else style.WARNING
                                if used > expected else style.SUCCESS))
        painter.drawRoundedRect(QRectF(0, pg.y, width * share, 5 * MM), 8, 8)
        painter.setPen(QPen(QColor(style.TEXT), 3))
        painter.drawLine(int(width * expected), int(pg.y - MM), int(width * expected),
                         int(pg.y + 6 * MM))
        pg.y += 7 * MM
        pg.text(0, f"The mark shows {sb.month.month} of 12 months: spend to the left of it is "
                   "within the budget's pace.", 8, colour=style.MUTED)
    else:
        pg.text(0, f"No budget is set for {sb.month.year}.", 10, colour=style.MUTED)
    pg.y += 2 * MM
    pg.rule()
    # what it holds and used
    grouped = summaries(items)
    bottom = height - 14 * MM
    for kind in KINDS:
        rows = grouped[kind]
        if not rows:
            continue
        if pg.y > bottom - 20 * MM:
            break
        count = len(items.get(kind, []))
        pg.text(0, f"{KIND_LABELS[kind]}: {count} item{'' if count == 1 else 's'}, "
                   f"{fmt_money(line.amounts[kind])}", 11, bold=True)
        for name, how_much, amount in rows[:TOP_ROWS[kind]]:
            if pg.y > bottom:
                break
            pg.text(0, name, 9, width=width * 0.6, advance=False)
            pg.text(width * 0.6, how_much, 9, width=width * 0.2, colour=style.MUTED,
                    align=Qt.AlignmentFlag.AlignRight, advance=False)
            pg.text(width * 0.8, fmt_money(amount), 9, width=width * 0.2,
                    align=Qt.AlignmentFlag.AlignRight)
        if len(rows) > TOP_ROWS[kind]:
            rest = sum(a for _, _, a in rows[TOP_ROWS[kind]:])
            pg.text(0, f"… and {len(rows) - TOP_ROWS[kind]} more ({fmt_money(rest)})", 8,
                    colour=style.MUTED)
        pg.y += 2 * MM
    pg.y = bottom + 4 * MM
    pg.text(0, "Every item behind these figures: python main.py showback --month "
               f"{sb.month} --cost-centre \"{line.cost_centre}\" --basis {sb.basis}", 8,
            colour=style.MUTED)


def statement_image(sb: sbk.Showback, line: sbk.Line, items: dict[str, list[dict]]):
    """One statement page as an image (screenshots, tests), at the PDF's resolution."""
    from PySide6.QtGui import QImage

    _app()
    w, h = round(210 * MM), round(297 * MM)
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(DPI / 0.0254))
    image.setDotsPerMeterY(round(DPI / 0.0254))
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        margin = 16 * MM
        painter.translate(margin, margin)
        paint_statement(painter, w - 2 * margin, h - 2 * margin, sb, line, items)
    finally:
        painter.end()
    return image


def read_items(db: Any, sb: sbk.Showback) -> dict[str, dict[str, list[dict]]]:
    """Every line's items (read on the worker; painting happens on the UI thread)."""
    return {ln.cost_centre: sbk.items(db, sb.month, ln.cost_centre, sb.basis)
            for ln in sb.lines}


def write_statements(db: Any, sb: sbk.Showback, path: str | Path,
                     progress: Callable[[int, int], None] | None = None,
                     items: dict[str, dict[str, list[dict]]] | None = None) -> Path:
    """The statements of every line of `sb` into `path` (written beside it, then renamed:
    a failed export leaves no half file). `items`: what `read_items` read, else read
    here."""
    _app()
    path = Path(path)
    if not sb.lines:
        raise ValidationError(f"Nothing to state for {sb.month}: no cost centre has charges.")
    fd, tmp_name = tempfile.mkstemp(suffix=".pdf", dir=path.parent if path.parent.exists()
                                    else None)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(DPI)
        writer.setCreator("Stockroom")
        writer.setTitle(f"IT statements {sb.month}")
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                         QPageLayout.Orientation.Portrait,
                                         QMarginsF(16, 16, 16, 16)))
        painter = QPainter(writer)
        try:
            rect = writer.pageLayout().paintRectPixels(DPI)
            for i, line in enumerate(sb.lines):
                if i:
                    writer.newPage()
                held = (items[line.cost_centre] if items is not None
                        else sbk.items(db, sb.month, line.cost_centre, sb.basis))
                paint_statement(painter, rect.width(), rect.height(), sb, line, held)
                if progress:
                    progress(i + 1, len(sb.lines))
        finally:
            painter.end()
        os.replace(tmp, path)
    except OSError as exc:
        from inventory.exchange.export import cannot_write

        raise cannot_write(path, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return path
