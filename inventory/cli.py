"""Commands that drive the inventory without a display: demo, verify, checkout, checkin,
issue, backup, operator. Each prints one line of result, or one line of error on stderr."""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import peewee as pw

from . import operations
from .backup import MANUAL, backup_sqlite
from .commands import AddOperator, CheckIn, CheckOut, Issue, SetPassword
from .commands_admin import DisableOperator, EnableOperator, SetOperatorRole
from .db import describe, is_postgres, resolve_url, sqlite_path
from .dberrors import driver_errors, translate
from .errors import InventoryError, ValidationError
from .operators import OperatorRef, current_operator, list_operators
from .replenishment.demand_table import rebuild as rebuild_demand
from .roles import ROLE_LABELS, require
from .storage import open_store

log = logging.getLogger(__name__)
PASSWORD_ENV = "STOCKROOM_PASSWORD"


def session(args: argparse.Namespace) -> tuple[pw.Database, OperatorRef]:
    """Open the database named on the command line and sign the operator in.

    PostgreSQL with --user: first as that operator's own database login (team mode);
    a database without team roles takes the URL's login and the app's password check."""
    url = resolve_url(getattr(args, "database", None))
    user = getattr(args, "user", None)
    password = os.environ.get(PASSWORD_ENV)
    if user and is_postgres(url):
        from .dburl import with_login
        from .errors import StorageError
        from .operators import login_operator
        from .pgroles import is_team

        try:
            db = open_store(with_login(url, user, password))
        except StorageError:
            pass  # no such login: a database without team roles
        else:
            if is_team(db):
                return db, login_operator(db)
            db.close()
    db = open_store(url)
    op = current_operator(db, user, password)
    return db, op


def command(fn: Callable[[argparse.Namespace], int | None]) -> Callable[..., int]:
    """Run a handler; a rule violation or storage problem becomes one line on stderr."""

    @functools.wraps(fn)
    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args) or 0
        except InventoryError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except driver_errors() as exc:  # every database error, translated once
            print(f"error: {translate(exc)}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("interrupted: nothing half-written was kept", file=sys.stderr)
            return 130

    return run


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD") from None


@command
def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import load_demo

    db, op = session(args)
    print(f"Building the demo department at scale {args.scale}...", file=sys.stderr)
    s = load_demo(db, op, scale=args.scale, seed=args.seed, today=args.today)
    print(f"demo loaded: {s.people} people, {s.products} products, {s.assets} assets, "
          f"{s.movements} movements, {s.licenses} licenses, {s.orders} purchase orders; "
          f"history up to {s.today:%Y-%m-%d}")
    return 0


@command
def cmd_verify(args: argparse.Namespace) -> int:
    from .services.verify import verify

    db = open_store(args.database)
    report = verify(db)
    if report.demand_differences and args.rebuild_demand:
        rows = rebuild_demand(db)
        print(f"demand table rebuilt from the ledger: {rows} rows")
        report = verify(db)
    for line in report.lines():
        print(line)
    if report.demand_differences:
        print("the reorder list's demand table disagrees with the ledger: run "
              "`verify --rebuild-demand` to recompute it from the ledger")
    state = "ok" if report.ok else "DIFFERENCES FOUND"
    rules = sum(int(p.split()[2]) if p.startswith("…") else 1 for p in report.rule_problems)
    values = (f", {len(report.value_problems)} values beyond the limits"
              if report.value_problems else "")
    if report.chain_problems or report.guards_restored:
        values += (f", {len(report.chain_problems)} breaks in the ledger's hash chain, "
                   f"{len(report.guards_restored)} ledger guards put back")
    print(f"verify {state}: {report.movements} movements, {report.stock_rows} stock levels, "
          f"{report.assets} assets, {len(report.stock_differences)} stock and "
          f"{len(report.asset_differences)} asset differences, {rules} rule problems{values}; "
          f"ledger chain head {report.chain_head[:16]}")
    return 0 if report.ok else 2


@command
def cmd_checkout(args: argparse.Namespace) -> int:
    if (args.to is None) == (args.to_location is None):
        raise ValidationError("Check out to a person (--to EMPLOYEE_ID) or to a place "
                              "(--to-location CODE), one of them.")
    db, op = session(args)
    result = operations.execute_all(db, op, [
        CheckOut(tag, person=args.to, location=args.to_location, due=args.due,
                 reference=args.ref)
        for tag in args.asset_tag])  # several tags: all of them, or none
    for v in result.view:
        due = f", due {v.due_date:%Y-%m-%d}" if v.due_date else ""
        who = f"{v.holder} ({v.holder_employee_id})" if v.holder else v.location
        print(f"checked out {v.tag} ({v.product}) to {who}{due}")
    return 0


@command
def cmd_checkin(args: argparse.Namespace) -> int:
    db, op = session(args)
    result = operations.execute_all(db, op, [
        CheckIn(tag, location=args.to, damaged=args.damaged, reference=args.ref)
        for tag in args.asset_tag])
    for v in result.view:
        print(f"checked in {v.tag} ({v.product}): {v.status.replace('_', ' ')} at "
              f"{v.location}")
    return 0


@command
def cmd_issue(args: argparse.Namespace) -> int:
    db, op = session(args)
    v = operations.execute(db, op, Issue(args.product, args.qty, person=args.to,
                                         location=args.from_location, reference=args.ref)).view
    print(f"issued {args.qty} × {v.product} from {v.location}; {v.quantity} left there")
    return 0


@command
def cmd_backup(args: argparse.Namespace) -> int:
    url = resolve_url(args.database)
    if is_postgres(url):
        from .pgbackup import backup_postgres, tool

        tool("pg_dump")  # a missing tool is said before anyone is asked to sign in
        db, op = session(args)
        require(op.role, "admin")
        db.close()
        out = backup_postgres(url, Path(args.output) if args.output else None)
        print(f"backup written to {out} (pg_dump, custom format)")
        return 0
    db, op = session(args)  # migrated first, so the copy is of a current schema
    require(op.role, "backup")
    db.close()
    dest = Path(args.output) if args.output else None
    if dest is not None and dest.exists() and dest.resolve() == sqlite_path(url).resolve():
        raise ValidationError("That is the database itself. Give another file name.")
    try:
        # A backup a person asks for is theirs: it is never pruned.
        out = backup_sqlite(sqlite_path(url), dest, label=MANUAL)
    except OSError as exc:
        from .exchange.export import cannot_write

        raise cannot_write(dest or sqlite_path(url), exc) from exc
    print(f"backup written to {out}")
    return 0


@command
def cmd_migrate(args: argparse.Namespace) -> int:
    from .migrate import CopyProgress, copy_to_postgres

    source = resolve_url(args.database)
    if is_postgres(source):
        raise ValidationError("migrate copies a SQLite database: give its file with "
                              "--database FILE (this one is already on PostgreSQL).")
    if not is_postgres(args.target):
        raise ValidationError("Give the PostgreSQL database to copy into as "
                              "postgresql://owner@host/database.")
    db, op = session(args)
    require(op.role, "admin")
    assert isinstance(db, pw.SqliteDatabase)
    report = copy_to_postgres(db, args.target, progress=CopyProgress,
                              check=not args.no_verify)
    proof = ("verify says the same on both" if report.verify_target is not None
             else "verify not run (--no-verify)")
    print(f"migrated {report.total:,} rows in {len(report.rows)} tables to "
          f"{describe(args.target)} in {report.seconds:.1f} s: row counts equal, ledger "
          f"chain head {report.chain_head[:16] or '(empty ledger)'} on both, {proof}")
    return 0


@command
def cmd_admin(args: argparse.Namespace) -> int:
    from . import models as m
    from . import pgroles
    from .operators import check_new_password, check_username

    url = resolve_url(args.database)
    if not is_postgres(url):
        raise ValidationError("admin setup is for a PostgreSQL database: give it with "
                              "--database postgresql://ADMIN@HOST/DATABASE.")
    db = open_store(url)  # creates or upgrades the schema first
    assert isinstance(db, pw.PostgresqlDatabase)
    if not db.execute_sql("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = "
                          "session_user").fetchone()[0]:
        raise ValidationError("admin setup needs the server's administrator login (a "
                              "superuser, or one with CREATEROLE that owns the database).")
    password = None
    if args.admin:
        check_username(args.admin)
        known = {o.username: o for o in list_operators()}
        if known and args.admin not in known:
            raise ValidationError(f"{args.admin} is not an operator of this database; give "
                                  "one of its admins' names (operator list).")
        if known and known[args.admin].role != "admin":
            raise ValidationError(f"{args.admin} is not an admin; give an admin's name.")
        password = new_password(args.admin)
        check_new_password(password)
    for line in pgroles.setup(db, owners=args.owner or ()):
        print(line)
    if args.admin and not list_operators():
        m.Operator.create(username=args.admin, name=args.admin, role="admin")
    for name, what in pgroles.create_missing_logins(db):
        print(f"operator {name}: {what}")
    if args.admin and password is not None:
        pgroles.set_login(db, args.admin, password, can_login=True)
        print(f"operator {args.admin} can sign in (admin)")
    print("team mode ready: every operator signs in with their own database login")
    return 0


NEW_PASSWORD_ENV = "STOCKROOM_NEW_PASSWORD"


def new_password(for_whom: str) -> str:
    """A new password: $STOCKROOM_NEW_PASSWORD, else typed twice on the terminal."""
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is not None:
        return password
    import getpass

    if not sys.stdin.isatty():
        raise ValidationError(f"Give the new password for {for_whom} in ${NEW_PASSWORD_ENV} "
                              "(no terminal to ask on).")
    first = getpass.getpass(f"New password for {for_whom}: ")
    if getpass.getpass("Type it again: ") != first:
        raise ValidationError("The two passwords differ; nothing was changed.")
    return first


@command
def cmd_operator(args: argparse.Namespace) -> int:
    from . import operators as ops

    db = open_store(getattr(args, "database", None))
    if args.action == "add" and not ops.list_operators() and is_postgres(
            resolve_url(getattr(args, "database", None))):
        # A new shared database: its first admin is whoever holds the database login.
        if args.role != "admin":
            raise ValidationError("The first operator of a PostgreSQL database is its admin: "
                                  "add it with --role admin.")
        new = ops.first_admin(db, args.username or "", new_password(args.username or "it"),
                              name=args.name or "")
        print(f"operator {new.username} added as {ROLE_LABELS[new.role]} (the first admin)")
        return 0
    op = current_operator(db, getattr(args, "user", None), os.environ.get(PASSWORD_ENV))
    if args.action == "list":
        require(op.role, "view")
        for o in list_operators():
            state = "" if ops.is_active(o.username) else "\tdisabled"
            print(f"{o.username}\t{ROLE_LABELS.get(o.role, o.role)}\t{o.name}{state}")
        return 0
    if args.action == "passwd":
        who = args.username or op.username
        operations.execute(db, op, SetPassword(who, new_password(who)))
        print(f"password of {who} changed")
        return 0
    if args.username is None:
        raise ValidationError(f"Name the operator: operator {args.action} NAME.")
    if args.action == "add":
        if args.role_arg:
            raise ValidationError("Give the role with --role ROLE.")
        ops.check_username(args.username)
        new = operations.execute(db, op, AddOperator(
            args.username, args.role, new_password(args.username), args.name or "")).view
        print(f"operator {new.username} added as {ROLE_LABELS[new.role]}")
    elif args.action == "disable":
        gone = operations.execute(db, op, DisableOperator(args.username)).view
        print(f"operator {gone.username} disabled: they can no longer sign in")
    elif args.action == "enable":
        back = operations.execute(db, op, EnableOperator(args.username)).view
        print(f"operator {back.username} enabled: they can sign in again")
    elif args.action == "role":
        role = args.role_arg or (args.role if args.role_given else None)
        if role is None:
            raise ValidationError("Give the new role: operator role NAME ROLE "
                                  f"({', '.join(ROLE_LABELS)}).")
        changed = operations.execute(db, op, SetOperatorRole(args.username, role)).view
        print(f"operator {changed.username} is now {ROLE_LABELS[changed.role]}")
    return 0


class _RoleGiven(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        namespace.role = values
        namespace.role_given = True


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="fill an empty database with a demo IT department")
    p.add_argument("--scale", type=int, default=1, help="multiply its size (50: 100,000 assets)")
    p.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    p.add_argument("--today", type=parse_date, metavar="DATE",
                   help="the day the demo's two years of history end (YYYY-MM-DD; default: "
                        "$STOCKROOM_TODAY, else the real date)")
    p.set_defaults(func=cmd_demo)

    p = subparsers.add_parser("verify", help="recompute stock and assets from the ledger, "
                                             "and audit the rules (seats, leavers, places)")
    p.add_argument("--rebuild-demand", action="store_true",
                   help="recompute the reorder list's demand table from the ledger if it "
                        "disagrees")
    p.set_defaults(func=cmd_verify)

    p = subparsers.add_parser("checkout", help="check assets out to a person or a place")
    p.add_argument("asset_tag", nargs="+",
                   help="asset tags or serial numbers (several: all of them or none)")
    p.add_argument("--to", metavar="EMPLOYEE_ID", help="the person's badge id")
    p.add_argument("--to-location", dest="to_location", metavar="CODE",
                   help="a place instead of a person: a meeting room, a loaner shelf")
    p.add_argument("--due", type=parse_date, metavar="DATE", help="return date (YYYY-MM-DD)")
    p.add_argument("--ref", default="", help="ticket or other reference")
    p.set_defaults(func=cmd_checkout)

    p = subparsers.add_parser("checkin", help="take assets back into stock")
    p.add_argument("asset_tag", nargs="+",
                   help="asset tags or serial numbers (several: all of them or none)")
    p.add_argument("--to", metavar="LOCATION", help="stockroom code (default: where it left)")
    p.add_argument("--damaged", action="store_true", help="send it to repair")
    p.add_argument("--ref", default="", help="ticket or other reference")
    p.set_defaults(func=cmd_checkin)

    p = subparsers.add_parser("issue", help="hand spares to a person")
    p.add_argument("product", help="GTIN, part number or exact product name")
    p.add_argument("--qty", type=int, required=True)
    p.add_argument("--to", required=True, metavar="EMPLOYEE_ID")
    p.add_argument("--from", dest="from_location", metavar="LOCATION",
                   help="stockroom code (default: the one holding most near them)")
    p.add_argument("--ref", default="", help="ticket or other reference")
    p.set_defaults(func=cmd_issue)

    p = subparsers.add_parser("backup", help="copy the database while it is in use (SQLite: "
                                             "a file; PostgreSQL: pg_dump, admin)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write (default: a timestamped file in backups/)")
    p.set_defaults(func=cmd_backup)

    p = subparsers.add_parser(
        "admin", help="PostgreSQL team mode: roles, privileges and logins (server admin)",
        description="admin setup: create the owner and group roles, hand the schema to the "
        "owner, grant each role what the role matrix allows, make the ledger append-only "
        "for everyone and movements carry the signed-in login, and give operators logins. "
        "Run it as the server's administrator; again after an upgrade.")
    p.add_argument("action", choices=("setup",))
    p.add_argument("--admin", metavar="NAME",
                   help="the admin who signs in first (a new database: created; password "
                        "from $STOCKROOM_NEW_PASSWORD or asked)")
    p.add_argument("--owner", action="append", metavar="LOGIN",
                   help="a login that may change the schema (member of stockroom_owner)")
    p.set_defaults(func=cmd_admin)

    p = subparsers.add_parser(
        "migrate", help="copy this SQLite database into an empty PostgreSQL database (admin)",
        description="Copies every table and the whole ledger in one transaction, then "
        "proves the copy (row counts, ledger chain head, verify) before it commits. "
        "The SQLite file is left as it is.")
    p.add_argument("target", metavar="POSTGRESQL_URL",
                   help="postgresql://owner@host/database (an empty database)")
    p.add_argument("--no-verify", action="store_true",
                   help="skip running verify on both (row counts and chain head are still "
                        "compared)")
    p.set_defaults(func=cmd_migrate)

    p = subparsers.add_parser(
        "operator", help="list, add, disable operators; passwords and roles (admin)",
        description="operator list | add NAME [--role ROLE] | passwd [NAME] | disable NAME "
        "| enable NAME | role NAME ROLE. New passwords come from $STOCKROOM_NEW_PASSWORD or "
        "are asked on the terminal.")
    p.add_argument("action", choices=("list", "add", "passwd", "disable", "enable", "role"))
    p.add_argument("username", nargs="?")
    p.add_argument("role_arg", nargs="?", metavar="ROLE",
                   help=f"the new role (operator role NAME ROLE): {', '.join(ROLE_LABELS)}")
    p.add_argument("--role", choices=list(ROLE_LABELS), default="service_desk",
                   action=_RoleGiven)
    p.add_argument("--name", help="full name")
    p.set_defaults(func=cmd_operator, role_given=False)
