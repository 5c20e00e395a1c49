"""Command-line entry points: reorder (the list, approve), po (place, export), licenses,
backtest (the policy replayed on the ledger), targets (service targets)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import operations
from ..cli import command, parse_date, session
from ..commands import ApproveReorder, CancelOrder, PlaceOrder, SaveServiceTargets
from ..errors import ValidationError
from ..progress import ProgressLine


def _table(rows: list[list[object]], header: list[str]) -> str:
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


class ProgressBar(ProgressLine):
    """A bar on stderr, redrawn in place on a terminal (a few plain lines otherwise)."""

    WIDTH = 30

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.due(done >= total, 0.1, 5.0):
            return
        share = done / total if total else 1.0
        fill = int(round(share * self.WIDTH))
        self.show(f"backtest [{'#' * fill}{'.' * (self.WIDTH - fill)}] {share:4.0%} {stage}", 70)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def backtest_text(report) -> str:
    """The backtest as a table a manager reads, with the period and what it means."""
    rows = [[r.rule, r.group, r.rows, _pct(r.target), _pct(r.csl), _pct(r.fill_rate),
             f"{r.stock_value:,.0f}", r.orders, r.stockout_days] for r in report.results]
    target = ("each product's own target" if report.service_level is None
              else f"target {report.service_level:.1%}")
    where = f" at {report.location}" if report.location else ""
    head = (f"Backtest {report.start:%Y-%m-%d} to {report.end:%Y-%m-%d} ({report.months} "
            f"months){where}, {report.rows} items × locations, {target}")
    if not rows:
        return head + "\nNo demand in this period: nothing to replay."
    foot = ("CSL: share of deliveries before which nothing was owed; fill rate: demand "
            "served from stock on the day;\nstock value: mean on hand at cost; baseline: the "
            "products' min/max, else 1 month of usage as min and 2 as max.")
    return "\n".join([head, "", _table(rows, list(report.HEADER)), "", foot])


@command
def cmd_backtest(args: argparse.Namespace) -> int:
    from ..exchange.export import write_csv_stream, write_xlsx
    from .backtest import run_backtest
    from .targets import parse_level

    level = parse_level(args.service_level) if args.service_level is not None else None
    if args.format == "xlsx" and not args.output:
        raise ValidationError("An XLSX file needs a name: add -o FILE.xlsx.")
    db, _ = session(args)
    bar = ProgressBar()
    try:
        report = run_backtest(db, today=args.today, months=args.months, service_level=level,
                              location=args.location, progress=bar)
    finally:
        bar.end()
    if args.format == "table":
        text = backtest_text(report) + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            print(f"written {args.output}")
        else:
            sys.stdout.write(text)
        return 0
    header, rows = list(report.HEADER), report.table_rows()
    if args.format == "xlsx":
        write_xlsx(Path(args.output), header, rows, sheet="Backtest")
        print(f"written {args.output}")
    elif args.output:
        with open(args.output, "w", encoding="utf-8-sig", newline="") as f:
            write_csv_stream(f, header, rows)
        print(f"written {args.output}")
    else:
        write_csv_stream(sys.stdout, header, rows)
    return 0


@command
def cmd_targets(args: argparse.Namespace) -> int:
    from ..errors import NotFound
    from .targets import ABC, CATEGORY, list_targets, parse_level

    db, op = session(args)
    scope, key = args.scope, args.key
    if args.action == "list":
        targets = list_targets(db)
        for t in targets:
            print(f"{t.label}\t{t.service_level:.1%}")
        if not targets:
            print("no service targets: every product uses its own or the default target")
        return 0
    if scope not in (CATEGORY, ABC) or not key:
        raise ValidationError("Say which target: 'category NAME' or 'abc A|B|C', e.g. "
                              "'targets set abc A 98'.")
    if args.action == "set":
        if args.level is None:
            raise ValidationError("Give the service level, e.g. 'targets set abc A 98'.")
        level = parse_level(args.level)
    else:
        level = None
        if not any(t.scope == scope and t.key.lower() == key.strip().lower()
                   for t in list_targets(db)):
            raise NotFound(f"There is no target for {scope} '{key}'.")
    targets = operations.execute(db, op, SaveServiceTargets(((scope, key, level),))).view
    if level is None:
        print(f"{scope} {key}: target removed")
    else:
        t = next(t for t in targets if t.scope == scope and t.key.lower() == key.strip().lower())
        print(f"{t.label}: target {t.service_level:.1%}")
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

    p = subparsers.add_parser(
        "backtest", help="replay the reorder policy and your min/max on your own ledger")
    p.add_argument("--months", type=int, default=12, help="months to replay (default 12)")
    p.add_argument("--service-level", metavar="LEVEL",
                   help="one target for every item, e.g. 0.95 or 95 (default: each "
                        "product's own target)")
    p.add_argument("--location", metavar="CODE", help="only this stocking location")
    p.add_argument("--format", choices=("table", "csv", "xlsx"), default="table")
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--today", type=parse_date, metavar="DATE",
                   help="replay the months before this date (YYYY-MM-DD; default today)")
    p.set_defaults(func=cmd_backtest)

    p = subparsers.add_parser(
        "targets", help="service targets per category or ABC class",
        description="targets list | targets set category Cables 90 | targets set abc A 98 | "
                    "targets clear category Cables")
    p.add_argument("action", choices=("list", "set", "clear"))
    p.add_argument("scope", nargs="?", help="category, or abc (classes by annual value)")
    p.add_argument("key", nargs="?", help="the category name, or A, B or C")
    p.add_argument("level", nargs="?", help="for set: the service level, e.g. 95 or 0.95")
    p.set_defaults(func=cmd_targets)

    p = subparsers.add_parser("po", help="purchase orders: list drafts, place, cancel, export")
    p.add_argument("action", choices=("list", "place", "cancel", "csv", "pdf"))
    p.add_argument("number", nargs="?")
    p.add_argument("-o", "--output", metavar="FILE")
    p.set_defaults(func=cmd_po)

    p = subparsers.add_parser("licenses", help="renewals due, seats running out, reclaimable")
    p.add_argument("--all", action="store_true", help="every license, not only alerts")
    p.set_defaults(func=cmd_licenses)
