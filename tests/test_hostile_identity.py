"""Who you are: the OS account from the operating system (never LOGNAME/USER), password-less
only on a personal SQLite file with one operator, never on PostgreSQL; a second operator
only once the founding admin has a password; operator passwd / disable / role; scrypt
N >= 2^17 with old hashes upgraded at sign-in. Through the command line, on both backends."""

from __future__ import annotations

import hashlib
import secrets

import peewee as pw
import pytest

from inventory import models as m
from inventory.operators import os_username, sign_in
from inventory.storage import open_store

from .hostile import Login, make_operator, one_line_refusal, run_cli

SPOOF = {"LOGNAME": "alice", "USER": "alice", "USERNAME": "alice", "LNAME": "alice"}




def test_environment_variables_do_not_make_you_an_operator(store):
    """The only operator is 'alice'; setting LOGNAME/USER to alice gains nothing."""
    db, url = store
    m.Operator.create(username="alice", name="Alice", role="admin")  # no password yet
    for args in (("operator", "list"), ("operator", "add", "mallory", "--role", "admin"),
                 ("checkout", "IT-000001", "--to", "E1")):
        r = run_cli(*args, url=url, env={**SPOOF, "STOCKROOM_NEW_PASSWORD": "mallory-pw1"})
        one_line_refusal(r, "sign in")
    assert [o.username for o in m.Operator.select()] == ["alice"]
    assert os_username() != "alice"


def test_postgres_never_signs_in_without_a_password(pg_store):
    db, url = pg_store
    r = run_cli("operator", "list", url=url)
    one_line_refusal(r, "no operators yet", "operator add")
    # The first admin of a shared database is created with a password, then must sign in.
    r = run_cli("operator", "add", "boss", "--role", "admin", url=url,
                env={"STOCKROOM_NEW_PASSWORD": "boss-password"})
    assert r.returncode == 0 and "first admin" in r.stdout, r.stderr
    r = run_cli("operator", "add", "sneaky", "--role", "admin", url=url,
                env={"STOCKROOM_NEW_PASSWORD": "sneaky-password"})
    one_line_refusal(r, "shared: sign in")
    # An operator named like this OS account, without a password, is not a way in either.
    m.Operator.create(username=os_username(), name="me", role="admin")
    one_line_refusal(run_cli("operator", "list", url=url, env=SPOOF), "shared: sign in")
    one_line_refusal(run_cli("operator", "list", url=url), "shared: sign in")
    r = run_cli("operator", "list", url=url, login=Login("boss", "wrong"))
    one_line_refusal(r, "wrong password")
    r = run_cli("operator", "list", url=url, login=Login("boss", "boss-password"))
    assert r.returncode == 0 and "boss\tAdmin" in r.stdout, r.stderr


@pytest.fixture
def pg_store(pg_server):
    from .conftest import fresh_pg_url

    url = fresh_pg_url(pg_server)
    db = open_store(url)
    yield db, url
    db.close()


def test_a_second_operator_needs_the_founding_admins_password(db_url):
    me = os_username()
    r = run_cli("operator", "list", url=db_url)  # a new file: the OS account is its admin
    assert r.returncode == 0 and f"{me}\tAdmin" in r.stdout, r.stderr
    env = {"STOCKROOM_NEW_PASSWORD": "desk-password"}
    one_line_refusal(run_cli("operator", "add", "desk", url=db_url, env=env),
             f"Set a password for {me} first")
    for bad in ("", " ", "two words", "tab\tname", "nul\x01", "x" * 65):
        one_line_refusal(run_cli("operator", "add", bad, url=db_url, env=env), "operator name")
    r = run_cli("operator", "passwd", url=db_url, env={"STOCKROOM_NEW_PASSWORD": "short"})
    one_line_refusal(r, "at least 8 characters")
    r = run_cli("operator", "passwd", url=db_url, env={"STOCKROOM_NEW_PASSWORD": "admin-pw-1"})
    assert r.returncode == 0, r.stderr
    r = run_cli("operator", "add", "desk", "--role", "service_desk", url=db_url, env=env)
    assert r.returncode == 0, r.stderr
    # Two operators: everyone signs in, the founding admin too.
    one_line_refusal(run_cli("operator", "list", url=db_url), "shared: sign in")
    admin = Login(me, "admin-pw-1")
    assert run_cli("operator", "list", url=db_url, login=admin).returncode == 0
    desk = Login("desk", "desk-password")
    one_line_refusal(run_cli("operator", "add", "eve", "--role", "admin", url=db_url, login=desk,
                     env={"STOCKROOM_NEW_PASSWORD": "eve-password"}), "may not manage")
    one_line_refusal(run_cli("operator", "role", "desk", "admin", url=db_url, login=desk),
             "may not manage")
    one_line_refusal(run_cli("operator", "passwd", me, url=db_url, login=desk,
                     env={"STOCKROOM_NEW_PASSWORD": "taken-over"}), "may not manage")
    # A person changes their own password.
    r = run_cli("operator", "passwd", url=db_url, login=desk,
                env={"STOCKROOM_NEW_PASSWORD": "desk-password-2"})
    assert r.returncode == 0, r.stderr
    desk = Login("desk", "desk-password-2")


def test_disable_and_role_keep_an_admin(store):
    db, url = store
    boss = make_operator(db, "boss", "admin")
    make_operator(db, "desk", "service_desk")
    one_line_refusal(run_cli("operator", "disable", "boss", url=url, login=boss), "last admin")
    one_line_refusal(run_cli("operator", "role", "boss", "viewer", url=url, login=boss),
                     "last admin")
    one_line_refusal(run_cli("operator", "role", "desk", "emperor", url=url, login=boss))
    one_line_refusal(run_cli("operator", "disable", "nobody", url=url, login=boss), "No operator")
    r = run_cli("operator", "role", "desk", "manager", url=url, login=boss)
    assert r.returncode == 0 and "now Manager" in r.stdout, r.stderr
    r = run_cli("operator", "disable", "desk", url=url, login=boss)
    assert r.returncode == 0, r.stderr
    one_line_refusal(run_cli("operator", "list", url=url, login=Login("desk", "desk-password")),
             "wrong password")
    r = run_cli("operator", "list", url=url, login=boss)
    assert "desk\tManager\tdesk\tdisabled" in r.stdout, r.stdout


def test_password_hashes_cost_2_17_and_old_ones_are_upgraded(store):
    db, _ = store
    salt = secrets.token_bytes(16)
    old = hashlib.scrypt(b"an-old-password", salt=salt, n=2**14, r=8, p=1)
    m.Operator.create(username="veteran", name="V", role="manager",
                      password_hash=f"scrypt${2**14}$8$1${salt.hex()}${old.hex()}")
    assert sign_in(db, "veteran", "an-old-password").role == "manager"
    stored = m.Operator.get(m.Operator.username == "veteran").password_hash
    assert stored.split("$")[1:4] == [str(2**17), "8", "1"]
    assert sign_in(db, "veteran", "an-old-password").username == "veteran"
    m.Operator.update(password_hash="scrypt$999999999999$8$1$00$00").where(
        m.Operator.username == "veteran").execute()  # a hostile hash is no way in
    with pytest.raises(Exception, match="wrong password"):
        sign_in(db, "veteran", "an-old-password")
    assert isinstance(db, pw.Database)
