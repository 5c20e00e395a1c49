"""A throwaway PostgreSQL server for the test session (initdb + pg_ctl in a temp dir).

Set STOCKROOM_TEST_PG=postgresql://... to use an existing server instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} not found: install the postgresql package (.ci/run does)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, durable: bool = False, password: str | None = None) -> None:
        self.durable = durable  # tests trade durability for speed; benchmarks do not
        # With a password, TCP logins are checked with SCRAM-SHA-256 (team-mode tests);
        # without, the server trusts every local connection.
        self.password = password
        self.dir = Path(tempfile.mkdtemp(prefix="stockroom-pg-"))
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.user = "postgres" if self.as_root else os.environ.get("USER", "postgres")

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> str:
        data = self.dir / "data"
        if self.as_root:
            shutil.chown(self.dir, "postgres")
        auth = ["-A", "trust"]
        if self.password is not None:
            pwfile = self.dir / "pw"
            pwfile.write_text(self.password + "\n")
            if self.as_root:
                shutil.chown(pwfile, "postgres")
            auth = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
        self._run(_bin("initdb"), "-D", str(data), *auth, "-U", self.user,
                  "--no-sync", "-E", "UTF8")
        if self.as_root:
            shutil.chown(data, "postgres")
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=50"
        if not self.durable:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._opts = opts
        self.resume()
        return self.url("postgres")

    def url(self, database: str) -> str:
        auth = self.user + (f":{self.password}" if self.password is not None else "")
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user,
                                password=self.password, dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()
        return self.url(name)

    def pause(self) -> None:
        """Stop the server, keeping its data (a server outage in a test)."""
        self._run(_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start it (again) on the same port with the same data."""
        self._run(_bin("pg_ctl"), "-D", str(self.dir / "data"), "-o", self._opts, "-l",
                  str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        time.sleep(0.1)
        shutil.rmtree(self.dir, ignore_errors=True)
