"""Settings ▸ Mail: the SMTP server `notify` sends its digests through, who gets which
digest, and the password (kept in the OS keyring, never in the database)."""

from __future__ import annotations

from keyring.errors import KeyringError
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
)

from inventory import mail
from inventory.errors import InventoryError
from inventory.shop_commands import SaveMailSettings

from .base import AppContext


class MailBox(QGroupBox):
    def __init__(self, ctx: AppContext, messages, parent=None) -> None:
        super().__init__("Mail (notify digests)", parent)
        self.ctx = ctx
        self.messages = messages
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        row.addWidget(self.host, 1)
        row.addWidget(QLabel("Port"))
        row.addWidget(self.port)
        form.addRow("Server", row)
        self.user = QLineEdit()
        self.user.setPlaceholderText("Login (empty: no login)")
        form.addRow("User", self.user)
        self.sender = QLineEdit()
        self.sender.setPlaceholderText("stockroom@example.com")
        form.addRow("From", self.sender)
        self.starttls = QCheckBox("STARTTLS (required to send a password)")
        self.starttls.setChecked(True)
        form.addRow("", self.starttls)
        self.to = {}
        for digest, label in (("buyers", "Buyers get"), ("managers", "Managers get"),
                              ("service_desk", "Service desk gets")):
            edit = QLineEdit()
            edit.setPlaceholderText("addresses, comma-separated")
            self.to[digest] = edit
            form.addRow(label, edit)
        buttons = QHBoxLayout()
        self.save = QPushButton("Save mail settings")
        self.save.clicked.connect(self.save_settings)
        self.password = QPushButton("Set password…")
        self.password.clicked.connect(self.set_password)
        for b in (self.save, self.password):
            b.setEnabled(ctx.may("admin"))
            if not ctx.may("admin"):
                b.setToolTip(ctx.refusal("admin"))
            buttons.addWidget(b)
        buttons.addStretch(1)
        form.addRow("", buttons)
        note = QLabel("`python main.py notify` (cron, Task Scheduler) mails what is new since "
                      "its last digest. The password stays in this computer's keyring.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        form.addRow("", note)
        ctx.runner.run(mail.load, ctx.db, done=self.show_settings, failed=lambda exc: None)

    def show_settings(self, s: mail.MailSettings) -> None:
        self.host.setText(s.host)
        self.port.setValue(s.port)
        self.user.setText(s.user)
        self.sender.setText(s.sender)
        self.starttls.setChecked(s.starttls)
        for digest, edit in self.to.items():
            edit.setText(", ".join(s.to(digest)))

    def save_settings(self) -> None:
        cmd = SaveMailSettings(host=self.host.text(), port=self.port.value(),
                               user=self.user.text(), sender=self.sender.text(),
                               starttls=self.starttls.isChecked(),
                               recipients=tuple((d, e.text()) for d, e in self.to.items()))
        self.ctx.ops.run([cmd], done=lambda r: self.messages.show_success(
            "Mail settings saved."), failed=lambda exc: self.messages.show_error(str(exc)),
            parent=self)

    def set_password(self) -> None:
        secret, ok = QInputDialog.getText(self, "SMTP password",
                                          f"Password for {self.user.text() or 'the login'}:",
                                          QLineEdit.EchoMode.Password)
        if not ok or not secret:
            return
        try:
            settings = mail.MailSettings(host=self.host.text().strip(),
                                         port=self.port.value(), user=self.user.text().strip())
            mail.set_password(settings, secret)
        except (InventoryError, KeyringError) as exc:
            self.messages.show_error(f"The password was not stored: {exc}")
            return
        self.messages.show_success("Password stored in this computer's keyring.")
