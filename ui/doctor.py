"""`stockroom doctor`: everything a desk needs, checked, with what to do about each problem.

The checks live next to what they check (Qt in ui/qt_health.py, the database in
inventory/health.py, scanners in scanners/health.py); this module runs them with this
desk's settings and writes the report that the command prints and Help › Check this desk
shows. Exit status 1 when something required is missing (a FAIL), else 0.
"""

from __future__ import annotations

import argparse
import platform
import sys
import textwrap
from typing import NamedTuple

OK, INFO, WARN, FAIL, SKIP = "ok", "info", "warn", "fail", "skip"
WRAP = 100  # report width in characters


class Finding(NamedTuple):
    check: str
    level: str  # OK, INFO, WARN, FAIL, SKIP
    found: str
    fix: str  # what to do; empty when there is nothing to do


def collect(url: str, settings) -> list[Finding]:
    """Run every check for the database at `url` with this desk's `settings`."""
    from inventory.health import check_database
    from scanners.health import check_cameras, check_serial, check_wedge, check_zbar

    from . import qt_health
    from .app import wedge_settings

    rows = [qt_health.check_platform(), qt_health.check_modules(), qt_health.check_display()]
    rows += check_database(url)
    rows.append(check_zbar())
    rows.append(check_cameras(settings.camera_index() if settings.camera_enabled() else None))
    rows.append(check_serial(settings.serial_port(), settings.serial_baudrate()))
    rows.append(check_wedge(wedge_settings(settings), settings.wedge_enabled()))
    # Mail: Stockroom has no SMTP settings yet; when it does, their check belongs here.
    return [Finding(*row) for row in rows]


def failed(findings: list[Finding]) -> bool:
    return any(f.level == FAIL for f in findings)


def where_things_are(url: str, settings) -> list[tuple[str, str]]:
    """The files this desk uses: database, settings, log, backups."""
    from inventory.backup import backup_dir
    from inventory.dburl import describe, is_postgres, sqlite_path

    from .app import log_path

    rows = [("Database", describe(url)), ("Settings", settings.location()),
            ("Log", str(log_path()))]
    if not is_postgres(url):
        rows.append(("Backups", str(backup_dir(sqlite_path(url)))))
    return rows


def heading() -> str:
    from inventory.version import version_text

    return (f"{version_text()} on {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def report_text(findings: list[Finding], places: list[tuple[str, str]]) -> str:
    """The report as plain text: one line per check, the fix indented under a problem."""
    width = max(len(f.check) for f in findings)
    indent = " " * (width + 10)
    lines = [heading(), ""]
    for f in findings:
        mark = f.level.upper() if f.level in (WARN, FAIL) else f.level
        lines += textwrap.wrap(f.found, WRAP, initial_indent=f"  {mark:<5} {f.check:<{width}}  ",
                               subsequent_indent=indent)
        if f.fix and f.level in (WARN, FAIL, INFO):
            lines += textwrap.wrap(f.fix, WRAP, initial_indent=indent[:-2] + "→ ",
                                   subsequent_indent=indent)
    lines.append("")
    lines += [f"  {name + ':':<10} {value}" for name, value in places]
    lines.append("")
    lines.append(summary(findings))
    return "\n".join(lines) + "\n"


def summary(findings: list[Finding]) -> str:
    fails = sum(f.level == FAIL for f in findings)
    warns = sum(f.level == WARN for f in findings)
    warnings = f"{warns} warning{'s' if warns > 1 else ''}"
    if fails:
        also = f", and {warnings}" if warns else ""
        return (f"{fails} problem{'s' if fails > 1 else ''} to fix before this desk can work "
                f"(FAIL above){also}.")
    if warns:
        return f"This desk can work; {warnings} above."
    return "Everything this desk needs is in place."


def cmd_doctor(args: argparse.Namespace) -> int:
    from .app import database_url
    from .settings import Settings

    settings = Settings()
    url = database_url(args, settings)
    findings = collect(url, settings)
    sys.stdout.write(report_text(findings, where_things_are(url, settings)))
    return 1 if failed(findings) else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("doctor", help="check what this desk needs (Qt, database, "
                              "scanners) and say what to do about each problem")
    p.set_defaults(func=cmd_doctor)
