"""Reading real-world spreadsheets: encodings, separators, quoted newlines, blank rows,
XLSX; and the cell values in them (dates, amounts, months)."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from decimal import Decimal

import pytest

from inventory.errors import ValidationError
from inventory.exchange import values as v
from inventory.exchange.fields import auto_map, detect_kind
from inventory.exchange.reading import read_table

ROWS = [["Asset Tag", "Serial", "Model", "Notes"],
        ["IT-1", "S1", "Dell Latitude 7440", "Müller's desk, 2 €"],
        ["IT-2", "S2", "HP EliteBook", 'two\nlines; with "quotes"']]


def _csv(rows, sep=","):
    def cell(c):
        if any(ch in c for ch in (sep, '"', "\n")):
            return '"' + c.replace('"', '""') + '"'
        return c
    return "\r\n".join(sep.join(cell(c) for c in r) for r in rows) + "\r\n"


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("cp1252", b""), ("utf-16", b"")])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_encodings_and_separators(tmp_path, encoding, bom, sep):
    path = tmp_path / "in.csv"
    path.write_bytes(bom + _csv(ROWS, sep).encode(encoding))
    t = read_table(path)
    assert t.headers == ROWS[0]
    assert [c for _, c in t.rows] == ROWS[1:]
    assert t.separator == sep
    assert [n for n, _ in t.rows] == [2, 3]


def test_blank_rows_and_row_numbers(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("\n\nTag,Serial\nA,1\n,\n  ,  \nB,2\n\n", encoding="utf-8")
    t = read_table(path)
    assert t.headers == ["Tag", "Serial"]
    assert t.rows == [(4, ["A", "1"]), (7, ["B", "2"])]
    assert t.blank_rows == 3


def test_excel_separator_hint(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("sep=;\nTag;Serial\nA,1;2\n", encoding="utf-8")
    t = read_table(path)
    assert t.headers == ["Tag", "Serial"] and t.rows == [(3, ["A,1", "2"])]


def test_duplicate_and_missing_headers(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Tag,,Tag\nA,b,c\n", encoding="utf-8")
    assert read_table(path).headers == ["Tag", "Column 2", "Tag (2)"]


def test_xlsx_values_and_sheet_choice(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing here"])
    ws = wb.create_sheet("people")
    ws.append(["Employee id", "Name", "Left on"])
    ws.append([1001, "Ann Lee", datetime(2024, 3, 5)])
    ws.append([None, None, None])
    ws.append(["E2", " Bo ", None])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    t = read_table(path, prefer_sheets=("people",))
    assert t.sheet == "people" and t.headers == ["Employee id", "Name", "Left on"]
    assert t.rows[0] == (2, [1001, "Ann Lee", datetime(2024, 3, 5)])
    assert t.rows[1][1][:2] == ["E2", "Bo"]
    assert t.blank_rows == 1
    assert read_table(path).sheet == "Notes"  # the active sheet, when nothing is preferred
    with pytest.raises(ValidationError, match="no sheet 'Assets'"):
        read_table(path, sheet="Assets")


def test_unreadable_files_get_a_message(tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(ValidationError, match="old Excel"):
        read_table(xls)
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="empty"):
        read_table(empty)
    with pytest.raises(ValidationError, match="No file"):
        read_table(tmp_path / "missing.csv")


@pytest.mark.parametrize("text,day_first,expected", [
    ("2024-03-05", True, date(2024, 3, 5)),
    ("2024-03-05 00:00:00", True, date(2024, 3, 5)),
    ("2024-03-05T10:11:12Z", True, date(2024, 3, 5)),
    ("2024/3/5", True, date(2024, 3, 5)),
    ("05/03/2024", True, date(2024, 3, 5)),
    ("05/03/2024", False, date(2024, 5, 3)),
    ("25/12/2023", False, date(2023, 12, 25)),  # only one reading possible
    ("12/25/2023", True, date(2023, 12, 25)),
    ("05.03.24", True, date(2024, 3, 5)),
    ("5 Mar 2024", True, date(2024, 3, 5)),
    ("05-Mar-2024", True, date(2024, 3, 5)),
    ("March 5, 2024", True, date(2024, 3, 5)),
    ("45356", True, date(2024, 3, 5)),
    (45356, True, date(2024, 3, 5)),
    ("", True, None),
])
def test_dates(text, day_first, expected):
    assert v.parse_date(text, day_first=day_first) == expected


@pytest.mark.parametrize("bad", ["31/02/2024", "soon", "2024-13-01", "1/2"])
def test_bad_dates_say_how_to_write_them(bad):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        v.parse_date(bad)


@pytest.mark.parametrize("text,comma,expected", [
    ("1299", False, "1299"), ("1,299.00", False, "1299.00"), ("$1,299.50", False, "1299.50"),
    ("1.299,50", False, "1299.50"), ("1 299,50 €", False, "1299.50"), ("1299,5", False, "1299.5"),
    ("1,299", False, "1299"), ("1,299", True, "1.299"), ("1.299", True, "1299"),
    ("(12.50)", False, "-12.50"), ("-3", False, "-3"), ("EUR 15", False, "15"),
    ("1'299.00", False, "1299.00"), (12.5, False, "12.5"),
])
def test_amounts(text, comma, expected):
    assert v.parse_decimal(text, decimal_comma=comma) == Decimal(expected)


def test_other_values():
    assert v.parse_months("36 months") == 36 and v.parse_months("3 years") == 36
    assert v.parse_months(24.0) == 24
    assert v.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert v.parse_int("1,200") == 1200 and v.parse_int(7.0) == 7
    assert v.parse_bool("Yes") is True and v.parse_bool("nein") is False
    assert v.text(1001.0) == "1001" and v.text(None) == ""
    for bad, parse in (("abc", v.parse_decimal), ("1.5", v.parse_int), ("maybe", v.parse_bool)):
        with pytest.raises(ValueError):
            parse(bad)


def test_presets_map_columns():
    snipe = ["ID", "Asset Tag", "Serial", "Model", "Model No.", "Category", "Manufacturer",
             "Status", "Location", "Checked Out To", "Purchase Date", "Purchase Cost",
             "Warranty", "Warranty Expires", "Supplier", "Order Number", "Notes"]
    m = auto_map(snipe, "assets", "snipeit")
    assert m["tag"] == "Asset Tag" and m["model_number"] == "Model No."
    assert m["warranty_months"] == "Warranty" and m["warranty_end"] == "Warranty Expires"
    assert m["holder"] == "Checked Out To" and m["purchase_cost"] == "Purchase Cost"
    assert detect_kind(snipe, "snipeit") == "assets"
    assert detect_kind(["Employee ID", "Full name", "E-mail"]) == "people"
    assert detect_kind(["Product", "Location", "Qty"]) == "stock"
    assert detect_kind(["Code", "Name", "Kind", "Parent"]) == "locations"
    with pytest.raises(ValidationError, match="Cannot tell"):
        detect_kind(["foo", "bar"])
