"""Live: what another desk wrote reaches this one as the same change notice a local write gives.

PostgreSQL: the unit of work publishes its change set with `pg_notify` in the same
transaction as the write (the server delivers it on commit, never for a rollback); every
running app LISTENs on a connection of its own (`PgListener`). SQLite shared by several
processes on one machine: `SqliteWatcher` asks the file's `PRAGMA data_version` (a counter
in shared memory, no disk read) and, when another connection committed, reads the ledger
rows it appended. Either way the desk gets `RemoteChange`s: the kinds / ids changed, who
did it and the movements, so the window can refresh and say what happened where it
matters. No Qt here: the window runs these on a thread of its own (`ui/live.py`).
"""

from __future__ import annotations

import json
import os
import select
import sqlite3
import threading
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from .changes import ANY_MOVEMENT, KINDS, MOVEMENT_KINDS, Changes
from .db import Handle, is_postgres, unwrap

CHANNEL = "stockroom_changes"
DESK = uuid.uuid4().hex[:12]  # this process: a desk ignores the notices it sent itself
MAX_PAYLOAD = 7_000  # bytes; the server's limit is 8,000
MAX_IDS = 200  # ids per table carried in a notice (more: the kinds alone, pages re-read)


@dataclass(frozen=True)
class RemoteChange:
    """What another desk (or process) committed."""

    changes: Changes
    operator: str = ""  # their operator's name, when known
    movement_ids: tuple[int, ...] = ()
    desk: str = ""


# -- publishing (PostgreSQL) ---------------------------------------------------------------

def payload(changes: Changes, operator: str, movement_ids: Iterable[int]) -> str:
    """The notice as JSON, bounded to what NOTIFY carries."""
    ids = {t: sorted(v)[:MAX_IDS] for t, v in changes.ids.items()}
    body = {"desk": DESK, "op": operator[:100], "kinds": sorted(changes.kinds), "ids": ids,
            "mv": sorted(movement_ids)[-MAX_IDS:]}
    text = json.dumps(body, separators=(",", ":"))
    if len(text.encode()) > MAX_PAYLOAD:
        body["ids"], body["mv"] = {}, []
        text = json.dumps(body, separators=(",", ":"))
    return text


def publish(db: pw.Database, changes: Changes, operator: str,
            movement_ids: Iterable[int]) -> None:
    """Inside the write's transaction: tell every listening desk (PostgreSQL only; the
    notice goes out when the transaction commits)."""
    real = unwrap(db)
    if changes and is_postgres(real):
        real.execute_sql("SELECT pg_notify(%s, %s)",
                         (CHANNEL, payload(changes, operator, movement_ids)))


def parse(text: str) -> RemoteChange | None:
    """A notice from the channel; anything malformed or our own is None (never raises)."""
    try:
        body = json.loads(text[:MAX_PAYLOAD * 2])
        if not isinstance(body, dict) or body.get("desk") == DESK:
            return None
        kinds = frozenset(k for k in body.get("kinds", ()) if k in KINDS)
        ids = {str(t): [int(i) for i in v][:MAX_IDS]
               for t, v in dict(body.get("ids") or {}).items() if isinstance(v, list)}
        mv = tuple(int(i) for i in body.get("mv", ())[:MAX_IDS])
        op = str(body.get("op", ""))[:100]
    except (ValueError, TypeError, AttributeError):
        return None
    if not kinds:
        return None
    return RemoteChange(Changes(kinds, frozenset(), Changes.of(ids=ids).ids), op, mv,
                        str(body.get("desk", ""))[:20])


# -- this process's own commits (for the SQLite watcher) -------------------------------------

_own_lock = threading.Lock()
_own_movements: dict[str, deque[int]] = {}  # per database file
_own_commits: dict[str, int] = {}


def _key(where: str) -> str:
    return os.path.realpath(where) if where else ""


def note_own_commit(db: Any, movement_ids: Iterable[int]) -> None:
    """The unit of work committed in this process on `db` (its watcher must not report
    it; another file's movement ids mean nothing here)."""
    real = unwrap(db)
    if is_postgres(real):
        return
    key = _key(str(real.database))
    with _own_lock:
        _own_movements.setdefault(key, deque(maxlen=10_000)).extend(movement_ids)
        _own_commits[key] = _own_commits.get(key, 0) + 1


def _own(where: str) -> tuple[set[int], int]:
    key = _key(where)
    with _own_lock:
        return set(_own_movements.get(key, ())), _own_commits.get(key, 0)


# -- listening -------------------------------------------------------------------------------

def connect_params(db: pw.Database) -> dict[str, Any]:
    """How the app's own connection reaches the server (the same login)."""
    return dict(db.connect_params, dbname=db.database)


def listen_params(db: Any) -> dict[str, Any] | None:
    """The connection settings to LISTEN with, or None when `db` is not PostgreSQL."""
    real = unwrap(db)
    return connect_params(real) if is_postgres(real) else None


def sqlite_file(url: str) -> str:
    from .dburl import sqlite_path

    return str(sqlite_path(url))


def reconnect(db: Any) -> None:
    """The server is back: prove this thread's connection (one round trip) and open a new
    one if it died meanwhile."""
    from .dberrors import driver_errors

    real = unwrap(db)
    if not is_postgres(real) or real.is_closed():
        return
    try:
        real.execute_sql("SELECT 1")
    except driver_errors():
        try:
            real.close()
        except driver_errors():
            pass
        real.connect()


def reconnect_if_lost(db: Any) -> None:
    """After the server went away, this thread's connection is dead: open a new one
    before the next statement (no round trip when the connection is fine)."""
    real = unwrap(db)
    if not is_postgres(real) or real.is_closed():
        return
    conn = real.connection()
    if getattr(conn, "closed", 0):
        real.close()
        real.connect()


class PgListener:
    """LISTEN on a connection of its own; `wait(timeout)` returns what arrived."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self.conn: Any = None

    def connect(self) -> None:
        import psycopg2

        # keepalives: a server that vanishes without closing the socket is noticed too
        self.conn = psycopg2.connect(**{"connect_timeout": 2, "keepalives": 1,
                                        "keepalives_idle": 2, "keepalives_interval": 1,
                                        "keepalives_count": 2, **self.params})
        self.conn.autocommit = True
        with self.conn.cursor() as cur:
            cur.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> list[RemoteChange]:
        """Block up to `timeout` seconds for notices; a lost server raises a driver error."""
        if self.conn is None:
            self.connect()
        readable, _, _ = select.select([self.conn], [], [], timeout)
        if readable:
            self.conn.poll()
        elif self.conn.closed:
            raise ConnectionError("the listening connection closed")
        out = []
        while self.conn.notifies:
            found = parse(self.conn.notifies.pop(0).payload)
            if found is not None:
                out.append(found)
        return out

    def ping(self) -> None:
        """Prove the server is still there (raises a driver error if not)."""
        if self.conn is None:
            self.connect()
        with self.conn.cursor() as cur:
            cur.execute("SELECT 1")

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None


@dataclass
class SqliteWatcher:
    """Notices commits by other connections to the file through `PRAGMA data_version`."""

    path: str
    conn: sqlite3.Connection | None = None
    version: int = -1
    last_movement: int = 0
    own_commits: int = 0
    names: dict[int, str] = field(default_factory=dict)

    def connect(self) -> None:
        self.conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
        self.version = self._data_version()
        row = self.conn.execute("SELECT MAX(id) FROM movement").fetchone()
        self.last_movement = (row[0] if row else 0) or 0
        self.own_commits = _own(self.path)[1]

    def _data_version(self) -> int:
        assert self.conn is not None
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def check(self) -> list[RemoteChange]:
        """What other processes committed since the last call (cheap when nothing did)."""
        if self.conn is None:
            self.connect()
            return []
        version = self._data_version()
        if version == self.version:
            return []
        self.version = version
        own_ids, own_commits = _own(self.path)
        ours_meanwhile = own_commits != self.own_commits
        self.own_commits = own_commits
        self.conn.execute("BEGIN")
        try:
            rows = self.conn.execute(
                "SELECT m.id, m.kind, m.product_id, m.asset_id, m.license_id, m.operator_id "
                "FROM movement m WHERE m.id > ? ORDER BY m.id LIMIT 5000",
                (self.last_movement,)).fetchall()
        finally:
            self.conn.execute("COMMIT")
        if rows:
            self.last_movement = rows[-1][0]
        theirs = [r for r in rows if r[0] not in own_ids]
        if theirs:
            return [self._from_movements(theirs)]
        if ours_meanwhile:
            return []  # our own write (our window has had its notice already)
        return [RemoteChange(Changes.everything())]  # an edit elsewhere: read everything

    def _from_movements(self, rows: list[tuple]) -> RemoteChange:
        parts = []
        ids: dict[str, set[int]] = {"movement": set()}
        for mid, kind, product, asset, lic, _op in rows:
            ids["movement"].add(mid)
            for table, value in (("product", product), ("asset", asset), ("license", lic)):
                if value is not None:
                    ids.setdefault(table, set()).add(value)
            parts.append(Changes.of("movements", *MOVEMENT_KINDS.get(kind, ANY_MOVEMENT)))
        changes = Changes().merge(*parts, Changes.of(ids=ids))
        operator = self._operator(rows[-1][5])
        return RemoteChange(changes, operator, tuple(r[0] for r in rows))

    def _operator(self, op_id: int) -> str:
        if op_id not in self.names:
            assert self.conn is not None
            row = self.conn.execute("SELECT name, username FROM operator WHERE id = ?",
                                    (op_id,)).fetchone()
            self.names[op_id] = (row[0] or row[1]) if row else ""
        return self.names[op_id]

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# -- saying what happened ------------------------------------------------------------------

VERBS = {"check_out": "checked out", "check_in": "checked in", "receive": "received",
         "issue": "issued", "transfer": "transferred", "ship": "shipped", "arrive": "received",
         "count": "counted", "adjust": "adjusted", "retire": "retired", "dispose": "disposed of",
         "lost": "marked lost", "license_assign": "assigned a seat of",
         "license_release": "released a seat of", "return": "took back", "consume": "used"}


def describe(db: Handle, remote: RemoteChange) -> str:
    """"Sam Lee at another desk: checked out IT-000123 (Laptop 14)" (read on the worker)."""
    from . import models as m

    who = remote.operator or "Another desk"
    if not remote.movement_ids:
        return f"{who} changed records at another desk: this view was read again."
    ids = list(remote.movement_ids)[-20:]
    rows = (m.Movement.select(m.Movement.kind, m.Asset.tag, m.Product.name,
                              m.Movement.quantity, m.Operator.name)
            .join(m.Product, on=(m.Movement.product == m.Product.id))
            .switch(m.Movement).join(m.Asset, pw.JOIN.LEFT_OUTER,
                                     on=(m.Movement.asset == m.Asset.id))
            .switch(m.Movement).join(m.Operator, on=(m.Movement.operator == m.Operator.id))
            .where(m.Movement.id.in_(ids)).order_by(m.Movement.id).tuples())
    with unwrap(db).atomic():
        rows = list(rows)
    said = []
    for kind, tag, product, qty, op_name in rows:
        who = op_name or who
        thing = f"{tag} ({product})" if tag else f"{qty} × {product}"
        said.append(f"{VERBS.get(kind, kind.replace('_', ' '))} {thing}")
    if not said:
        return f"{who} changed records at another desk: this view was read again."
    more = len(remote.movement_ids) - len(said[:3])
    text = "; ".join(said[:3]) + (f" and {more} more" if more > 0 else "")
    return f"{who} at another desk: {text}."
