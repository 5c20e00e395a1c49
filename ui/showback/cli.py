"""`python main.py showback --month YYYY-MM [--basis cost|price] [--cost-centre CC]
[--format table|csv|xlsx|pdf] [-o FILE]`: one line per cost centre, or every item behind
one; pdf writes the statements (one page per cost centre), rendered with Qt offscreen."""

from __future__ import annotations

import argparse
import sys

FORMATS = ("table", "csv", "xlsx", "pdf")


def _month(text: str):
    from inventory.costing.calendar import Month
    from inventory.errors import ValidationError

    try:
        return Month.parse(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _show(args: argparse.Namespace) -> int:
    from inventory.cli import session
    from inventory.costing import report, showback
    from inventory.costing.charges import KINDS
    from inventory.costing.cli import print_table, write_or_print
    from inventory.errors import ValidationError
    from inventory.roles import require

    db, op = session(args)
    require(op.role, "view")
    fmt = args.format
    if fmt in ("csv", "xlsx", "pdf") and not args.output:
        raise ValidationError(f"Give the file to write with -o FILE (--format {fmt}).")
    sb = showback.showback(db, args.month, args.basis, cost_centre=args.cost_centre)
    if args.cost_centre and not sb.lines:
        known = showback.cost_centres(db)
        raise ValidationError(f"No cost centre '{args.cost_centre}' has charges or a budget in "
                              f"{args.month}. Cost centres: {', '.join(known[:12])}.")
    if fmt == "pdf":
        from .statements import write_statements

        out = write_statements(db, sb, args.output)
        print(f"wrote statements for {len(sb.lines)} cost centres to {out}")
        return 0
    if args.cost_centre:
        everything = showback.items(db, args.month, args.cost_centre, args.basis)
        if fmt != "table" or args.output:
            headers, rows = report.flat_items(everything)
            write_or_print(args, headers, rows)
            return 0
        print(f"{args.cost_centre}, {args.month.label()} ({args.basis} basis)")
        print_table(report.line_headers(sb), report.line_rows(sb, with_total=False))
        for kind in KINDS:
            headers, rows = report.item_rows(kind, everything[kind])
            if rows:
                print(f"\n{report.KIND_LABELS[kind]} ({len(rows)})")
                print_table(headers, rows)
        return 0
    if fmt == "table" and not args.output:
        print(f"Showback {args.month.label()} ({args.basis} basis)")
    write_or_print(args, report.line_headers(sb), report.line_rows(sb))
    if fmt == "table" and not args.output:
        print(f"total cost of the month: {report.cents(sb.total):,}", file=sys.stderr)
    return 0


def cmd_showback(args: argparse.Namespace) -> int:
    from inventory.cli import command

    return command(_show)(args)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "showback", help="what each cost centre cost in a month (devices, licenses, spares, "
                         "repairs, cloud), against its budget",
        description="One line per cost centre; the lines add up to the month's total cost. "
                    "With --cost-centre, every item behind the figure.")
    p.add_argument("--month", type=_month, required=True, metavar="YYYY-MM")
    p.add_argument("--basis", choices=("cost", "price"), default="cost",
                   help="price: the rate card where a rate is set, cost elsewhere")
    p.add_argument("--cost-centre", metavar="CC", help="every item behind one cost centre")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="pdf: the statements, one page per cost centre")
    p.add_argument("-o", "--output", metavar="FILE")
    p.set_defaults(func=cmd_showback)
