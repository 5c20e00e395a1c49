"""Commands of the service desk's shop: catalog, request, kit, booking, joiner, leaver.
Each write is a command through the operations layer; each prints one line per item."""

from __future__ import annotations

import argparse

from . import clock, operations
from .cli import command, parse_date, session
from .errors import ValidationError
from .shop_commands import (
    AddJoiner,
    AddToLoanPool,
    ApproveRequest,
    BookLoan,
    CancelBooking,
    CancelRequest,
    CreateCatalogItem,
    CreateRequest,
    IssueKit,
    MarkLeft,
    RecordDigest,
    RejectRequest,
    RequestJoinerKits,
    ReserveRequest,
    SaveMailSettings,
    SetJoinerLeadDays,
    SetLeavingDate,
)


def _line(text: str) -> tuple[int, tuple[str, ...]]:
    """A kit line "2:USB-C dock" or "1:ThinkPad T14|Latitude 7440" (quantity optional)."""
    qty, _, rest = text.partition(":")
    if not rest:
        qty, rest = "1", text
    try:
        n = int(qty)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a kit line; write QTY:PRODUCT[|ALTERNATIVE...]") from None
    options = tuple(o.strip() for o in rest.split("|") if o.strip())
    return n, options


def _spare(text: str) -> tuple[str, int]:
    product, _, qty = text.rpartition(":")
    if not product:
        return text, 1
    try:
        return product, int(qty)
    except ValueError:
        return text, 1


def _print_request(v) -> None:
    print(v.describe())
    for s in v.shortages:
        print(f"  not reserved yet: {s}")


@command
def cmd_catalog(args: argparse.Namespace) -> int:
    from .services import shop

    db, op = session(args)
    if args.action == "list":
        for it in shop.list_items():
            price = f", {it.price:,.2f}" if it.price is not None else ""
            auto = ", auto-approved" if it.auto_approve else ""
            print(f"{it.code}\t{it.name}\t{it.kind}\tfor {it.who_may}{price}{auto}")
            for ln in it.lines if it.kind == "kit" else ():
                print(f"\t{ln.describe()}")
        return 0
    if not args.name:
        raise ValidationError("Name the item: catalog add NAME --kind KIND ...")
    v = operations.execute(db, op, CreateCatalogItem(
        args.name, args.kind, code=args.code, product=args.product,
        lines=tuple(args.line or ()), description=args.description or "",
        departments=tuple(d for d in (args.departments or "").split(",") if d.strip()),
        price=args.price, auto_approve=args.auto_approve)).view
    print(f"catalogue item {v.code} {v.name} ({v.kind}) added, for {v.who_may}")
    return 0


@command
def cmd_request(args: argparse.Namespace) -> int:
    from .services import requests

    db, op = session(args)
    a = args.action
    if a == "list":
        from .queries.requests import request_rows

        for row in request_rows(state=args.state):
            print(row.line())
        return 0
    if a == "show":
        req = requests.find_request(args.target)
        print(requests.view(req).describe())
        for at, who, before, after, note in requests.history(req.number):
            print(f"  {at:%Y-%m-%d %H:%M} {who}: {before or '—'} → {after}"
                  + (f" ({note})" if note else ""))
        return 0
    if a == "new":
        if not args.target or not args.item:
            raise ValidationError("request new EMPLOYEE_ID ITEM [--qty N] [--needed-by DATE]")
        _print_request(operations.execute(db, op, CreateRequest(
            args.target, args.item, quantity=args.qty, needed_by=args.needed_by,
            note=args.note or "")).view)
        return 0
    if not args.target:
        raise ValidationError(f"Name the request: request {a} REQ-NUMBER")
    cmd = {"approve": lambda: ApproveRequest(args.target, args.note or ""),
           "reserve": lambda: ReserveRequest(args.target),
           "reject": lambda: RejectRequest(args.target, args.note or ""),
           "cancel": lambda: CancelRequest(args.target, args.note or ""),
           "fulfil": lambda: IssueKit(requests.view(requests.find_request(args.target))
                                      .employee_id, request=args.target,
                                      tags=tuple(args.tag or ()),
                                      spares=tuple(args.spare or ()))}[a]()
    view = operations.execute(db, op, cmd).view
    if a == "fulfil":
        print(view.describe())
    else:
        _print_request(view)
    return 0


@command
def cmd_kit(args: argparse.Namespace) -> int:
    db, op = session(args)
    v = operations.execute(db, op, IssueKit(args.employee_id, args.kit,
                                            tags=tuple(args.tag or ()),
                                            spares=tuple(args.spare or ()))).view
    print(v.describe())
    return 0


@command
def cmd_booking(args: argparse.Namespace) -> int:
    db, op = session(args)
    a = args.action
    if a == "list":
        from .queries.bookings import booking_rows

        for b in booking_rows():
            print(b.describe())
        return 0
    if a == "month":
        from .queries.bookings import month_view

        grid = month_view(args.target, args.month or clock.today())
        for line in grid.text_lines():
            print(line)
        return 0
    if a == "pool":
        tag = operations.execute(db, op, AddToLoanPool(args.target)).view
        print(f"{tag} added to the loan pool")
        return 0
    if a == "cancel":
        print(operations.execute(db, op, CancelBooking(args.target)).view.describe())
        return 0
    if not (args.start and args.until and args.target):
        raise ValidationError("booking new EMPLOYEE_ID (--asset TAG | --model PRODUCT) "
                              "--from DATE --until DATE")
    v = operations.execute(db, op, BookLoan(args.target, args.start, args.until,
                                            asset=args.asset, product=args.model,
                                            note=args.note or "")).view
    print(f"booked: {v.describe()}")
    return 0


@command
def cmd_joiner(args: argparse.Namespace) -> int:
    db, op = session(args)
    if args.action == "add":
        if not (args.employee_id and args.starts and args.kit):
            raise ValidationError("joiner add EMPLOYEE_ID --starts DATE --kit KIT")
        print(operations.execute(db, op, AddJoiner(args.employee_id, args.starts, args.kit,
                                                   job_role=args.role or "")).view)
        return 0
    if args.action == "lead-days":
        if args.days is None:
            from .services.people_moves import lead_days

            print(f"joiners' kits are requested {lead_days(db)} days before the start")
            return 0
        days = operations.execute(db, op, SetJoinerLeadDays(args.days)).view
        print(f"joiners' kits are now requested {days} days before the start")
        return 0
    made = operations.execute(db, op, RequestJoinerKits(args.days)).view
    for v in made:
        _print_request(v)
    print(f"{len(made)} joiner request{'s' if len(made) != 1 else ''} made")
    return 0


@command
def cmd_leaver(args: argparse.Namespace) -> int:
    from .services import people_moves

    db, op = session(args)
    if args.leaves_on:
        print(operations.execute(db, op, SetLeavingDate(args.employee_id, args.leaves_on)).view)
    if args.mark_left:
        operations.execute(db, op, MarkLeft(args.employee_id))
    rl = people_moves.return_list(args.employee_id)
    for line in rl.lines():
        print(line)
    if args.export:
        from .exchange.export import write_rows

        out = write_rows(args.export, ["Employee id", "Name", "Leaves on", "Kind", "Item",
                                       "Quantity"],
                         [[rl.employee_id, rl.person, rl.leaves_on, it.kind, it.code,
                           it.quantity] for it in rl.items])
        print(f"return list written to {out}")
    return 0


def _read_password() -> str:
    import getpass
    import sys

    if sys.stdin.isatty():
        secret = getpass.getpass("SMTP password: ")
    else:
        secret = sys.stdin.readline().rstrip("\r\n")
    if not secret:
        raise ValidationError("No password given; nothing was stored.")
    return secret


@command
def cmd_notify(args: argparse.Namespace) -> int:
    from . import mail, notify
    from .roles import allowed

    db, op = session(args)
    if args.action == "config":
        recipients = tuple((d, v) for d, v in (("buyers", args.to_buyers),
                                               ("managers", args.to_managers),
                                               ("service_desk", args.to_service_desk))
                           if v is not None)
        s = operations.execute(db, op, SaveMailSettings(
            host=args.host, port=args.port, user=args.smtp_user, sender=args.sender,
            starttls=False if args.no_starttls else (True if args.starttls else None),
            recipients=recipients)).view
        tls = "STARTTLS" if s.starttls else "no STARTTLS"
        print(f"mail: {s.user or '(no login)'} at {s.host}:{s.port}, {tls}, from "
              f"{s.sender or s.user}")
        for digest, to in s.recipients:
            print(f"  {digest}: {', '.join(to) or '(nobody)'}")
        return 0
    settings = mail.load(db)
    if args.action == "password":
        from .roles import require

        require(op.role, "admin")
        mail.set_password(settings, _read_password())
        print(f"password for {settings.account} stored in the OS keyring")
        return 0
    today = clock.today()
    if allowed(op.role, "request") and not args.dry_run:
        made = operations.execute(db, op, RequestJoinerKits()).view
        if made:
            print(f"joiners: {len(made)} kit request{'s' if len(made) != 1 else ''} made")
    digests = tuple(args.only) if args.only else tuple(notify.DIGESTS)
    found = notify.collect(db, today, digests)
    for digest, items in found.items():
        new = notify.new_items(digest, items)
        to = settings.to(digest)
        if args.dry_run:
            print(f"{digest}: {len(new)} new of {len(items)}")
            for it in new:
                print(f"  {it.text}")
            continue
        if new and not to:
            print(f"{digest}: {len(new)} new, not sent: nobody is set to receive it "
                  f"(notify config --to-{digest.replace('_', '-')} ADDRESS)")
            continue
        if new:
            subject, body = notify.message(digest, new, today)
            mail.send(settings, to, subject, body)
        operations.execute(db, op, RecordDigest(digest, tuple(it.key for it in new),
                                                tuple(it.key for it in items)))
        print(f"{digest}: {len(new)} new" + (f", sent to {', '.join(to)}" if new else
                                              ", nothing sent"))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("catalog", help="the service desk's catalogue: items and kits",
                              description="catalog list | catalog add NAME --kind "
                              "product|license|kit [--product P] [--line QTY:P|ALT ...]")
    p.add_argument("action", choices=("list", "add"))
    p.add_argument("name", nargs="?")
    p.add_argument("--kind", choices=("product", "license", "kit"), default="kit")
    p.add_argument("--code", help="the code printed on the kit label (default: KIT-NNNN)")
    p.add_argument("--product", help="the product or license (kind product / license)")
    p.add_argument("--line", type=_line, action="append", metavar="QTY:PRODUCT[|ALT]",
                   help="a kit line; alternatives separated by |")
    p.add_argument("--description")
    p.add_argument("--departments", help="who may request it, comma-separated (default: all)")
    p.add_argument("--price")
    p.add_argument("--auto-approve", action="store_true",
                   help="requests need no manager's approval")
    p.set_defaults(func=cmd_catalog)

    p = subparsers.add_parser(
        "request", help="requests: new, list, show, approve, reject, reserve, fulfil, cancel",
        description="request new EMPLOYEE_ID ITEM | list [--state S] | show REQ | approve "
        "REQ | reject REQ --note WHY | reserve REQ | fulfil REQ [--tag T] | cancel REQ")
    p.add_argument("action", choices=("new", "list", "show", "approve", "reject", "reserve",
                                       "fulfil", "cancel"))
    p.add_argument("target", nargs="?", help="the employee id (new) or the request number")
    p.add_argument("item", nargs="?", help="the catalogue item's code or name (new)")
    p.add_argument("--qty", type=int, default=1)
    p.add_argument("--needed-by", type=parse_date, metavar="DATE")
    p.add_argument("--note", help="a note (new, approve); the reason (reject, cancel)")
    p.add_argument("--state", help="list only this state")
    p.add_argument("--tag", action="append", help="fulfil: a device handed out instead of "
                   "the reserved one")
    p.add_argument("--spare", type=_spare, action="append", metavar="PRODUCT:QTY")
    p.set_defaults(func=cmd_request)

    p = subparsers.add_parser("kit", help="issue a kit to a person in one transaction")
    p.add_argument("employee_id")
    p.add_argument("kit", help="the kit's code (its label) or name")
    p.add_argument("--tag", action="append", help="a device of the kit (asset tag or serial)")
    p.add_argument("--spare", type=_spare, action="append", metavar="PRODUCT:QTY")
    p.set_defaults(func=cmd_kit)

    p = subparsers.add_parser(
        "booking", help="loan-pool bookings: new, list, cancel, pool add, month",
        description="booking new EMPLOYEE_ID (--asset TAG | --model PRODUCT) --from DATE "
        "--until DATE | list | cancel BK | pool TAG | month TAG-OR-PRODUCT [--month DATE]")
    p.add_argument("action", choices=("new", "list", "cancel", "pool", "month"))
    p.add_argument("target", nargs="?", help="employee id (new), booking (cancel), tag (pool), "
                   "tag or product (month)")
    p.add_argument("--asset")
    p.add_argument("--model")
    p.add_argument("--from", dest="start", type=parse_date, metavar="DATE")
    p.add_argument("--until", type=parse_date, metavar="DATE")
    p.add_argument("--month", type=parse_date, metavar="DATE", help="any day of the month")
    p.add_argument("--note")
    p.set_defaults(func=cmd_booking)

    p = subparsers.add_parser("joiner", help="joiners: add one; run makes their kit requests; "
                              "lead-days [--days N] shows or sets how far ahead")
    p.add_argument("action", choices=("add", "run", "lead-days"))
    p.add_argument("employee_id", nargs="?")
    p.add_argument("--starts", type=parse_date, metavar="DATE")
    p.add_argument("--kit")
    p.add_argument("--role", help="their job role")
    p.add_argument("--days", type=int, help="request kits this many days ahead (run; "
                   "lead-days sets it for good)")
    p.set_defaults(func=cmd_joiner)

    p = subparsers.add_parser("leaver", help="a leaver's return list (devices, spares, seats)")
    p.add_argument("employee_id")
    p.add_argument("--leaves-on", type=parse_date, metavar="DATE", help="set the leaving date")
    p.add_argument("--mark-left", action="store_true", help="mark them as left now")
    p.add_argument("--export", metavar="FILE", help="write the list to CSV or XLSX")
    p.set_defaults(func=cmd_leaver)

    p = subparsers.add_parser(
        "notify", help="mail the digests (reorder lines, approvals, renewals, loans due)",
        description="notify [--dry-run] [--only DIGEST] sends what is new since the last "
        "digest (for cron or Task Scheduler); notify config --host H --port P --user U "
        "--sender S --to-buyers A,B ...; notify password (stored in the OS keyring)")
    p.add_argument("action", nargs="?", choices=("send", "config", "password"), default="send")
    p.add_argument("--dry-run", action="store_true", help="print what would be sent; send "
                   "and record nothing")
    p.add_argument("--only", action="append", choices=("buyers", "managers", "service_desk"))
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--smtp-user", help="the SMTP login (config)")
    p.add_argument("--sender")
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--no-starttls", action="store_true")
    p.add_argument("--to-buyers", metavar="ADDRESSES")
    p.add_argument("--to-managers", metavar="ADDRESSES")
    p.add_argument("--to-service-desk", metavar="ADDRESSES")
    p.set_defaults(func=cmd_notify)
