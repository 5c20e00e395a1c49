"""Commands for the records behind the reorder list and the renewals: supplier offers
(`offer`), license terms (`license renew|edit|retire`) and seats (`seat assign|release`).
Every write is a command through the operations layer, one line of result each."""

from __future__ import annotations

import argparse
from decimal import Decimal

from . import operations
from .cli import command, parse_date, session
from .commands import (
    AddOffer,
    AssignSeat,
    EditLicense,
    EditOffer,
    ReleaseSeat,
    RemoveOffer,
    RenewLicense,
    RetireLicense,
)
from .errors import ValidationError
from .services import offers
from .vocab import LICENSE_TYPES


def _offer_line(v: offers.OfferView) -> str:
    pref = "\tpreferred" if v.preferred else ""
    part = f"\t{v.supplier_part}" if v.supplier_part else ""
    return (f"{v.product}\t{v.supplier}\t{v.unit_price:.2f}\tpack {v.pack_size}\t"
            f"min {v.min_order}\t{v.lead_time_days:g} days{part}{pref}")


OFFER_FIELDS = {"price": "unit_price", "lead_time": "lead_time_days", "pack": "pack_size",
                "min_order": "min_order", "part": "supplier_part"}


@command
def cmd_offer(args: argparse.Namespace) -> int:
    db, op = session(args)
    if args.action == "list":
        for v in offers.offers_of(db, args.product):
            print(_offer_line(v))
        return 0
    if not args.product or not args.supplier:
        raise ValidationError(f"Name the product and the supplier: offer {args.action} "
                              "PRODUCT --supplier NAME.")
    if args.action == "add":
        if args.price is None or args.lead_time is None:
            raise ValidationError("An offer needs --price and --lead-time (days).")
        operations.execute(db, op, AddOffer(
            args.supplier, args.product, unit_price=args.price, lead_time_days=args.lead_time,
            pack_size=args.pack or 1, min_order=args.min_order or 1,
            supplier_part=args.part or "", preferred=bool(args.preferred)))
        v = next(o for o in offers.offers_of(db, args.product) if o.supplier == args.supplier)
        print(f"offer added: {_offer_line(v)}")
    elif args.action == "edit":
        changes = {field: getattr(args, name) for name, field in OFFER_FIELDS.items()
                   if getattr(args, name) is not None}
        if args.preferred is not None:
            changes["preferred"] = args.preferred
        if not changes:
            raise ValidationError("Say what changes: --price, --lead-time, --pack, "
                                  "--min-order, --part or --preferred.")
        v = operations.execute(db, op, EditOffer(args.supplier, args.product,
                                                 tuple(changes.items()))).view
        print(f"offer changed: {_offer_line(v)}")
    elif args.action == "remove":
        v = operations.execute(db, op, RemoveOffer(args.supplier, args.product)).view
        print(f"offer removed: {v.supplier} no longer offers {v.product}")
    return 0


def _term(v) -> str:
    ends = f"{v.ends_on:%Y-%m-%d}" if v.ends_on else "open-ended"
    return (f"{v.product}: {v.starts_on:%Y-%m-%d} to {ends}, {v.seats} seats "
            f"({v.used} in use) at {v.cost_per_seat:.2f} a seat")


@command
def cmd_license(args: argparse.Namespace) -> int:
    db, op = session(args)
    if args.action == "renew":
        v = operations.execute(db, op, RenewLicense(
            args.license, starts_on=args.starts, ends_on=args.ends, seats=args.seats,
            cost_per_seat=args.cost, term_months=args.term_months, reference=args.ref)).view
        print(f"renewed {_term(v)}; the seats carry over")
    elif args.action == "edit":
        changes = dict(seats=args.seats, cost_per_seat=args.cost, ends_on=args.ends,
                       term_months=args.term_months, reference=args.ref, vendor=args.vendor,
                       license_type=args.type, renewal_lead_days=args.renewal_lead_days,
                       notice_days=args.notice_days, allow_overuse=args.allow_overuse)
        if args.open_ended:
            changes["clear_ends_on"] = True
        changes = {k: x for k, x in changes.items() if x is not None}
        if args.starts is not None:
            raise ValidationError("The start date changes with a renewal: license renew "
                                  "LICENSE --starts DATE.")
        if not changes:
            raise ValidationError("Say what changes: --seats, --cost, --ends, --open-ended, "
                                  "--vendor, --type, --ref, ...")
        v = operations.execute(db, op, EditLicense(args.license, tuple(changes.items()))).view
        print(f"changed {_term(v)}")
    elif args.action == "retire":
        v = operations.execute(db, op, RetireLicense(args.license, on=args.on)).view
        print(f"retired {v.product} on {v.retired_on:%Y-%m-%d}; {v.released} seats released")
    return 0


def seat_target(code: str) -> dict[str, str]:
    """An employee id names a person; anything else is an asset tag or serial."""
    from .queries.people import by_employee_id

    code = code.strip()
    return {"person": code} if by_employee_id(code) is not None else {"asset": code}


@command
def cmd_seat(args: argparse.Namespace) -> int:
    db, op = session(args)
    make = AssignSeat if args.action == "assign" else ReleaseSeat
    with db.atomic():
        target = seat_target(args.to)
    v = operations.execute(db, op, make(args.license, source="manual", **target)).view
    done = "has a seat of" if args.action == "assign" else "gave back a seat of"
    over = f" ({v.over_entitlement} over the entitlement)" if v.over_entitlement else ""
    print(f"{v.assignee} {done} {v.product}: {v.seats_used} of {v.seats} in use{over}")
    return 0


def _price(text: str) -> Decimal:
    from .limits import price

    try:
        return price(text.replace(",", ""), "The price")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "offer", help="supplier offers: price, pack size, minimum order, lead time",
        description="offer list [PRODUCT] | add PRODUCT --supplier NAME --price P "
                    "--lead-time DAYS [--pack N] [--min-order N] [--part X] [--preferred] | "
                    "edit PRODUCT --supplier NAME [...] | remove PRODUCT --supplier NAME")
    p.add_argument("action", choices=("list", "add", "edit", "remove"))
    p.add_argument("product", nargs="?", help="GTIN, part number or exact product name")
    p.add_argument("--supplier", help="the supplier's name")
    p.add_argument("--price", type=_price, help="unit price, e.g. 12.50")
    p.add_argument("--lead-time", dest="lead_time", type=float, metavar="DAYS",
                   help="quoted days from order to delivery")
    p.add_argument("--pack", type=int, help="pack size (orders are rounded up to it)")
    p.add_argument("--min-order", dest="min_order", type=int, help="minimum order quantity")
    p.add_argument("--part", help="the supplier's part number")
    p.add_argument("--preferred", action=argparse.BooleanOptionalAction, default=None,
                   help="buy from this supplier first")
    p.set_defaults(func=cmd_offer)

    p = subparsers.add_parser(
        "license", help="renew a license for a new term, edit it, or retire it",
        description="license renew LICENSE [--starts DATE] [--ends DATE] [--seats N] "
                    "[--cost P] [--term-months N] | edit LICENSE [...] | retire LICENSE. "
                    "LICENSE is its number or its product name.")
    p.add_argument("action", choices=("renew", "edit", "retire"))
    p.add_argument("license", help="the license number, or its product name")
    p.add_argument("--starts", type=parse_date, metavar="DATE",
                   help="renew: the new term's first day (default: the day after the end)")
    p.add_argument("--ends", type=parse_date, metavar="DATE",
                   help="the term's last day (renew default: start + term)")
    p.add_argument("--open-ended", action="store_true", help="edit: no end date")
    p.add_argument("--seats", type=int, help="seats in the term (default: as before)")
    p.add_argument("--cost", type=_price, help="cost per seat (default: as before)")
    p.add_argument("--term-months", dest="term_months", type=int, metavar="N")
    p.add_argument("--ref", help="contract or order reference")
    p.add_argument("--vendor", help="edit: the vendor (a supplier's name; empty for none)")
    p.add_argument("--type", choices=LICENSE_TYPES, help="edit: the license type")
    p.add_argument("--renewal-lead-days", dest="renewal_lead_days", type=int, metavar="N")
    p.add_argument("--notice-days", dest="notice_days", type=int, metavar="N")
    p.add_argument("--allow-overuse", dest="allow_overuse",
                   action=argparse.BooleanOptionalAction, default=None,
                   help="edit: allow more assignments than seats (true-up later)")
    p.add_argument("--on", type=parse_date, metavar="DATE", help="retire: the day (default "
                                                                 "today)")
    p.set_defaults(func=cmd_license)

    p = subparsers.add_parser("seat", help="assign or release a license seat",
                              description="seat assign|release LICENSE --to EMPLOYEE_ID|TAG")
    p.add_argument("action", choices=("assign", "release"))
    p.add_argument("license", help="the license number, or its product name")
    p.add_argument("--to", required=True, metavar="EMPLOYEE_ID|ASSET_TAG",
                   help="a person's employee id, or a device's asset tag or serial")
    p.set_defaults(func=cmd_seat)
