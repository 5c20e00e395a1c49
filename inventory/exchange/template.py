"""The generic import template shipped in resources/templates: one CSV per kind and one
workbook with a sheet per kind, written from the field definitions so they never drift.

    python -m inventory.exchange.template [FOLDER]   # regenerate
"""

from __future__ import annotations

import csv
import sys
from importlib import resources
from pathlib import Path

from .fields import KINDS

WORKBOOK = "stockroom-import-template.xlsx"


def template_dir() -> Path:
    return Path(str(resources.files("resources") / "templates"))


def csv_name(kind: str) -> str:
    return f"{kind}.csv"


def write_templates(folder: Path | None = None) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    folder = Path(folder or template_dir())
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    wb = Workbook()
    wb.remove(wb.active)
    about = wb.create_sheet("Read me")
    about.append(["Stockroom import template"])
    about["A1"].font = Font(bold=True, size=14)
    about.append(["One sheet per kind of record. Keep the header row; leave out columns you "
                  "do not need; delete the example rows."])
    about.append(["Import: python main.py import stockroom-import-template.xlsx --kind assets "
                  "(the sheet named like the kind is read), or File > Import in the window."])
    about.append(["Dates: YYYY-MM-DD (or DD/MM/YYYY). Amounts: 1234.50. Re-importing a file "
                  "updates the records it names instead of adding them twice."])
    about.append([])
    about.append(["Sheet", "Identified by", "Required columns"])
    for spec in KINDS.values():
        required = ", ".join(spec.field(f).label for f in spec.required) or "Asset tag or Serial"
        about.append([spec.name, spec.key, required])
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 36
    about.column_dimensions["C"].width = 40
    for spec in KINDS.values():
        headers = [f.label for f in spec.fields]
        path = folder / csv_name(spec.name)
        with path.open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(headers)
            out.writerows(spec.example)
        written.append(path)
        ws = wb.create_sheet(spec.name)
        ws.append(headers)
        for i, fld in enumerate(spec.fields, 1):
            cell = ws.cell(row=1, column=i)
            cell.font = Font(bold=fld.required)
            note = fld.help or ("required" if fld.required else "")
            if note:
                cell.comment = Comment(note, "Stockroom")
            ws.column_dimensions[cell.column_letter].width = max(12, len(fld.label) + 4)
        for row in spec.example:
            ws.append(list(row))
        ws.freeze_panes = "A2"
    book = folder / WORKBOOK
    wb.save(book)
    written.append(book)
    return written


if __name__ == "__main__":
    for p in write_templates(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(p)
