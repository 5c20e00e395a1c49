"""The team-mode benches' set-up: the demo department copied onto a PostgreSQL server
started for the run, with the OS operator given a password so desks can sign in."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from inventory.migrate import copy_to_postgres
from inventory.operators import os_operator, set_password
from inventory.storage import open_store
from tests.pg_server import PgServer

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class TeamDemo:
    work: Path      # a scratch folder, removed afterwards
    demo: Path      # the SQLite demo the copy was made from
    url: str        # the PostgreSQL database holding the copy
    admin: str      # the operator who signs in there, with the given password


@contextmanager
def demo_on_postgres(prefix: str, built: Path | None, name: str,
                     password: str) -> Iterator[TeamDemo]:
    """Copy `built` (or a demo built now) to a fresh PostgreSQL database `name`."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    demo = work / "demo.sqlite"
    if built:
        shutil.copy(built, demo)
    else:
        subprocess.run([sys.executable, "main.py", "--database", str(demo), "demo"],
                       cwd=ROOT, check=True, capture_output=True)
    server = PgServer(durable=True)
    server.start()
    try:
        src = open_store(str(demo))
        admin = os_operator(src)
        set_password(src, admin, admin.username, password)
        url = server.create_database(name)
        copy_to_postgres(src, url, check=False)
        src.close()
        yield TeamDemo(work, demo, url, admin.username)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
