"""Command-line entry points of the scanners package (filled by the scanning work)."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `decode` command."""
