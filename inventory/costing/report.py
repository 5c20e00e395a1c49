"""Showback as rows: the lines table and the items behind one line, for the command
line, the files it writes (CSV/XLSX through exchange/export.py), the window and the
statements PDF. Amounts are rounded to cents here, once."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .charges import KINDS
from .showback import Line, Showback

CENT = Decimal("0.01")
KIND_LABELS = {"devices": "Devices", "licenses": "Licenses", "spares": "Spares",
               "repairs": "Repairs", "cloud": "Cloud"}


def cents(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP) + 0


def line_headers(sb: Showback) -> list[str]:
    return ["Cost centre", *[KIND_LABELS[k] for k in KINDS], "Total", "Basis",
            f"Budget {sb.month.year}", "Spent to date", "Budget used"]


def line_row(line: Line) -> list:
    used = line.budget_used
    return [line.cost_centre, *[cents(line.amounts[k]) for k in KINDS], cents(line.total),
            line.basis, cents(line.budget) if line.budget is not None else None,
            cents(line.spent_to_date), f"{used:.0%}" if used is not None else ""]


def total_row(sb: Showback) -> list:
    return ["Total", *[cents(sb.kind_total(k)) for k in KINDS], cents(sb.total), "", None,
            None, ""]


def line_rows(sb: Showback, *, with_total: bool = True) -> list[list]:
    rows = [line_row(ln) for ln in sb.lines]
    return rows + [total_row(sb)] if with_total else rows


ITEM_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "devices": [("tag", "Asset tag"), ("product", "Product"), ("holder", "Held by"),
                ("periods", "Days of the month"), ("days", "Days"),
                ("monthly", "Per month"), ("amount", "Amount"), ("basis", "Basis")],
    "licenses": [("license", "License"), ("holder", "Seat holder"), ("days", "Seat days"),
                 ("monthly", "Per seat per month"), ("amount", "Amount"), ("basis", "Basis")],
    "spares": [("date", "Date"), ("product", "Product"), ("person", "Issued to"),
               ("quantity", "Quantity"), ("unit_cost", "Unit cost"), ("amount", "Amount"),
               ("basis", "Basis")],
    "repairs": [("tag", "Asset tag"), ("product", "Product"), ("vendor", "Vendor"),
                ("reference", "Reference"), ("opened_on", "Opened"),
                ("returned_on", "Returned"), ("outcome", "Outcome"), ("amount", "Amount"),
                ("basis", "Basis")],
    "cloud": [("provider", "Provider"), ("service", "Service"), ("category", "Category"),
              ("resource", "Resource"), ("rows", "Rows"), ("amount", "Amount"),
              ("basis", "Basis")],
}
MONEY = {"monthly", "amount", "unit_cost"}


def item_rows(kind: str, items: list[dict]) -> tuple[list[str], list[list]]:
    cols = ITEM_COLUMNS[kind]
    rows = [[cents(i[k]) if k in MONEY else i[k] for k, _ in cols] for i in items]
    return [label for _, label in cols], rows


def flat_items(all_items: dict[str, list[dict]]) -> tuple[list[str], list[list]]:
    """Every item of a cost centre in one table (CSV/XLSX): kind, what, detail, amount."""
    headers = ["Kind", "Item", "Detail", "Days or quantity", "Rate", "Amount", "Basis"]
    rows: list[list] = []
    for kind in KINDS:
        for i in all_items.get(kind, []):
            if kind == "devices":
                rows.append([kind, f"{i['tag']} {i['product']}",
                             f"{i['holder']} {i['periods']}".strip(), i["days"],
                             cents(i["monthly"]), cents(i["amount"]), i["basis"]])
            elif kind == "licenses":
                rows.append([kind, i["license"], i["holder"], i["days"], cents(i["monthly"]),
                             cents(i["amount"]), i["basis"]])
            elif kind == "spares":
                rows.append([kind, i["product"], f"{i['date']} {i['person']}".strip(),
                             i["quantity"], cents(i["unit_cost"]), cents(i["amount"]),
                             i["basis"]])
            elif kind == "repairs":
                rows.append([kind, f"{i['tag']} {i['product']}",
                             f"{i['vendor']} {i['reference']} {i['outcome']}".strip(), None,
                             None, cents(i["amount"]), i["basis"]])
            else:
                rows.append([kind, f"{i['provider']} {i['service']}".strip(),
                             i["resource"], i["rows"], None, cents(i["amount"]), i["basis"]])
    return headers, rows
