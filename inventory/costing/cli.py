"""Commands of the cost model: kpi, depreciation, rate, budget, repair, focus.
(`showback` renders PDFs with Qt, so it is registered by ui/showback/cli.py.)"""

from __future__ import annotations

import argparse
import sys

from .. import operations
from ..cli import command, parse_date, session
from ..errors import ValidationError
from ..exchange.export import FORMATS, write_rows
from ..roles import require
from . import commands as cmds
from . import repairs, settings
from .calendar import Month


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def print_table(headers: list[str], rows: list[list], out=None) -> None:
    """Columns padded to their widest cell; numbers right-aligned."""
    out = out or sys.stdout
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(_is_number(r[i]) for r in cells[1:] if r[i]) and len(cells) > 1
               for i in range(len(headers))]
    for r in cells:
        print("  ".join(c.rjust(w) if num else c.ljust(w)
                        for c, w, num in zip(r, widths, numeric, strict=True)).rstrip(),
              file=out)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return False
    return True


def money(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def write_or_print(args: argparse.Namespace, headers: list[str], rows: list[list]) -> None:
    fmt = getattr(args, "format", "table")
    if fmt == "table" and not args.output:
        print_table(headers, rows)
        return
    if not args.output:
        raise ValidationError(f"Give the file to write with -o FILE (--format {fmt}).")
    n = write_rows(args.output, headers, rows, fmt=None if fmt == "table" else fmt)
    print(f"wrote {n} rows to {args.output}")


# -- kpi -----------------------------------------------------------------------------------

@command
def cmd_kpi(args: argparse.Namespace) -> int:
    from . import kpi

    db, op = session(args)
    require(op.role, "view")
    report = kpi.compute(db, args.today or None)
    write_or_print(args, ["KPI", "Scope", "Value", "Unit", "Note"],
                   [list(r) for r in report.rows()])
    return 0


# -- settings ------------------------------------------------------------------------------

@command
def cmd_depreciation(args: argparse.Namespace) -> int:
    db, op = session(args)
    if args.action == "list":
        rows = [[r.scope, r.key, r.life_months, f"{r.residual_pct}%"]
                for r in settings.depreciation_rules(db)]
        print_table(["Scope", "Category or product", "Life (months)", "Residual"], rows)
        return 0
    if not (args.category or args.product):
        raise ValidationError("Name the category (depreciation set laptop --life 36) or the "
                              "product (--product NAME).")
    v = operations.execute(db, op, cmds.SetDepreciation(
        category=None if args.product else args.category, product=args.product,
        life_months=args.life, residual_pct=args.residual,
        remove=args.action == "remove")).view
    if v is None:
        print(f"depreciation rule for {args.product or args.category} removed")
    else:
        print(f"{v.scope} {v.key}: {v.life_months} months, residual {v.residual_pct}%")
    return 0


@command
def cmd_rate(args: argparse.Namespace) -> int:
    db, op = session(args)
    if args.action == "list":
        print_table(["Kind", "For", "Amount", "Unit"],
                    [[r.kind, r.key, f"{r.amount:,.2f}", r.unit] for r in settings.rate_card(db)])
        return 0
    if args.kind is None:
        raise ValidationError("Say what the rate is for: rate set device|license|spares ...")
    amount = None if args.action == "remove" else args.amount
    if args.action == "set" and amount is None:
        raise ValidationError("Give the amount with --amount (a price per month, or a "
                              "mark-up in percent for spares).")
    v = operations.execute(db, op, cmds.SetRate(
        args.kind, product=args.product, category=args.category, license=args.license,
        amount=amount)).view
    print("rate removed" if v is None else f"rate: {v.kind} {v.key} {v.amount:,.2f} {v.unit}")
    return 0


@command
def cmd_license_price(args: argparse.Namespace) -> int:
    db, op = session(args)
    print(operations.execute(db, op, cmds.SetLicensePeriod(args.license, args.per)).view)
    return 0


@command
def cmd_budget(args: argparse.Namespace) -> int:
    db, op = session(args)
    if args.action == "list":
        from .. import clock

        year = args.year or clock.today().year
        rows = [[cc, year, f"{amount:,.2f}"] for cc, amount in settings.budgets(db, year).items()]
        print_table(["Cost centre", "Year", "Budget"], rows)
        return 0
    if not args.cost_centre or args.year is None:
        raise ValidationError("Give the cost centre and the year: budget set CC-100 --year "
                              "2026 --amount 120000.")
    if args.action == "set" and args.amount is None:
        raise ValidationError("Give the amount with --amount.")
    operations.execute(db, op, cmds.SetBudget(args.cost_centre, args.year,
                                              None if args.action == "remove" else args.amount))
    print(f"budget of {args.cost_centre} for {args.year}: "
          f"{'removed' if args.action == 'remove' else args.amount}")
    return 0


# -- repairs -------------------------------------------------------------------------------

@command
def cmd_repair(args: argparse.Namespace) -> int:
    db, op = session(args)
    if args.action == "list":
        require(op.role, "view")
        rows = [list(r.row()) for r in repairs.repairs(db, tag=args.ref, open_only=args.open)]
        args.format = args.format or "table"
        write_or_print(args, list(repairs.HEADERS), rows)
        return 0
    if not args.ref:
        raise ValidationError("Give the device's tag (repair open TAG) or the repair number "
                              "(repair update N).")
    if args.action == "open":
        v = operations.execute(db, op, cmds.OpenRepair(args.ref, vendor=args.vendor or "",
                                                       reference=args.reference or "",
                                                       note=args.note or "")).view
    else:
        v = operations.execute(db, op, cmds.UpdateRepair(
            args.ref, vendor=args.vendor, reference=args.reference, sent_on=args.sent,
            returned_on=args.returned, cost=args.cost, outcome=args.outcome,
            note=args.note)).view
    print(f"repair {v.id}: {v.tag} ({v.product}), {v.outcome or 'open'}, cost {v.cost:,.2f} "
          f"to {v.cost_centre}")
    return 0


# -- FOCUS ---------------------------------------------------------------------------------

@command
def cmd_focus(args: argparse.Namespace) -> int:
    from .focus import cloud_rows, read_focus

    db, op = session(args)
    if args.action == "export":
        require(op.role, "view")
        if args.month is None:
            raise ValidationError("Give the month: focus export --month YYYY-MM -o FILE.")
        args.format = "table" if not args.output else None
        write_or_print(args, ["ChargePeriodStart", "ChargePeriodEnd", "ProviderName",
                              "ServiceName", "ServiceCategory", "ChargeCategory", "ResourceId",
                              "BilledCost", "EffectiveCost", "BillingCurrency", "Cost centre"],
                       [list(r) for r in cloud_rows(db, args.month)])
        return 0
    if not args.file:
        raise ValidationError("Give the FOCUS file: focus import FILE --tag-key cost_centre.")
    require(op.role, "costs")
    plan = read_focus(args.file, args.tag_key)
    if args.dry_run:
        print(f"dry run: would import {plan.describe()}; nothing was written")
        return 0
    print(operations.execute(db, op, cmds.ImportFocus(plan)).view)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("kpi", help="the numbers a manager steers by (turns, stock "
                                          "value, service, suppliers, licenses, cost)")
    p.add_argument("--today", type=parse_date, metavar="DATE",
                   help="the day the figures are for (default: today)")
    p.add_argument("--format", choices=("table", *FORMATS), default="table")
    p.add_argument("-o", "--output", metavar="FILE")
    p.set_defaults(func=cmd_kpi)

    p = subparsers.add_parser("depreciation", help="useful lives and residual values per "
                                                   "category or product (showback)")
    p.add_argument("action", choices=("list", "set", "remove"))
    p.add_argument("category", nargs="?", help="product category, e.g. laptop")
    p.add_argument("--product", help="a device product instead of a category")
    p.add_argument("--life", type=int, metavar="MONTHS")
    p.add_argument("--residual", default="0", metavar="PERCENT",
                   help="residual value, percent of the purchase cost")
    p.set_defaults(func=cmd_depreciation)

    p = subparsers.add_parser("rate", help="the rate card: prices IT charges (showback "
                                           "--basis price)")
    p.add_argument("action", choices=("list", "set", "remove"))
    p.add_argument("kind", nargs="?", choices=("device", "license", "spares"))
    p.add_argument("--product", help="device product (a device rate)")
    p.add_argument("--category", help="product category (device rate or spares mark-up)")
    p.add_argument("--license", help="license product name or reference (a seat rate)")
    p.add_argument("--amount", help="price per device or seat per month; spares: mark-up %%")
    p.set_defaults(func=cmd_rate)

    p = subparsers.add_parser("license-price", help="whether a license's cost per seat is "
                                                    "per month or per year")
    p.add_argument("license", help="license product name, reference or number")
    p.add_argument("--per", choices=("month", "year"), required=True)
    p.set_defaults(func=cmd_license_price)

    p = subparsers.add_parser("budget", help="budgets per cost centre per year")
    p.add_argument("action", choices=("list", "set", "remove"))
    p.add_argument("cost_centre", nargs="?")
    p.add_argument("--year", type=int)
    p.add_argument("--amount")
    p.set_defaults(func=cmd_budget)

    p = subparsers.add_parser("repair", help="repair records: list, open, update")
    p.add_argument("action", choices=("list", "open", "update"))
    p.add_argument("ref", nargs="?", help="device tag (list, open) or repair number (update)")
    p.add_argument("--open", action="store_true", help="list: only open repairs")
    p.add_argument("--vendor")
    p.add_argument("--reference", help="the repair shop's reference (RMA)")
    p.add_argument("--sent", type=parse_date, metavar="DATE")
    p.add_argument("--returned", type=parse_date, metavar="DATE")
    p.add_argument("--cost")
    p.add_argument("--outcome", choices=("repaired", "replaced", "beyond_repair", "no_fault"))
    p.add_argument("--note")
    p.add_argument("--format", choices=("table", *FORMATS), default=None)
    p.add_argument("-o", "--output", metavar="FILE", help="list: write CSV or XLSX")
    p.set_defaults(func=cmd_repair)

    p = subparsers.add_parser("focus", help="cloud and SaaS bills in FOCUS format: import "
                                            "(replaces the months it covers), export")
    p.add_argument("action", choices=("import", "export"))
    p.add_argument("file", nargs="?", help="the FOCUS cost-and-usage file (CSV or XLSX)")
    p.add_argument("--tag-key", default="cost_centre",
                   help="the tag that names the cost centre (default: cost_centre)")
    p.add_argument("--month", type=_month, help="export: the month (YYYY-MM)")
    p.add_argument("--dry-run", action="store_true", help="read and check; write nothing")
    p.add_argument("-o", "--output", metavar="FILE")
    p.set_defaults(func=cmd_focus)
