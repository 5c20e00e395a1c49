"""Command-line entry points (stub until this area's work lands)."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this area's commands."""
