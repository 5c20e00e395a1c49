"""`python main.py labels assets|locations|people|commands|kits ... -o FILE.pdf` (or --zpl):
label sheets and roll labels without opening the window (Qt renders offscreen)."""

from __future__ import annotations

import argparse
import os
import sys

from .layouts import DEFAULT_LAYOUT, LAYOUTS
from .symbols import DEFAULT_SYMBOLOGY, SYMBOLOGIES

SOURCES = ("assets", "locations", "people", "commands", "kits")


def _gui_app():
    """A QGuiApplication for fonts and painting; offscreen when there is no display."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") \
                and sys.platform.startswith("linux"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["stockroom-labels"])
    return app


def _contents(args: argparse.Namespace):
    from inventory.exchange.tables import Filters

    from .content import command_labels, labels_for

    if args.source == "commands":
        return command_labels()
    from inventory.cli import session

    session(args)  # open the database named on the command line, sign in
    filters = Filters(status=args.status, location=args.location, kind=args.kind,
                      search=args.filter)
    return labels_for(args.source, filters)


def cmd_labels(args: argparse.Namespace) -> int:
    from inventory.cli import command

    from .layouts import get_layout
    from .symbols import LabelError

    @command
    def run(args: argparse.Namespace) -> int:
        try:
            layout = get_layout(args.layout)
            limit = max(layout.per_page - 1, 0) if layout.is_sheet else 0
            if not 0 <= args.start <= limit:
                raise LabelError(f"--start {args.start}: give how many labels of the first "
                                 f"sheet are already used, 0 to {limit} for {layout.title}.")
            if args.limit is not None and args.limit < 1:
                raise LabelError(f"--limit {args.limit}: give at least 1.")
            contents = _contents(args)
            if args.limit:
                contents = contents[:args.limit]
            if args.zpl:
                from .zpl import labels_zpl

                text = labels_zpl(contents, layout, args.symbology, args.dpi or 203)
                if args.zpl == "-":
                    sys.stdout.write(text)
                else:
                    with open(args.zpl, "w", encoding="utf-8", newline="\n") as f:
                        f.write(text)
                    print(f"{len(contents)} labels ({args.source}) as ZPL for "
                          f"{layout.title} to {args.zpl}")
                return 0
            _gui_app()
            from .render import save_pdf

            pages = save_pdf(args.output, layout, contents, args.symbology, start=args.start,
                             resolution=args.dpi or 600)
            print(f"{len(contents)} labels ({args.source}, {args.symbology}) on {pages} "
                  f"page{'s' if pages != 1 else ''} of {layout.title} to {args.output}")
            return 0
        except (LabelError, ValueError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1

    if not args.output and not args.zpl:
        print("error: say where the labels go: -o FILE.pdf, or --zpl FILE for a Zebra "
              "printer", file=sys.stderr)
        return 2
    return run(args)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `labels` command."""
    layouts = "; ".join(f"{k}: {v.title}" for k, v in LAYOUTS.items())
    p = subparsers.add_parser(
        "labels", help="print asset, location, badge or command-sheet labels (PDF or ZPL)",
        description=f"Layouts: {layouts}.")
    p.add_argument("source", choices=SOURCES, help="what to label")
    p.add_argument("--filter", metavar="TEXT", help="only rows containing this text")
    p.add_argument("--status", help="assets: only this status (e.g. in_stock)")
    p.add_argument("--location", metavar="CODE", help="only at this location and below it")
    p.add_argument("--kind", help="assets: category; locations: kind (e.g. stockroom)")
    p.add_argument("--layout", default=DEFAULT_LAYOUT, choices=list(LAYOUTS),
                   help=f"label stock (default {DEFAULT_LAYOUT})")
    p.add_argument("--symbology", default=DEFAULT_SYMBOLOGY, choices=SYMBOLOGIES,
                   help="barcode type (default Code 128)")
    p.add_argument("-o", "--output", metavar="FILE.pdf", help="write a PDF")
    p.add_argument("--zpl", metavar="FILE", help="write ZPL for a Zebra printer ('-': stdout)")
    p.add_argument("--start", type=int, default=0,
                   help="labels already used on the first sheet (start further down)")
    p.add_argument("--limit", type=int, help="at most this many labels")
    p.add_argument("--dpi", type=int, help="PDF resolution (600) or Zebra dpi (203, 300)")
    p.set_defaults(func=cmd_labels)
