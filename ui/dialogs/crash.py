"""When a bug reaches the top: log the traceback, show a polite dialog, keep running."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from inventory.errors import InventoryError

log = logging.getLogger("stockroom.crash")

_showing = False


def handle_exception(exc_type, exc, tb, log_path: Path | None = None) -> None:
    """sys.excepthook: a domain error is a message; anything else is a bug, logged."""
    global _showing
    if issubclass(exc_type, KeyboardInterrupt):
        QApplication.quit()
        return
    if issubclass(exc_type, InventoryError):
        log.warning("domain error reached the top: %s", exc)
        _show(QMessageBox.Icon.Warning, "Stockroom", str(exc), None)
        return
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unexpected error\n%s", text)
    if _showing:
        return
    _showing = True
    try:
        where = f"\n\nThe details are in {log_path}." if log_path else ""
        _show(QMessageBox.Icon.Critical, "Something went wrong",
              "Stockroom hit a problem it did not expect. What you were doing may not have "
              "been saved; nothing that was saved is lost. Please try again, and tell your "
              f"IT team if it happens again.{where}", text)
    finally:
        _showing = False


def _show(icon, title: str, text: str, details: str | None) -> None:
    if QApplication.instance() is None:
        print(text, details or "", file=sys.stderr)
        return
    box = QMessageBox(icon, title, text)
    if details:
        box.setDetailedText(details)
    box.exec()


def install(log_path: Path | None = None) -> None:
    sys.excepthook = lambda t, e, tb: handle_exception(t, e, tb, log_path)
