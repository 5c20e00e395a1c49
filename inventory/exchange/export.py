"""Writing rows to CSV or XLSX, safe to open in a spreadsheet.

A cell a spreadsheet would run as a formula (text starting with =, +, -, @, tab or
carriage return: "CSV injection") is written with a leading apostrophe, so it shows
as the text it is. Numbers and dates stay numbers and dates.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ..errors import ValidationError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Progress = Callable[[int], None]


def neutralise(value: object) -> object:
    """Text that a spreadsheet would evaluate, made inert; other values unchanged. Text that
    already looks neutralised (``'=…``) gets one more apostrophe, so that the importer,
    which drops exactly one, gives back what was stored."""
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def _xlsx_cell(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return _ILLEGAL_XLSX.sub("", neutralise(value))
    if isinstance(value, int | float | Decimal | date | datetime) or value is None:
        return value
    return neutralise(str(value))


def format_for(path: Path, fmt: str | None) -> str:
    if fmt:
        fmt = fmt.lower().lstrip(".")
    else:
        fmt = path.suffix.lower().lstrip(".") or "csv"
    if fmt not in FORMATS:
        raise ValidationError(f"Cannot export as '{fmt}'. Use csv or xlsx.")
    return fmt


def _atomic_target(path: Path):
    """A temporary file beside `path`, renamed over it only when writing succeeded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    return Path(tmp)


def write_csv_stream(stream, headers: Sequence[str], rows: Iterable[Sequence],
                     progress: Progress | None = None) -> int:
    """Comma-separated rows to an open text stream. Returns rows written."""
    n = 0
    out = csv.writer(stream)
    out.writerow([neutralise(h) for h in headers])
    for row in rows:
        out.writerow([_csv_cell(c) for c in row])
        n += 1
        if progress and n % 5000 == 0:
            progress(n)
    return n


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence],
              progress: Progress | None = None) -> int:
    """UTF-8 with a BOM (so Excel reads accents), comma-separated. Returns rows written."""
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        return write_csv_stream(f, headers, rows, progress)


def write_xlsx(path: Path, headers: Sequence[str], rows: Iterable[Sequence], *,
               sheet: str = "Export", progress: Progress | None = None) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "Export")
    ws.freeze_panes = "A2"
    widths = [max(8, min(40, len(h) + 2)) for h in headers]
    for i, w in enumerate(widths):
        ws.column_dimensions[_column_letter(i)].width = w
    bold = Font(bold=True)
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=_xlsx_cell(h))
        cell.font = bold
        head.append(cell)
    ws.append(head)
    n = 0
    date_style, stamp_style = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
    for row in rows:
        cells = []
        for value in row:
            v = _xlsx_cell(value)
            if isinstance(v, datetime | date):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = stamp_style if isinstance(v, datetime) else date_style
                cells.append(cell)
            else:
                cells.append(v)
        ws.append(cells)
        n += 1
        if progress and n % 5000 == 0:
            progress(n)
    wb.save(path)
    return n


def _column_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def write_rows(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence], *,
               fmt: str | None = None, sheet: str = "Export",
               progress: Progress | None = None) -> int:
    """Write a table to CSV or XLSX (from `fmt`, else the file's extension)."""
    path = Path(path)
    fmt = format_for(path, fmt)
    tmp = _atomic_target(path)
    try:
        if fmt == "csv":
            n = write_csv(tmp, headers, rows, progress)
        else:
            n = write_xlsx(tmp, headers, rows, sheet=sheet, progress=progress)
        os.replace(tmp, path)
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}. Pick another "
                              "folder or close the file if a spreadsheet has it open.") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return n


def export_table(db, name: str, path: str | Path, *, fmt: str | None = None, filters=None,
                 progress: Progress | None = None) -> int:
    """Export one of `tables.TABLES`, filtered, in one read transaction."""
    from .tables import table

    with db.atomic():
        data = table(name, filters)
        return write_rows(path, data.headers, data.rows, fmt=fmt, sheet=data.name,
                          progress=progress)
