"""Where the database is: its URL or file, which backend, and a label without a password.

No database driver here: the window imports this to show and choose the database.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, urlparse

import platformdirs

ENV_VAR = "STOCKROOM_DATABASE"
APP_NAME = "Stockroom"

def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "stockroom.sqlite"


def resolve_url(arg: str | None = None) -> str:
    """The database to use: the argument, else $STOCKROOM_DATABASE, else the default file."""
    return arg or os.environ.get(ENV_VAR) or str(default_database_path())


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def describe(url: str) -> str:
    """A short label for the status bar, with no password in it."""
    if is_postgres(url):
        u = urlparse(url)
        return f"PostgreSQL {u.hostname or 'localhost'}{u.path}"
    return f"SQLite {sqlite_path(url)}"


def with_login(url: str, user: str, password: str | None) -> str:
    """The PostgreSQL URL signed in as another database login."""
    u = urlparse(url)
    host = u.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if u.port:
        host = f"{host}:{u.port}"
    auth = quote(user, safe="")
    if password:
        auth += ":" + quote(password, safe="")
    return u._replace(netloc=f"{auth}@{host}").geturl()
