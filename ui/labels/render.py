"""Painting labels with QPainter onto a PDF, a printer or an image.

Each label is planned first (`plan_label`): the symbol with its quiet zones, and the
text lines in rectangles that never meet it. Modules are whole device pixels, so bars
print crisp at the printer's resolution; a code that would need bars narrower than
MIN_MODULE_MM on this label is refused with a message rather than printed unreadable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMarginsF, QRect, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from .content import LabelContent
from .layouts import LabelLayout
from .symbols import LabelError, Symbol, encode, runs

MIN_MODULE_MM = 0.19  # narrowest Code 128 bar we print
MIN_MATRIX_MODULE_MM = 0.25  # smallest QR / DataMatrix cell
MAX_MODULE_MM = {True: 0.6, False: 1.0}  # linear / matrix: bigger only wastes label
MIN_TEXT_MM = 1.4  # smallest readable type (about 5.5 pt caps)
GAP_MM = 1.0  # between the symbol's quiet zone and the text


@dataclass
class TextLine:
    rect: QRectF
    text: str
    font: QFont
    align: Qt.AlignmentFlag


@dataclass
class Geometry:
    """One label in device pixels."""

    label: QRectF
    symbol_area: QRectF  # the symbol and its quiet zones: only the symbol is drawn here
    bars: QRect  # the modules themselves
    module: int  # device pixels per module
    text: list[TextLine] = field(default_factory=list)


def _fonts() -> tuple[QFont, QFont]:
    code = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    code.setBold(True)
    plain = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    return code, plain


def _fit(text: str, font: QFont, width: float, size_px: float, min_px: float) -> tuple[QFont,
                                                                                      str]:
    """The largest font size (down to min_px) that fits `text` in `width`; else elided."""
    f = QFont(font)
    size = max(int(size_px), 1)
    while True:
        f.setPixelSize(size)
        metrics = QFontMetricsF(f)
        if metrics.horizontalAdvance(text) <= width or size <= max(int(min_px), 1):
            break
        size -= max(1, size // 12)
    metrics = QFontMetricsF(f)
    if metrics.horizontalAdvance(text) > width:
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    return f, text


def _wrap(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    metrics = QFontMetricsF(font)
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if metrics.horizontalAdvance(trial) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if max_lines <= 0:
        return []
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
    return [metrics.elidedText(ln, Qt.TextElideMode.ElideRight, width) for ln in lines]


def _module(fit_px: float, px_mm: float, minimum_mm: float, symbol: Symbol) -> int:
    """Whole device pixels per module, at most `fit_px`, at least `minimum_mm`."""
    module = min(int(fit_px), max(1, int(MAX_MODULE_MM[symbol.linear] * px_mm)))
    if module < 1 or module < minimum_mm * px_mm - 1e-6:
        raise LabelError(
            f"'{symbol.text}' is too long for {symbol.symbology} on this label (its bars would "
            f"be under {minimum_mm} mm). Choose QR or DataMatrix, or a larger label.")
    return module


def plan_label(content: LabelContent, symbol: Symbol, rect: QRectF, px_mm: float,
               padding_mm: float) -> Geometry:
    """Where the symbol and each text line go inside `rect` (device pixels)."""
    pad = padding_mm * px_mm
    inner = rect.adjusted(pad, pad, -pad, -pad)
    code_font, plain_font = _fonts()
    gap = GAP_MM * px_mm
    min_text = MIN_TEXT_MM * px_mm
    side_by_side = not symbol.linear and inner.width() > 1.6 * inner.height()
    if side_by_side:
        module = _module(inner.height() / symbol.height, px_mm, MIN_MATRIX_MODULE_MM, symbol)
        w, h = symbol.width * module, symbol.height * module
        area = QRectF(round(inner.left()), round(inner.top() + (inner.height() - h) / 2), w, h)
        text_rect = QRectF(area.right() + gap, inner.top(), inner.right() - area.right() - gap,
                           inner.height())
        line_h = max(min_text, min(3.4 * px_mm, inner.height() * 0.24))
        code_f, code_text = _fit(content.code, code_font, text_rect.width(), line_h * 0.85,
                                 min_text * 0.85)
        plain = QFont(plain_font)
        plain.setPixelSize(max(int(line_h * 0.75), 1))
        room = int(text_rect.height() // line_h) - 1
        details = _wrap(content.detail, plain, text_rect.width(), max(room, 0)) \
            if content.detail and room > 0 else []
        total = line_h * (1 + len(details))
        y = text_rect.top() + (text_rect.height() - total) / 2
        lines = [TextLine(QRectF(text_rect.left(), y, text_rect.width(), line_h), code_text,
                          code_f, Qt.AlignmentFlag.AlignLeft)]
        for i, d in enumerate(details, 1):
            lines.append(TextLine(QRectF(text_rect.left(), y + i * line_h, text_rect.width(),
                                         line_h), d, plain, Qt.AlignmentFlag.AlignLeft))
    else:
        line_h = max(min_text, min(3.2 * px_mm, inner.height() * 0.17))
        n_lines = 2 if content.detail else 1
        text_h = n_lines * line_h
        room_h = inner.height() - text_h - gap
        if symbol.linear:
            # The bars stay inside the padding; their quiet zones may use it (it is blank
            # anyway) up to half a millimetre from the label's edge.
            edge = 0.5 * px_mm
            fit = min(inner.width() / symbol.modules.shape[1],
                      (rect.width() - 2 * edge) / symbol.width)
            module = _module(fit, px_mm, MIN_MODULE_MM, symbol)
            w = symbol.width * module
            h = int(min(room_h, max(0.35 * w, 8 * px_mm)))  # bars at least 15% of the width
            if h < 5 * px_mm:
                raise LabelError(f"This label is too short for a Code 128 '{symbol.text}'. "
                                 "Choose a taller label, or QR / DataMatrix.")
        else:
            module = _module(min(inner.width(), room_h) / max(symbol.width, symbol.height),
                             px_mm, MIN_MATRIX_MODULE_MM, symbol)
            w, h = symbol.width * module, symbol.height * module
        block = h + gap + text_h
        top = inner.top() + max(0.0, (inner.height() - block) / 2)
        area = QRectF(round(rect.left() + (rect.width() - w) / 2), round(top), w, h)
        y = area.bottom() + gap
        code_f, code_text = _fit(content.code, code_font, inner.width(), line_h * 0.85,
                                 min_text * 0.85)
        lines = [TextLine(QRectF(inner.left(), y, inner.width(), line_h), code_text, code_f,
                          Qt.AlignmentFlag.AlignHCenter)]
        if content.detail:
            f, text = _fit(content.detail, plain_font, inner.width(), line_h * 0.75, min_text)
            lines.append(TextLine(QRectF(inner.left(), y + line_h, inner.width(), line_h),
                                  text, f, Qt.AlignmentFlag.AlignHCenter))
    q = symbol.quiet * module
    rows, cols = symbol.modules.shape
    bar_h = int(area.height()) - (0 if symbol.linear else 2 * q)
    bars = QRect(int(area.left()) + q, int(area.top()) + (0 if symbol.linear else q),
                 cols * module, bar_h if symbol.linear else rows * module)
    return Geometry(rect, area, bars, module, lines)


def draw_label(painter: QPainter, g: Geometry, symbol: Symbol) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    black = QColor(Qt.GlobalColor.black)
    m = g.module
    if symbol.linear:
        for start, length in runs(symbol.modules[0]):
            painter.fillRect(QRect(g.bars.left() + start * m, g.bars.top(), length * m,
                                   g.bars.height()), black)
    else:
        for r, row in enumerate(symbol.modules):
            for start, length in runs(row):
                painter.fillRect(QRect(g.bars.left() + start * m, g.bars.top() + r * m,
                                       length * m, m), black)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setPen(black)
    for line in g.text:
        painter.setFont(line.font)
        painter.drawText(line.rect, int(line.align | Qt.AlignmentFlag.AlignVCenter), line.text)
    painter.restore()


# -- pages ------------------------------------------------------------------------------

def encode_all(contents: Sequence[LabelContent], symbology: str) -> list[Symbol]:
    return [encode(c.code, symbology) for c in contents]


def page_count(layout: LabelLayout, n: int, start: int = 0) -> int:
    if n == 0:
        return 0
    return math.ceil((n + start) / layout.per_page) if layout.is_sheet else n


def label_rect(layout: LabelLayout, slot: int, px_mm: float) -> QRectF:
    x, y = layout.origin(slot)
    return QRectF(x * px_mm, y * px_mm, layout.label_w * px_mm, layout.label_h * px_mm)


def paint_page(painter: QPainter, layout: LabelLayout, contents: Sequence[LabelContent],
               symbols: Sequence[Symbol], page: int, px_mm: float, start: int = 0) -> None:
    """Paint page `page` (0-based) of the run; `start` labels of the first sheet are used."""
    per = layout.per_page if layout.is_sheet else 1
    first_slot = page * per
    for slot in range(first_slot, first_slot + per):
        i = slot - start
        if i < 0 or i >= len(contents):
            continue
        rect = label_rect(layout, slot, px_mm)
        g = plan_label(contents[i], symbols[i], rect, px_mm, layout.padding)
        draw_label(painter, g, symbols[i])


def page_size(layout: LabelLayout) -> QPageSize:
    w, h = layout.page_size
    for pid in (QPageSize.PageSizeId.A4, QPageSize.PageSizeId.Letter):
        std = QPageSize(pid).size(QPageSize.Unit.Millimeter)
        if abs(std.width() - w) < 0.5 and abs(std.height() - h) < 0.5:
            return QPageSize(pid)
    return QPageSize(QSizeF(w, h), QPageSize.Unit.Millimeter, layout.name,
                     QPageSize.SizeMatchPolicy.ExactMatch)


def render(device: QPagedPaintDevice, layout: LabelLayout, contents: Sequence[LabelContent],
           symbology: str, start: int = 0) -> int:
    """Paint every page on a PDF writer or a printer (set up with `prepare`)."""
    symbols = encode_all(contents, symbology)
    px_mm = device.logicalDpiX() / 25.4
    painter = QPainter()
    if not painter.begin(device):
        raise LabelError("Cannot start printing: the printer or file is not available.")
    try:
        pages = page_count(layout, len(contents), start)
        for page in range(pages):
            if page:
                device.newPage()
            paint_page(painter, layout, contents, symbols, page, px_mm, start)
    finally:
        painter.end()
    return pages


def prepare(device: QPagedPaintDevice, layout: LabelLayout) -> None:
    """Page size, zero margins, portrait: label positions are measured from the paper edge."""
    device.setPageSize(page_size(layout))
    device.setPageOrientation(QPageLayout.Orientation.Portrait)
    device.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def save_pdf(path: str | Path, layout: LabelLayout, contents: Sequence[LabelContent],
             symbology: str = "code128", *, start: int = 0, resolution: int = 600) -> int:
    """Write the labels to a PDF; returns the number of pages."""
    if not contents:
        raise LabelError("No labels to print: nothing matched the filter.")
    encode_all(contents, symbology)  # refuse before creating the file
    writer = QPdfWriter(str(path))
    writer.setResolution(resolution)
    writer.setCreator("Stockroom")
    writer.setTitle(f"Stockroom labels ({layout.title})")
    prepare(writer, layout)
    return render(writer, layout, contents, symbology, start)


def page_image(layout: LabelLayout, contents: Sequence[LabelContent], symbology: str, *,
               page: int = 0, dpi: int | None = None, start: int = 0) -> QImage:
    """One page as a white greyscale image (previews, tests)."""
    dpi = dpi or layout.printer_dpi
    px_mm = dpi / 25.4
    w, h = layout.page_size
    image = QImage(round(w * px_mm), round(h * px_mm), QImage.Format.Format_Grayscale8)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        paint_page(painter, layout, contents, encode_all(contents, symbology), page, px_mm,
                   start)
    finally:
        painter.end()
    return image


def image_array(image: QImage) -> np.ndarray:
    """A greyscale QImage as a numpy array (rows x columns, uint8), copied."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    ptr = gray.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=gray.sizeInBytes())
    return arr.reshape(gray.height(), gray.bytesPerLine())[:, :gray.width()].copy()
