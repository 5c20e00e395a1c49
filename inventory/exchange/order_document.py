"""A purchase order as a document to send to the supplier (PDF, A4, with fpdf2): the
letterhead from Settings, who it is for and where it is delivered, a table of the lines,
the total, and the terms.

    pdf_bytes = order_pdf(order, letterhead)

`OrderDocument` is plain data (read by `services.ordering.order_document`), so the same
document can be checked without a PDF reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ..letterhead import Letterhead

# The PDF's built-in fonts (no font file to ship) cover Latin-1: other characters are
# written as their nearest plain form, else "?".
PLAIN = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
                       "•": "*", "…": "...", "★": "*", "€": "EUR", "™": "(TM)",
                       "\u00a0": " ", "\u2009": " ", "\u202f": " "})


def plain(text: object) -> str:
    return str(text).translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class OrderLineRow:
    supplier_part: str
    part_number: str
    product: str
    quantity: int
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class OrderDocument:
    number: str
    status: str
    supplier: str
    supplier_email: str
    ship_to: str
    ship_to_code: str
    created_at: datetime | None
    ordered_at: datetime | None
    expected_at: datetime | None
    note: str
    lines: list[OrderLineRow] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((ln.total for ln in self.lines), Decimal(0))

    @property
    def units(self) -> int:
        return sum(ln.quantity for ln in self.lines)


def _day(value: datetime | date | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"  # 1 Dec 2026: read the same in every country


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def order_pdf(doc: OrderDocument, head: Letterhead) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(plain(f"Purchase order {doc.number}"))
    pdf.set_author(plain(head.company or "Stockroom"))
    pdf.set_creator("Stockroom")
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(18, 16, 18)
    pdf.alias_nb_pages()

    def footer() -> None:
        pdf.set_y(-12)
        pdf.set_font("Helvetica", size=8)
        pdf.set_text_color(120, 120, 120)
        pdf.cell(0, 5, plain(f"{doc.number} - page {pdf.page_no()} of {{nb}}"), align="R")

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    # Letterhead: the buyer, left; the document's name and number, right.
    top = pdf.get_y()
    pdf.set_text_color(17, 24, 39)
    if head.company:
        pdf.set_font("Helvetica", "B", 15)
        pdf.multi_cell(width * 0.55, 7, plain(head.company), new_x="LMARGIN")
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(75, 85, 99)
    contact = [ln for ln in head.address.splitlines() if ln.strip()]
    contact += [x for x in (head.email, head.phone) if x]
    if head.tax_id:
        contact.append(f"Tax number {head.tax_id}")
    for line in contact:
        pdf.cell(width * 0.55, 4.6, plain(line), new_x="LMARGIN", new_y="NEXT")
    left_end = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width * 0.55, top)
    pdf.set_font("Helvetica", "B", 18)
    pdf.set_text_color(37, 99, 235)
    pdf.cell(width * 0.45, 8, "PURCHASE ORDER", align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.set_text_color(17, 24, 39)
    pdf.cell(width * 0.45, 6, plain(doc.number), align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(75, 85, 99)
    facts = [("Date", _day(doc.ordered_at or doc.created_at))]
    if doc.expected_at:
        facts.append(("Expected", _day(doc.expected_at)))
    if doc.status == "draft":
        facts.append(("Status", "DRAFT - not yet placed"))
    for name, value in facts:
        pdf.cell(width * 0.45, 4.6, plain(f"{name}: {value}"), align="R", new_x="LEFT",
                 new_y="NEXT")
    pdf.set_y(max(left_end, pdf.get_y()) + 4)
    pdf.set_draw_color(209, 213, 219)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(5)

    # Supplier and delivery address side by side.
    y = pdf.get_y()
    for i, (title, lines) in enumerate((
            ("Supplier", [doc.supplier, doc.supplier_email]),
            ("Deliver to", [doc.ship_to, f"Location {doc.ship_to_code}"]))):
        pdf.set_xy(pdf.l_margin + i * width / 2, y)
        pdf.set_font("Helvetica", "B", 8)
        pdf.set_text_color(107, 114, 128)
        pdf.cell(width / 2, 5, title.upper(), new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(17, 24, 39)
        for j, line in enumerate(x for x in lines if x):
            pdf.set_font("Helvetica", "B" if j == 0 else "", 10 if j == 0 else 9)
            pdf.cell(width / 2, 5, plain(line), new_x="LEFT", new_y="NEXT")
    pdf.set_y(pdf.get_y() + 6)

    # The lines.
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(17, 24, 39)
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=(31, 41, 55))
    with pdf.table(col_widths=(24, 24, 70, 14, 22, 24), line_height=5.6,
                   text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
                   headings_style=heading, borders_layout="HORIZONTAL_LINES",
                   cell_fill_color=(243, 244, 246), cell_fill_mode="ROWS",
                   padding=1.4) as table:
        table.row(["Supplier part", "Our part", "Description", "Qty", "Unit price",
                   "Amount"])
        for ln in doc.lines:
            table.row([plain(ln.supplier_part), plain(ln.part_number), plain(ln.product),
                       f"{ln.quantity:,}", _money(ln.unit_price), _money(ln.total)])
    pdf.ln(3)

    # Totals, right-aligned under the amounts.
    for label, value, bold in (
            ("Lines", f"{len(doc.lines)}  ({doc.units:,} units)", False),
            ("Order total", _money(doc.total), True)):
        pdf.set_font("Helvetica", "B" if bold else "", 11 if bold else 9)
        pdf.set_x(pdf.l_margin + width - 80)
        pdf.cell(45, 6.5, label, align="R")
        pdf.cell(35, 6.5, value, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(55, 65, 81)
    notes = [f"Please quote {doc.number} on the delivery note and the invoice."]
    if doc.note:
        notes.insert(0, f"Note: {doc.note}")
    if head.terms:
        notes.append(head.terms)
    for text in notes:
        pdf.multi_cell(width, 4.8, plain(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
