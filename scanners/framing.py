"""Cut a serial scanner's byte stream into codes: at CR/LF, or after an idle gap.

The gap is measured here, on the caller's clock, because pyserial's inter-byte
timeout is coarse on Linux (tenths of a second).
"""

from __future__ import annotations

_TERMINATORS = b"\r\n"


class Framer:
    """Accumulates bytes; hands back complete frames (without terminators)."""

    def __init__(self, idle_gap_s: float = 0.05) -> None:
        self.idle_gap_s = idle_gap_s
        self._pending = bytearray()
        self._last_byte_at = 0.0

    @property
    def pending(self) -> bytes:
        return bytes(self._pending)

    def feed(self, data: bytes, now: float) -> list[bytes]:
        """Add ``data`` received at ``now`` (seconds); return the frames it completed."""
        frames = []
        if self._pending and data and now - self._last_byte_at >= self.idle_gap_s:
            frames.append(self.flush())
        for byte in data:
            if byte in _TERMINATORS:
                if self._pending:
                    frames.append(self.flush())
            else:
                self._pending.append(byte)
        if data:
            self._last_byte_at = now
        return frames

    def flush_idle(self, now: float) -> bytes | None:
        """The pending frame if nothing arrived for the idle gap, else None."""
        if self._pending and now - self._last_byte_at >= self.idle_gap_s:
            return self.flush()
        return None

    def flush(self) -> bytes:
        """Whatever is pending, as a frame (may be empty)."""
        frame = bytes(self._pending)
        self._pending.clear()
        return frame


def frame_text(frame: bytes) -> str:
    """A frame as text: UTF-8 when it is, else Latin-1 (every byte kept, GS included)."""
    try:
        return frame.decode("utf-8")
    except UnicodeDecodeError:
        return frame.decode("latin-1")
