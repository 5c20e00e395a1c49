"""Command-line entry points: reorder (the list, approve), po (place, export), licenses."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import operations
from ..cli import command, session
from ..commands import ApproveReorder, CancelOrder, PlaceOrder


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*map(str, r)) for r in rows]
    return "\n".join(out)


TABLE_HEADER = ["product", "location", "action", "from", "qty", "cost", "order by",
                "stock-out", "cover d", "demand/mo", "class", "lead d", "ROP", "position"]


@command
def cmd_reorder(args: argparse.Namespace) -> int:
    from ..services import ordering
    from ..services.verify import absurd_values
    from .engine import BUY, reorder_list

    db, op = session(args)
    lines = reorder_list(db, alerts_only=not args.all, location=args.location,
                         supplier=args.supplier, demand_class=args.demand_class)
    for problem in absurd_values(db):  # left out of demand; `verify` lists them too
        print(f"note: {problem}", file=sys.stderr)
    if args.approve:
        buys = tuple(ln for ln in lines if ln.action == BUY)
        views = operations.execute(db, op, ApproveReorder(buys)).view
        for v in views:
            print(f"draft {v.number}: {v.supplier} → {v.ship_to}, {len(v.lines)} lines, "
                  f"{v.total:,.2f}")
        return 0
    if args.format == "csv":
        sys.stdout.write(ordering.lines_csv(lines))
        return 0
    rows = [[ln.product[:34], ln.location, ln.action, ln.source[:18], ln.quantity,
             f"{ln.cost:,.2f}" if ln.action == BUY else "",
             ln.order_by.isoformat() if ln.order_by else "",
             ln.stockout.isoformat() if ln.stockout else "",
             f"{ln.days_of_cover:.0f}" if ln.days_of_cover is not None else "",
             f"{ln.demand_per_month:.2f}", ln.demand_class, f"{ln.lead_time_days:.1f}",
             f"{ln.reorder_point:.0f}", f"{ln.position:.0f}"] for ln in lines]
    print(_table(rows, TABLE_HEADER))
    alerts = sum(ln.alert for ln in lines)
    print(f"{alerts} lines at or below their reorder point", file=sys.stderr)
    return 0


@command
def cmd_po(args: argparse.Namespace) -> int:
    from ..services import ordering

    db, op = session(args)
    if args.action == "list":
        for v in ordering.draft_orders(db):
            print(f"{v.number}\t{v.supplier}\t{v.ship_to}\t{len(v.lines)} lines\t{v.total:.2f}")
        return 0
    if not args.number:
        print("error: give the order number, e.g. PO-2026-0001", file=sys.stderr)
        return 1
    if args.action == "place":
        v = operations.execute(db, op, PlaceOrder(args.number)).view
        print(f"{v.number} ordered from {v.supplier}; expected {v.expected_at:%Y-%m-%d}")
    elif args.action == "cancel":
        v = operations.execute(db, op, CancelOrder(args.number)).view
        print(f"{v.number} cancelled")
    elif args.action == "csv":
        if args.output:
            from ..exchange.export import write_rows

            write_rows(args.output, ordering.ORDER_HEADER, ordering.order_table(db, args.number))
            print(f"written {args.output}")
        else:
            sys.stdout.write(ordering.order_csv(db, args.number))
    elif args.action == "pdf":
        out = Path(args.output or f"{args.number}.pdf")
        out.write_bytes(ordering.order_pdf(db, args.number))
        print(f"written {out}")
    return 0


@command
def cmd_licenses(args: argparse.Namespace) -> int:
    from .licenses import license_alerts

    db, _ = session(args)
    alerts = license_alerts(db, alerts_only=not args.all)
    for a in alerts:
        print(f"{a.product} ({a.vendor or 'no vendor'})")
        for r in a.reasons():
            print(f"  {r}")
    due = sum(a.renewal_due for a in alerts)
    print(f"{due} license{'' if due == 1 else 's'} due for renewal (from end − notice − "
          f"renewal lead time); {len(alerts)} listed", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this area's commands."""
    p = subparsers.add_parser("reorder", help="what to buy or move, and why (the reorder list)")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.add_argument("--location", metavar="CODE", help="only this stocking location")
    p.add_argument("--supplier", metavar="NAME", help="only lines from this supplier / 3PL")
    p.add_argument("--class", dest="demand_class",
                   choices=("smooth", "erratic", "intermittent", "lumpy", "none"))
    p.add_argument("--all", action="store_true", help="every item, not only alerts")
    p.add_argument("--approve", action="store_true",
                   help="turn the listed buy lines into draft purchase orders")
    p.set_defaults(func=cmd_reorder)

    p = subparsers.add_parser("po", help="purchase orders: list drafts, place, cancel, export")
    p.add_argument("action", choices=("list", "place", "cancel", "csv", "pdf"))
    p.add_argument("number", nargs="?")
    p.add_argument("-o", "--output", metavar="FILE")
    p.set_defaults(func=cmd_po)

    p = subparsers.add_parser("licenses", help="renewals due, seats running out, reclaimable")
    p.add_argument("--all", action="store_true", help="every license, not only alerts")
    p.set_defaults(func=cmd_licenses)
