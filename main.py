"""Stockroom: open the window, or run one command without a display.

    python main.py                 # the app
    python main.py COMMAND --help  # demo, verify, checkout, checkin, issue, decode, ...
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Modules that add sub-commands; each has register(subparsers).
COMMAND_MODULES = (
    "inventory.cli",
    "inventory.catalog_cli",  # offer, license, seat
    "scanners.cli",
    "inventory.exchange.cli",  # import, export, restore, reconcile
    "inventory.replenishment.cli",  # reorder, backtest
    "inventory.shop_cli",  # catalog, request, kit, booking, joiner, leaver
    "inventory.costing.cli",  # kpi, depreciation, rate, budget, repair, focus
    "ui.showback.cli",  # showback (the statements PDF renders with Qt, offscreen)
    "ui.labels.cli",  # labels (renders with Qt, offscreen)
    "ui.doctor",  # doctor: what this desk needs, and what to do about each problem
    "ui.desktop_entry",  # desktop-entry: the Linux applications-menu entry
)


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The command line; without `commands`, only the options of the window itself."""
    parser = argparse.ArgumentParser(prog="stockroom", description=__doc__.splitlines()[0],
                                     add_help=commands)
    if commands:
        from inventory.version import version_text

        parser.add_argument("--version", action="version", version=version_text())
    parser.add_argument(
        "--database",
        metavar="URL",
        help="SQLite file path or postgresql://user@host/db "
        "(default: $STOCKROOM_DATABASE, else a file in your user data directory)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="operator to sign in as on a shared database (password from $STOCKROOM_PASSWORD)",
    )
    parser.add_argument(
        "--render-window",
        metavar="PNG",
        help="open the window, save a picture of it once shown, and quit "
        "(checks an install; QT_QPA_PLATFORM=offscreen needs no display)",
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The arguments; a plain start of the window skips importing every command's module
    (a third of the start-up time), anything else gets the whole command line."""
    args, rest = build_parser(commands=False).parse_known_args(argv)
    if rest:  # a command, --help, --version, or a mistake: the full parser handles it
        return build_parser().parse_args(argv)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    from inventory.clock import pinned_day
    from inventory.errors import InventoryError

    try:
        pinned_day()  # a wrong STOCKROOM_TODAY is refused before anything reads the date
    except InventoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command is None:
        from ui.app import run_app

        return run_app(args)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows up here when output was buffered
        return code
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
