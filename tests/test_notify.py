"""`python main.py notify` against a real SMTP server (aiosmtpd, STARTTLS required, login
checked) started in the test; the password in a file keyring made for the test, never the
user's. Each digest lists only what is new since the last one it sent."""

from __future__ import annotations

import base64
import email
import socket
import ssl
from datetime import timedelta
from email.message import Message

import pytest

from inventory import clock
from inventory import models as m
from inventory.operations import execute
from inventory.shop_commands import CreateRequest
from inventory.storage import open_store

from .hostile import one_line_refusal, run_cli
from .shop_world import build_shop

trustme = pytest.importorskip("trustme")
pytest.importorskip("aiosmtpd")
pytest.importorskip("keyrings.alt")

PASSWORD = "s3cret-for-the-test"


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"


@pytest.fixture
def smtp(tmp_path):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    inbox = Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"desk" and auth_data.password == PASSWORD.encode()
        inbox.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_ctx,
                            require_starttls=True, auth_required=True,
                            auth_require_tls=True, authenticator=authenticator,
                            server_hostname="localhost")
    controller.start()
    yield inbox, port, ca_file
    controller.stop()


@pytest.fixture
def shop_url(tmp_path):
    url = str(tmp_path / "shop.sqlite")
    db = open_store(url)
    w = build_shop(db)
    execute(db, w.admin, CreateRequest("E3", "KIT-LAPTOP",
                                       needed_by=clock.today() + timedelta(days=9)))
    db.close()
    return url


def _env(tmp_path, ca_file) -> dict:
    return {"STOCKROOM_TODAY": clock.today().isoformat(),
            "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            "XDG_DATA_HOME": str(tmp_path / "keyring-home"), "SSL_CERT_FILE": str(ca_file)}


def test_digests_go_out_over_starttls_and_list_only_what_is_new(smtp, shop_url, tmp_path):
    inbox, port, ca_file = smtp
    env = _env(tmp_path, ca_file)

    def cli(*args, stdin=None):
        return run_cli(*args, url=shop_url, env=env, stdin=stdin)

    r = cli("notify", "config", "--host", "localhost", "--port", str(port), "--smtp-user",
            "desk", "--sender", "stockroom@example.com", "--to-managers",
            "boss@example.com", "--to-buyers", "buyer@example.com")
    assert r.returncode == 0, r.stderr
    one_line_refusal(cli("notify"), "No password for desk in the OS keyring")
    assert inbox.messages == []
    r = cli("notify", "password", stdin=PASSWORD + "\n")
    assert r.returncode == 0 and "stored in the OS keyring" in r.stdout, r.stderr
    db = open_store(shop_url)
    assert not m.Setting.select().where(m.Setting.value.contains(PASSWORD)).exists()
    db.close()
    stored = "".join(p.read_text() for p in (tmp_path / "keyring-home").rglob("*")
                     if p.is_file())  # the test's keyring file, not the user's
    assert "Stockroom_20SMTP" in stored
    assert base64.b64encode(PASSWORD.encode()).decode() in stored

    r = cli("notify")
    assert r.returncode == 0, r.stderr
    assert "managers: 2 new, sent to boss@example.com" in r.stdout  # a request, a renewal
    assert "service_desk: 0 new" in r.stdout
    assert inbox.logins == ["desk"]
    to_boss = [msg for msg in inbox.messages if msg["To"] == "boss@example.com"]
    assert len(to_boss) == 1 and to_boss[0]["From"] == "stockroom@example.com"
    body = to_boss[0].get_payload()
    assert "REQ-000001 Standard laptop bundle for Aisha Park (IT)" in body
    assert "awaits approval" in body
    assert "renewal due: Microsoft 365 E3, ends 2027-01-01" in body

    # nothing new: nothing sent
    before = len(inbox.messages)
    r = cli("notify")
    assert "managers: 0 new, nothing sent" in r.stdout and len(inbox.messages) == before
    # a second request: only it is in the next digest
    db = open_store(shop_url)
    from inventory.operators import os_operator

    execute(db, os_operator(db), CreateRequest("E1", "KIT-LAPTOP"))
    db.close()
    r = cli("notify", "--only", "managers")
    assert "managers: 1 new" in r.stdout
    body = inbox.messages[-1].get_payload()
    assert "REQ-000002" in body and "REQ-000001" not in body


def test_a_server_that_cannot_be_reached_marks_nothing_sent(shop_url, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    env = {"STOCKROOM_TODAY": clock.today().isoformat(),
           "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
           "XDG_DATA_HOME": str(tmp_path / "kr")}
    r = run_cli("notify", "config", "--host", "127.0.0.1", "--port", str(dead),
                "--to-managers", "boss@example.com", url=shop_url, env=env)
    assert r.returncode == 0, r.stderr
    one_line_refusal(run_cli("notify", url=shop_url, env=env),
                     "could not be reached", "Nothing was marked as sent")
    db = open_store(shop_url)
    assert m.DigestSent.select().count() == 0
    db.close()
    one_line_refusal(run_cli("notify", "config", "--to-managers", "not an address",
                             url=shop_url, env=env), "is not a mail address")


def test_the_service_desk_digest_lists_tomorrow_overdue_loans_and_leavers(store):
    from inventory import notify
    from inventory.commands import CheckOut
    from inventory.shop_commands import AddToLoanPool, BookLoan, SetLeavingDate

    db, _ = store
    w = build_shop(db)
    today = clock.today()
    execute(db, w.admin, AddToLoanPool("IT-000001"))
    b = execute(db, w.admin, BookLoan("E1", today + timedelta(days=1), today + timedelta(
        days=3), asset="IT-000001")).view
    execute(db, w.admin, CheckOut("IT-000002", person="E2", due=today))
    m.Asset.update(due_date=today - timedelta(days=2)).where(m.Asset.tag == "IT-000002").execute()
    execute(db, w.admin, SetLeavingDate("E2", today - timedelta(days=1)))
    texts = [it.text for it in notify.collect(db, today, ("service_desk",))["service_desk"]]
    assert f"booking {b.number} starts tomorrow: IT-000001 for Ada Lovelace until " \
           f"{today + timedelta(days=3):%Y-%m-%d}" in texts
    assert any(t.startswith("overdue loan: IT-000002 Latitude 7440 with Alan Turing")
               for t in texts)
    assert any(t.startswith("overdue return: Alan Turing (E2) left on") for t in texts)
    # what was sent is not new; what went away is forgotten
    items = notify.collect(db, today, ("service_desk",))["service_desk"]
    notify.record_sent(db, w.admin, "service_desk", [i.key for i in items], [i.key for i in items])
    assert notify.new_items("service_desk", items) == []
    notify.record_sent(db, w.admin, "service_desk", [], [items[0].key])
    assert [i.key for i in notify.new_items("service_desk", items)] == [i.key for i in items[1:]]
