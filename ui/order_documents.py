"""A purchase order leaving the building: saved as PDF or CSV, or handed to the mail client
(a `mailto:` to the supplier naming the PDF, and the PDF shown in its folder: a mail link
cannot carry an attachment). The files are written on the database worker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from inventory.exchange.export import cannot_write
from inventory.letterhead import load as load_letterhead
from inventory.services import ordering
from inventory.store import Store

ORDERS_FOLDER = "Purchase orders"


def write_pdf(db: Store, number: str, path: Path) -> Path:
    """Render the order and write it to `path` (worker)."""
    data = ordering.order_pdf(db, number)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    return path


def write_csv(db: Store, number: str, path: Path) -> Path:
    from inventory.exchange.export import write_rows

    write_rows(path, ordering.ORDER_HEADER, ordering.order_table(db, number))
    return path


def mail_url(number: str, email: str, pdf: Path, company: str = "") -> QUrl:
    """mailto: the supplier, with a subject and a body that says where the PDF is."""
    sender = f"\n\n{company}" if company else ""
    body = (f"Hello,\n\nplease find attached our purchase order {number} (the PDF: {pdf}).\n"
            f"Please confirm the delivery date and quote {number} on the delivery note and "
            f"the invoice.{sender}")
    url = f"mailto:{quote(email, safe='@')}?subject={quote(f'Purchase order {number}')}" \
          f"&body={quote(body)}"
    return QUrl(url)


def prepare_mail(db: Store, number: str, folder: Path) -> tuple[QUrl, Path]:
    """The PDF in `folder`, and the mail link to send it (worker)."""
    doc = ordering.order_document(db, number)
    pdf = write_pdf(db, number, folder / f"{number}.pdf")
    return mail_url(number, doc.supplier_email, pdf, load_letterhead(db).company), pdf


def open_mail(url: QUrl, pdf: Path, show: Callable[[QUrl], bool] | None = None) -> bool:
    """Open the mail client and show the PDF's folder (to attach it); False if neither
    could be opened (the caller then says where the file is)."""
    opener = show or QDesktopServices.openUrl
    mailed = opener(url)
    shown = opener(QUrl.fromLocalFile(str(pdf.parent)))
    return bool(mailed or shown)
