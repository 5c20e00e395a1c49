"""Helpers for the team-mode tests: the demo department copied onto the test server."""

from __future__ import annotations

import itertools

from inventory import models as m
from inventory.migrate import copy_to_postgres
from inventory.operators import OperatorRef, os_operator, set_password
from inventory.storage import open_store

from .conftest import fresh_pg_url

ADMIN_PASSWORD = "admin-pass-42"


def demo_on_postgres(demo_url: str, pg_server) -> tuple[str, OperatorRef]:
    """A fresh PostgreSQL database holding a copy of the demo; its admin has a password
    (ADMIN_PASSWORD), as every operator of a shared database needs one."""
    src = open_store(demo_url)
    try:
        admin = os_operator(src)
        set_password(src, admin, admin.username, ADMIN_PASSWORD)
        url = fresh_pg_url(pg_server)
        copy_to_postgres(src, url, check=False)
    finally:
        src.close()
    return url, admin


def operator(url: str, role: str) -> OperatorRef:
    """An operator of `role` in the database at `url` (the first one found)."""
    db = open_store(url)
    try:
        op = m.Operator.get(m.Operator.role == role)
        return OperatorRef(op.id, op.username, op.name, op.role)
    finally:
        db.close()


def team_database(demo_url: str, server, admin_password: str = ADMIN_PASSWORD):
    """The demo copied onto the password-checking `server` and set up for a team
    (`admin setup --admin <the demo's admin>`): (superuser url, admin login name)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    name = f"team{os.getpid()}_{next(_team_counter)}"
    url = server.create_database(name)
    src = open_store(demo_url)
    try:
        admin = os_operator(src)
        copy_to_postgres(src, url, check=False)
    finally:
        src.close()
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "main.py", "--database", url, "admin", "setup",
                        "--admin", admin.username], cwd=root, capture_output=True, text=True,
                       env={**os.environ, "STOCKROOM_NEW_PASSWORD": admin_password},
                       timeout=120)
    assert r.returncode == 0, r.stderr
    return url, admin.username


_team_counter = itertools.count()


def login_url(url: str, user: str, password: str) -> str:
    from inventory.dburl import with_login

    return with_login(url, user, password)
