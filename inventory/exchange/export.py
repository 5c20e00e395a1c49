"""Writing rows to CSV or XLSX, safe to open in a spreadsheet: the one writer for every
file the app produces (exports, the reorder list, purchase orders, import and statement
reports), from the window and the command line alike.

Each text cell is cleaned first (control characters removed: XLSX cannot hold them and a
spreadsheet may drop them, uncovering what follows), then neutralised last: text a
spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return,
OWASP "CSV injection") gets a leading apostrophe, so it shows as the text it is. Numbers
and dates stay numbers and dates; the importer strips that apostrophe again.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ..db import Handle, unwrap
from ..errors import ValidationError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
# Control characters other than tab, newline and carriage return (XML 1.0 has no room
# for them; DEL and the C1 range are invisible in a spreadsheet).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A plain number written as text ("-3", "+1.5e3") is a number, not a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

Progress = Callable[[int], None]


def clean(text: str) -> str:
    """Text without the control characters a spreadsheet cannot show."""
    return _CONTROL.sub("", text)


def neutralise(value: object) -> object:
    """Text cleaned, then made inert if a spreadsheet would evaluate it; other values
    unchanged. The order matters: "\\x01=HYPERLINK(...)" is cleaned to a formula first,
    and only then neutralised. Text that already looks neutralised (``'=…``) gets one more
    apostrophe, so that the importer, which drops exactly one, gives back what was stored."""
    if not isinstance(value, str):
        return value
    value = clean(value)
    if value.lstrip("'")[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """What the importer reads back (`values.restore_neutralised`, used by the import
    rows): exactly the apostrophe `neutralise` added, removed."""
    if text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_STARTS:
        return text[1:]
    return text


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
                     progress: Progress | None = None, lineterminator: str = "\r\n") -> int:
    """Comma-separated rows to an open text stream. Returns rows written."""
    n = 0
    out = csv.writer(stream, lineterminator=lineterminator)
    out.writerow([_csv_cell(h) for h in headers])
    for row in rows:
        out.writerow([_csv_cell(c) for c in row])
        n += 1
        if progress and n % 5000 == 0:
            progress(n)
    return n


def csv_text(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    """The rows as CSV text (for standard output or a clipboard), neutralised as a file."""
    buf = io.StringIO()
    write_csv_stream(buf, headers, rows, lineterminator="\n")
    return buf.getvalue()


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
    """Write a table to CSV or XLSX (from `fmt`, else the file's extension): the one writer
    for every file the app produces. Written beside the target and renamed over it, so a
    failed export never leaves half a file."""
    path = Path(path)
    fmt = format_for(path, fmt)
    tmp = None
    try:
        tmp = _atomic_target(path)
        if fmt == "csv":
            n = write_csv(tmp, headers, rows, progress)
        else:
            n = write_xlsx(tmp, headers, rows, sheet=sheet, progress=progress)
        os.replace(tmp, path)
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return n


def cannot_write(path: Path, exc: OSError) -> ValidationError:
    """The one-line message for a file that cannot be written where the user asked."""
    why = exc.strerror or str(exc)
    if isinstance(exc, FileExistsError | NotADirectoryError):
        why = f"{_first_file_in(path)} is a file, not a folder"
    elif isinstance(exc, IsADirectoryError):
        why = "that is a folder; give a file name"
    return ValidationError(f"Cannot write {path}: {why}. Pick another folder or file name, "
                           "or close the file if a spreadsheet has it open.")


def _first_file_in(path: Path) -> Path:
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return path.parent


def export_table(db: Handle, name: str, path: str | Path, *, fmt: str | None = None, filters=None,
                 progress: Progress | None = None) -> int:
    """Export one of `tables.TABLES`, filtered, in one read transaction."""
    db = unwrap(db)
    from .tables import table

    with db.atomic():
        data = table(name, filters)
        return write_rows(path, data.headers, data.rows, fmt=fmt, sheet=data.name,
                          progress=progress)
