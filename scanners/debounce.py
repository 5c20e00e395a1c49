"""Which codes seen by a camera become scans: no repeats, and weak symbologies confirmed.

A code held in front of the camera is in every frame; it is reported once and
not again until it has been out of sight for ``repeat_s``. Symbologies without a
check character (Code 39 as printed on most asset labels) are misread more
easily, so they count only once two frames have read the same text.
"""

from __future__ import annotations

UNCHECKED_SYMBOLOGIES = frozenset({"code39"})


class Debouncer:
    """Decides, frame by frame, which decoded codes are new scans."""

    def __init__(self, repeat_s: float = 1.5,
                 confirm: frozenset[str] = UNCHECKED_SYMBOLOGIES,
                 confirm_within_s: float = 1.0) -> None:
        self.repeat_s = repeat_s
        self.confirm = confirm
        self.confirm_within_s = confirm_within_s
        self._last_seen: dict[tuple[str, str], float] = {}
        self._first_read: dict[tuple[str, str], float] = {}

    def frame(self, codes: list[tuple[str, str]], now: float) -> list[tuple[str, str]]:
        """Given the (text, symbology) pairs read in one frame at ``now``, the new scans."""
        new = []
        for key in dict.fromkeys(codes):
            last = self._last_seen.get(key)
            if last is not None and now - last < self.repeat_s:
                self._last_seen[key] = now  # still in view: keep it quiet
                continue
            if key[1] in self.confirm:
                first = self._first_read.get(key)
                if first is None or now - first > self.confirm_within_s:
                    self._first_read[key] = now
                    continue
                del self._first_read[key]
            self._last_seen[key] = now
            new.append(key)
        self._forget(now)
        return new

    def _forget(self, now: float) -> None:
        horizon = max(self.repeat_s, self.confirm_within_s)
        for table in (self._last_seen, self._first_read):
            for key in [k for k, t in table.items() if now - t > horizon]:
                del table[key]
