"""Backups of a PostgreSQL database: `pg_dump -Fc` out, `pg_restore` back (admin only).

The PostgreSQL client tools are found on PATH (or in the usual server folders); without
them the message says what to install. Dumps are kept like the SQLite backups: in a
`backups/` folder (the app's data folder, one folder per server and database), named with
the time they were taken; a restore first takes a "before-restore" dump of the database as
it is, then replaces everything in one transaction. The password never appears on a
command line (it goes to the tool in its environment).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlparse, urlunparse

from .dburl import default_database_path
from .errors import StorageError, ValidationError

TOOL_TIMEOUT_S = 3600
LOCK_TIMEOUT_MS = 15_000  # a restore waits this long for other desks' locks, then says so
_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class DumpInfo:
    path: Path
    taken_at: datetime
    size: int
    tables: int


def tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a StorageError saying how to get it."""
    found = shutil.which(name)
    if found:
        return found
    raise StorageError(
        f"{name} was not found: backups of a PostgreSQL database need the PostgreSQL client "
        "tools on PATH (Debian/Ubuntu: apt install postgresql-client; macOS: brew install "
        "libpq; Windows: the PostgreSQL installer's command line tools). Nothing was done.")


def _without_password(url: str) -> tuple[str, dict[str, str]]:
    """The URL for a tool's --dbname, and the environment carrying the password."""
    u = urlparse(url)
    env = dict(os.environ)
    netloc = u.hostname or ""
    if u.port:
        netloc = f"{netloc}:{u.port}"
    if u.username:
        netloc = f"{quote(u.username, safe='')}@{netloc}"
    if u.password:
        env["PGPASSWORD"] = u.password
    return urlunparse(u._replace(netloc=netloc)), env


def dump_dir(url: str) -> Path:
    """Where the dumps of this server's database are kept."""
    u = urlparse(url)
    where = _NAME.sub("_", f"{u.hostname or 'localhost'}-{u.port or 5432}-"
                          f"{u.path.lstrip('/') or 'postgres'}")
    return default_database_path().parent / "backups" / where


def _run(args: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    try:
        r = subprocess.run(args, env=env, capture_output=True, text=True,
                           timeout=TOOL_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise StorageError(f"{what} took longer than an hour and was stopped.") from None
    if r.returncode != 0:
        lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip()]
        reason = _reason(lines)
        raise StorageError(f"{what} failed: {reason}")
    return r


def _reason(lines: list[str]) -> str:
    text = " ".join(lines).lower()
    if "lock timeout" in text or "canceling statement due to lock" in text:
        return ("other desks are using the database. Ask them to close Stockroom, then "
                "try again. Nothing was changed.")
    if "could not connect" in text or "connection refused" in text:
        return "cannot reach the PostgreSQL server. Check that it is running."
    if "password authentication failed" in text:
        return "the server refused the user name or password."
    if "permission denied" in text:
        return ("the database login may not read (or replace) every table. Use an admin's "
                "or the owner's login.")
    first = next((ln for ln in lines if "error" in ln.lower()), lines[0] if lines else "")
    return first.split("error:", 1)[-1].strip()[:200] or "see the server's log"


def backup_postgres(url: str, dest: Path | None = None, label: str = "manual") -> Path:
    """`pg_dump -Fc` of the database at `url` into `dest` (default: a timestamped file in
    its dumps folder); the file appears only once complete."""
    pg_dump = tool("pg_dump")
    if dest is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        dest = dump_dir(url) / f"stockroom-{stamp}-{label}.dump"
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    target, env = _without_password(url)
    try:
        _run([pg_dump, "--format=custom", f"--file={partial}", f"--dbname={target}"], env,
             "pg_dump")
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return dest


def check_dump(path: Path) -> DumpInfo:
    """Refuse anything but a custom-format dump of a Stockroom database."""
    path = Path(path)
    if not path.is_file():
        raise StorageError(f"No backup file {path}. Pick one from the list.")
    r = subprocess.run([tool("pg_restore"), "--list", str(path)], capture_output=True,
                       text=True, timeout=TOOL_TIMEOUT_S)
    if r.returncode != 0:
        raise StorageError(f"{path.name} is not a PostgreSQL custom-format dump (pg_dump -Fc). "
                           "Pick another backup.")
    tables = re.findall(r"\bTABLE (?:public )?(\w+)", r.stdout)
    if not {"schema_version", "movement", "asset"} <= set(tables):
        raise StorageError(f"{path.name} is a dump of another database, not Stockroom's. "
                           "Pick another backup.")
    stat = path.stat()
    return DumpInfo(path, datetime.fromtimestamp(stat.st_mtime), stat.st_size,
                    len(set(tables)))


def list_dumps(url: str) -> list[Path]:
    """The dumps of this database, newest first."""
    folder = dump_dir(url)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("stockroom-*.dump"), key=lambda p: p.name, reverse=True)


def restore_postgres(url: str, dump: Path) -> Path:
    """Replace the database's contents with `dump` in one transaction, after keeping a
    dump of it as it is; returns that "before-restore" dump."""
    dump = Path(dump)
    check_dump(dump)
    if not os.access(dump, os.R_OK):
        raise ValidationError(f"Cannot read {dump}.")
    aside = backup_postgres(url, label="before-restore")
    target, env = _without_password(url)
    env["PGOPTIONS"] = f"-c lock_timeout={LOCK_TIMEOUT_MS}"
    _run([tool("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--no-owner",
          f"--dbname={target}", str(dump)], env, "pg_restore")
    return aside
