"""Help › Check this desk: the `stockroom doctor` report in a window, with Copy and Check again."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..doctor import FAIL, WARN, Finding, collect, heading, report_text, summary, where_things_are

_BADGE = {"ok": ("#15803d", "OK"), "info": ("#1d4ed8", "Info"), "warn": ("#b45309", "Warning"),
          "fail": ("#b91c1c", "Problem"), "skip": ("#6b7280", "n/a")}


def report_html(findings: list[Finding], places: list[tuple[str, str]]) -> str:
    rows = []
    for f in findings:
        colour, word = _BADGE.get(f.level, ("#6b7280", f.level))
        fix = (f"<br><span style='color:#374151'>→ {escape(f.fix)}</span>"
               if f.fix and f.level != "ok" else "")
        rows.append(f"<tr><td style='color:{colour}; font-weight:bold; padding-right:10px'>"
                    f"{word}</td><td style='padding-right:10px'><b>{escape(f.check)}</b></td>"
                    f"<td>{escape(f.found)}{fix}</td></tr>")
    files = "".join(f"<tr><td style='padding-right:10px'>{escape(k)}</td><td>{escape(v)}</td>"
                    "</tr>" for k, v in places)
    return (f"<p>{escape(heading())}</p><table cellspacing='4'>{''.join(rows)}</table>"
            f"<h4>Where this desk keeps its files</h4><table cellspacing='2'>{files}</table>")


class DoctorDialog(QDialog):
    """Runs the checks when opened and on Check again; the same report as the command."""

    def __init__(self, url: str, settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check this desk")
        self.resize(900, 620)
        self._url, self._settings = url, settings
        self.findings: list[Finding] = []
        self.summary = QLabel(objectName="doctorSummary")
        self.summary.setWordWrap(True)
        self.browser = QTextBrowser(objectName="doctorReport")
        self.browser.setOpenLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton("Copy report", QDialogButtonBox.ButtonRole.ActionRole).clicked.connect(
            self.copy)
        buttons.addButton("Check again", QDialogButtonBox.ButtonRole.ActionRole).clicked.connect(
            self.run)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.run()

    def run(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.findings = collect(self._url, self._settings)
            self.places = where_things_are(self._url, self._settings)
        finally:
            QApplication.restoreOverrideCursor()
        bad = any(f.level == FAIL for f in self.findings)
        warn = any(f.level == WARN for f in self.findings)
        colour = "#b91c1c" if bad else "#b45309" if warn else "#15803d"
        self.summary.setText(summary(self.findings))
        self.summary.setStyleSheet(f"font-size: 15px; font-weight: bold; color: {colour};")
        self.browser.setHtml(report_html(self.findings, self.places))

    def text(self) -> str:
        return report_text(self.findings, self.places)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
