"""Sending mail: the SMTP server's host, port, user and sender in the database's settings,
the password in the OS keyring (the `keyring` package), never in the database. STARTTLS
before any password crosses the wire."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

import peewee as pw

from . import models as m
from .db import Handle, unwrap
from .errors import ValidationError
from .operators import OperatorRef
from .roles import require

KEYRING_SERVICE = "Stockroom SMTP"
KEYS = {"host": "mail.host", "port": "mail.port", "user": "mail.user",
        "sender": "mail.sender", "starttls": "mail.starttls"}
RECIPIENT_KEYS = {"buyers": "notify.to.buyers", "managers": "notify.to.managers",
                  "service_desk": "notify.to.service_desk"}
MAX_FIELD = 320
MAX_RECIPIENTS = 50
TIMEOUT_S = 30


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = 587
    user: str = ""
    sender: str = ""
    starttls: bool = True
    recipients: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def to(self, digest: str) -> tuple[str, ...]:
        return dict(self.recipients).get(digest, ())

    @property
    def account(self) -> str:
        """Who the password belongs to in the keyring."""
        return f"{self.user}@{self.host}:{self.port}"


def _split(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.replace(";", ",").split(",") if a.strip())


def load(db: Handle) -> MailSettings:
    keys = [*KEYS.values(), *RECIPIENT_KEYS.values()]
    with unwrap(db).atomic():
        got = {s.key: s.value for s in m.Setting.select().where(m.Setting.key.in_(keys))}
    try:
        port = int(got.get(KEYS["port"], "587") or 587)
    except ValueError:
        port = 587
    return MailSettings(
        host=got.get(KEYS["host"], ""), port=port, user=got.get(KEYS["user"], ""),
        sender=got.get(KEYS["sender"], ""),
        starttls=got.get(KEYS["starttls"], "1") != "0",
        recipients=tuple((d, _split(got.get(k, ""))) for d, k in RECIPIENT_KEYS.items()))


def _address(text: str, what: str) -> str:
    text = text.strip()
    if len(text) > MAX_FIELD or any(c in text for c in "\r\n\t<>") or (
            text and ("@" not in text or " " in text)):
        raise ValidationError(f"{what} '{text[:60]}' is not a mail address such as "
                              "it-desk@example.com.", field="recipients")
    return text


def save(db: pw.Database, op: OperatorRef, *, host: str | None = None,
         port: int | None = None, user: str | None = None, sender: str | None = None,
         starttls: bool | None = None, recipients: dict[str, str] | None = None
         ) -> MailSettings:
    """Store the SMTP settings (an admin's); never a password."""
    require(op.role, "admin")
    values: dict[str, str] = {}
    if host is not None:
        host = host.strip()
        if len(host) > 253 or any(c.isspace() for c in host):
            raise ValidationError(f"'{host[:60]}' is not a host name.", field="host")
        values[KEYS["host"]] = host
    if port is not None:
        if isinstance(port, bool) or not 1 <= int(port) <= 65535:
            raise ValidationError(f"The port must be 1 to 65535 (got {port}).", field="port")
        values[KEYS["port"]] = str(int(port))
    if user is not None:
        if len(user) > MAX_FIELD or any(c in user for c in "\r\n"):
            raise ValidationError("The user name is too long or spans lines.", field="user")
        values[KEYS["user"]] = user.strip()
    if sender is not None:
        values[KEYS["sender"]] = _address(sender, "The sender")
    if starttls is not None:
        values[KEYS["starttls"]] = "1" if starttls else "0"
    for digest, text in (recipients or {}).items():
        if digest not in RECIPIENT_KEYS:
            raise ValidationError(f"No digest '{digest}' ({', '.join(RECIPIENT_KEYS)}).",
                                  field="recipients")
        addresses = [_address(a, "The recipient") for a in _split(text)]
        if len(addresses) > MAX_RECIPIENTS:
            raise ValidationError(f"At most {MAX_RECIPIENTS} recipients per digest.",
                                  field="recipients")
        values[RECIPIENT_KEYS[digest]] = ", ".join(addresses)
    with db.atomic():
        for key, value in values.items():
            (m.Setting.insert(key=key, value=value)
             .on_conflict(conflict_target=[m.Setting.key], update={m.Setting.value: value})
             .execute())
    return load(db)


def password(settings: MailSettings) -> str | None:
    import keyring

    return keyring.get_password(KEYRING_SERVICE, settings.account)


def set_password(settings: MailSettings, secret: str) -> None:
    import keyring

    if not settings.user or not settings.host:
        raise ValidationError("Set the mail host and user first (notify config --host H "
                              "--user U).", field="user")
    keyring.set_password(KEYRING_SERVICE, settings.account, secret)


def send(settings: MailSettings, to: tuple[str, ...], subject: str, body: str) -> None:
    """One message over SMTP (STARTTLS unless turned off; login when a user is set)."""
    if not settings.host:
        raise ValidationError("No mail server is set: give the host, port and user in "
                              "Settings ▸ Mail (or notify config --host ...).", field="host")
    msg = EmailMessage()
    msg["From"] = settings.sender or settings.user or "stockroom@localhost"
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg.set_content(body)
    secret = password(settings) if settings.user else None
    if settings.user and secret is None:
        raise ValidationError(f"No password for {settings.user} in the OS keyring: run "
                              "`python main.py notify password` once on this computer.",
                              field="user")
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S) as smtp:
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            elif secret is not None:
                raise ValidationError("Refusing to send the password without STARTTLS. "
                                      "Turn STARTTLS on.", field="starttls")
            if secret is not None:
                smtp.login(settings.user, secret)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise ValidationError(f"The mail server {settings.host}:{settings.port} refused or "
                              f"could not be reached ({exc}). Nothing was marked as sent; "
                              "the next run tries again.", field="host") from exc
