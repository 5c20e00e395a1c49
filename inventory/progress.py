"""A progress line on stderr for long commands: rewritten in place on a terminal, plain lines
in a log. Subclasses decide when to update and what the line says."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    """The shared part of the CLI's progress displays: throttling, drawing, the final newline."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.last = 0.0
        self.shown = False

    def due(self, final: bool, tty_every: float, log_every: float) -> bool:
        """True when the line should be redrawn now (always for the final update)."""
        now = time.monotonic()
        if not final and now - self.last < (tty_every if self.tty else log_every):
            return False
        self.last = now
        return True

    def show(self, text: str, width: int) -> None:
        if self.tty:
            print(f"\r{text:<{width}}", end="", file=self.stream, flush=True)
            self.shown = True
        else:
            print(text, file=self.stream, flush=True)

    def end(self) -> None:
        if self.shown:
            print(file=self.stream, flush=True)
            self.shown = False
