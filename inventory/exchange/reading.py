"""Reading a spreadsheet the way it arrives: CSV in UTF-8 (with or without BOM), UTF-16
or Windows-1252, separated by commas, semicolons, tabs or bars, with quoted newlines and
blank rows; or an XLSX workbook.

Rows are numbered as a spreadsheet shows them (the header is row 1), so a refused row
can be found in the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ValidationError

SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
_SAMPLE = 64 * 1024

# Limits on a file from outside, checked before the expensive work (README: "Security and
# data safety"). Memory for an import is bounded by the rows it keeps.
MAX_FILE_MB = 100  # on disk
MAX_UNPACKED_MB = 400  # an XLSX's parts once unzipped
MAX_RATIO = 200  # unzipped / zipped for any large part (whitespace bombs)
MAX_ROWS = 500_000  # rows read, blank ones included
MAX_COLUMNS = 256
MAX_CELL = 32_767  # characters in one cell (Excel's own limit)
csv.field_size_limit(MAX_CELL)
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def describe_limits() -> str:
    return (f"{MAX_FILE_MB} MB ({MAX_UNPACKED_MB} MB once an XLSX is unzipped), "
            f"{MAX_ROWS:,} rows, {MAX_COLUMNS} columns and {MAX_CELL:,} characters a cell")


@dataclass
class Table:
    """A sheet of rows under one header row; blank rows are left out."""

    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (row number in the file, cells)
    source: str = ""
    encoding: str | None = None  # None for XLSX
    separator: str | None = None
    sheet: str | None = None
    blank_rows: int = 0
    sheets: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.sheet is not None:
            return f"{self.source}, sheet '{self.sheet}': {len(self.rows)} rows"
        sep = SEPARATOR_NAMES.get(self.separator or ",", repr(self.separator))
        return f"{self.source}: {len(self.rows)} rows, {self.encoding}, {sep}-separated"

    def column(self, header: str) -> int:
        return self.headers.index(header)

    def preview(self, limit: int = 20) -> list[list[str]]:
        from .values import text

        width = len(self.headers)
        return [[text(c) for c in (cells + [""] * width)[:width]]
                for _, cells in self.rows[:limit]]


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    guessed = _utf16_without_bom(data)
    if guessed:
        try:
            return data.decode(guessed), guessed
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: text in Latin script has a zero in every
    other byte (the high byte), in the odd positions for little-endian, even for big."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def sniff_separator(text: str) -> str:
    """The separator that splits the first records into the most, most regular columns."""
    sample = text[:_SAMPLE]
    if len(text) > _SAMPLE and "\n" in sample:
        sample = sample[:sample.rfind("\n")]
    best, best_score = ",", (-1.0, 0)
    for sep in SEPARATORS:
        try:
            records = [r for r in csv.reader(io.StringIO(sample), delimiter=sep) if any(
                c.strip() for c in r)][:50]
        except csv.Error:
            continue
        if not records:
            continue
        width = len(records[0])
        if width < 2:
            continue
        counts = Counter(len(r) for r in records)
        regular = counts[width] / len(records)
        score = (regular, width)
        if score > best_score:
            best, best_score = sep, score
    return best


def is_blank(cells: list[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _headers(raw: list[object]) -> list[str]:
    from .values import text

    seen: Counter[str] = Counter()
    out = []
    for i, cell in enumerate(raw, 1):
        name = " ".join(text(cell).split()) or f"Column {i}"
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    while out and out[-1].startswith("Column ") and len(out) > 1:
        out.pop()
    return out


def _cell(c: object, source: str, number: int) -> object:
    if not isinstance(c, str):
        return c
    if "\x00" in c:
        raise ValidationError(f"{source} row {number}: a cell holds a NUL byte, which no "
                              "database stores. Remove it (save the file again from a "
                              "spreadsheet), then import again; nothing was imported.")
    if len(c) > MAX_CELL:
        raise ValidationError(f"{source} row {number}: a cell is longer than {MAX_CELL:,} "
                              "characters. Shorten it; nothing was imported.")
    # (The apostrophe an export put before a formula-like text is removed by the import's
    # rows, `values.restore_neutralised`, so export then import is lossless.)
    return _CONTROL.sub("", c)


def _cells(cells: list[object], source: str = "", number: int = 0) -> list[object]:
    """Cells as the importer reads them: checked, control characters dropped."""
    if len(cells) > MAX_COLUMNS:
        extra = [c for c in cells[MAX_COLUMNS:] if c not in (None, "")]
        if extra:
            raise ValidationError(f"{source} row {number} has more than {MAX_COLUMNS} "
                                  "columns. Keep the columns Stockroom reads; nothing was "
                                  "imported.")
        cells = cells[:MAX_COLUMNS]
    return [_cell(c, source, number) for c in cells]


def _table(records, source: str) -> tuple[list[str], list[tuple[int, list]], int]:
    headers: list[str] | None = None
    rows: list[tuple[int, list]] = []
    blank = 0
    for number, cells in records:
        if number > MAX_ROWS + 1:
            raise ValidationError(f"{source} has more than {MAX_ROWS:,} rows. Split it into "
                                  "several files; nothing was imported.")
        if len(cells) > MAX_COLUMNS:
            cells = _cells(cells, source, number)
        if is_blank(cells):
            if headers is not None:
                blank += 1
            continue
        if headers is None:
            headers = _headers(_cells(cells, source, number))
            continue
        rows.append((number, _cells(cells, source, number)))
    if headers is None:
        raise ValidationError(f"{source} is empty: there is no header row to read.")
    return headers, rows, blank


def read_csv_text(text: str, source: str = "", separator: str | None = None,
                  encoding: str = "utf-8") -> Table:
    first = 1
    hint = text[:8].lower()
    if hint.startswith("sep=") and len(text) > 4:  # Excel's "sep=;" first line
        separator = separator or text[4]
        text = text[text.find("\n") + 1:] if "\n" in text else ""
        first = 2
    sep = separator or sniff_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        headers, rows, blank = _table(((i, r) for i, r in enumerate(reader, first)), source)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ValidationError(f"{source} row {reader.line_num}: a cell is longer than "
                                  f"{MAX_CELL:,} characters. Shorten it; nothing was "
                                  "imported.") from exc
        raise ValidationError(f"{source} cannot be read as CSV ({exc}). Open it in a "
                              "spreadsheet and save it again as CSV.") from exc
    return Table(headers, rows, source, encoding, sep, None, blank)


def read_xlsx(path: Path, sheet: str | None = None, prefer: tuple[str, ...] = ()) -> Table:
    """The first sheet (or ``sheet``, or the first whose name is in ``prefer``)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        _check_unpacked(path)
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError(f"{path.name} is not a readable XLSX workbook ({exc}). Open it "
                              "in a spreadsheet and save it again.") from exc
    try:
        names = list(wb.sheetnames)
        lowered = {n.strip().lower(): n for n in names}
        if sheet is not None:
            if sheet not in names and sheet.lower() not in lowered:
                raise ValidationError(f"{path.name} has no sheet '{sheet}'. Its sheets: "
                                      f"{', '.join(names)}.")
            chosen = sheet if sheet in names else lowered[sheet.lower()]
        else:
            chosen = next((lowered[p] for p in prefer if p in lowered), wb.active.title
                          if wb.active is not None else names[0])
        ws = wb[chosen]
        # The declared dimension (A1:XFD1048576 costs 17 billion cells) is not trusted:
        # rows are read as the sheet holds them, each no wider than its last cell.
        ws.reset_dimensions()
        records = ((i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), 1))
        headers, rows, blank = _table(records, f"{path.name} sheet '{chosen}'")
    finally:
        wb.close()
    for _, cells in rows:
        for i, c in enumerate(cells):
            if isinstance(c, str):
                cells[i] = c.strip()
    return Table(headers, rows, path.name, None, None, chosen, blank, names)


def _check_unpacked(path: Path) -> None:
    """Refuse a workbook whose parts unzip to more than the limits, before parsing any."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        total = 0
        for info in z.infolist():
            total += info.file_size
            if info.file_size > 16 << 20 and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1):
                raise ValidationError(f"{path.name} unzips to far more than it holds "
                                      f"({info.filename}: {info.file_size / 1e6:,.0f} MB "
                                      f"from {info.compress_size / 1e6:,.1f} MB). Save it "
                                      "again from a spreadsheet; nothing was imported.")
        if total > MAX_UNPACKED_MB << 20:
            raise ValidationError(f"{path.name} unzips to {total / 1e6:,.0f} MB, more than "
                                  f"{MAX_UNPACKED_MB} MB. Split it into several files; "
                                  "nothing was imported.")


def read_table(path: str | Path, *, sheet: str | None = None, separator: str | None = None,
               encoding: str | None = None, prefer_sheets: tuple[str, ...] = ()) -> Table:
    """Read a CSV, TSV/TXT or XLSX file, recognising its format from its content."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_MB << 20:
            raise ValidationError(f"{path.name} is {size / 1e6:,.0f} MB, more than "
                                  f"{MAX_FILE_MB} MB. Split it into several files.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"No file {path}. Check the name and folder.") from None
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from exc
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(path, sheet, prefer_sheets)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(f"{path.name} is an old Excel (.xls) file. Save it as .xlsx or "
                              ".csv and import that.")
    if encoding:
        try:
            text, used = data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValidationError(f"{path.name} is not in {encoding}: {exc}.") from exc
        text = text.removeprefix("\ufeff")
    else:
        text, used = decode(data)
    sample = text[:_SAMPLE]
    if sample.count("\x00") > len(sample) // 10:  # binary, not a CSV with a stray NUL
        raise ValidationError(f"{path.name} does not look like a text or XLSX file.")
    return read_csv_text(text, path.name, separator, used)
