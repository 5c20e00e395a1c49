"""Command-line entry points of the scanners package: ``main.py decode PATH ...``."""

from __future__ import annotations

import argparse
import sys

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `decode` command."""
    parser = subparsers.add_parser(
        "decode",
        help="print the barcodes found in image or video files",
        description="Print one line per code found: PATH<TAB>SYMBOLOGY<TAB>TEXT. "
        "GS1 codes are shown as (AI)value; control characters in a code are escaped "
        "(\\n, \\t, \\x1d ...). A file with no code prints nothing.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="image or video file")
    parser.add_argument("--formats", metavar="LIST",
                        help="only these symbologies, comma-separated (e.g. qr,ean13,code128)")
    parser.add_argument("--every", type=int, default=1, metavar="N",
                        help="in a video, decode every N-th frame (default: every frame)")
    parser.add_argument("--explain", action="store_true",
                        help="for an image with no code read, say what was found in it "
                        "(a 1-D region too blurred, too small, cut off ...)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="say which decoders are in use (on stderr)")
    parser.set_defaults(func=decode_command)


def decode_command(args: argparse.Namespace) -> int:
    """Decode each path; 0 when every file could be read, 2 otherwise."""
    # Imported here: OpenCV costs ~0.1 s, which every other command would pay at start.
    from scanners.capture import SourceError
    from scanners.decode import DEFAULT_FORMATS, decoder_summary
    from scanners.files import decode_file
    from scanners.parse import human_readable

    formats = None
    if args.formats:
        formats = {name.strip().lower() for name in args.formats.split(",") if name.strip()}
        unknown = formats - DEFAULT_FORMATS
        if unknown:
            print(f"decode: unknown symbology {', '.join(sorted(unknown))}; "
                  f"known: {', '.join(sorted(DEFAULT_FORMATS))}", file=sys.stderr)
            return 2
    if args.verbose:
        print(decoder_summary(), file=sys.stderr)
    status = 0
    for path in args.paths:
        try:
            codes = decode_file(path, formats, every=args.every)
        except SourceError as exc:
            print(f"decode: {exc}", file=sys.stderr)
            status = 2
            continue
        for code in codes:
            text = _printable(human_readable(code.text, code.symbology))
            print(f"{path}\t{code.symbology}\t{text}")
        if args.explain and not codes:
            for line in _explain(path, formats):
                print(f"{path}\tno code read\t{line}")
        sys.stdout.flush()
    return status


def _explain(path: str, formats: set[str] | None) -> list[str]:
    from scanners.decode import decode_frame
    from scanners.explain import explain
    from scanners.images import load_image

    image = load_image(path)
    if image is None:
        return ["explain looks at still images only; give it a frame saved from the video"]
    return explain(decode_frame(image, formats).regions)


def _printable(text: str) -> str:
    return "".join(_ESCAPES.get(ch) or (ch if ch.isprintable() else f"\\x{ord(ch):02x}")
                   for ch in text)
