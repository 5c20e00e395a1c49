"""Reading a code across consecutive camera frames.

A label moving into view is smeared in most frames and sharp in a few. Two
things use the frames around the current one:

* the expensive deconvolution runs only on the sharpest recent frames: a region
  whose sharpness (variance of the Laplacian over it) is well below the best of
  the last ``window_s`` is not worth it, the next sharp frame is;
* a read that one frame alone does not believe (too few versions of the
  recovered profile agreed) counts once a second frame reads the same text
  within ``window_s`` and no frame read the spot differently.

A read with a valid check digit that its own frame believes is reported at once,
as before (``scanners.decode``).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from scanners.decode import Decoded, FrameReport, Region, sharpness

RECOVER_SHARPNESS = 0.7  # deconvolve a region at least this sharp relative to the recent best
ROTATED_2D_EVERY_S = 0.2  # the slow rotated 2-D look, at most this often


class FrameCombiner:
    """Frame-by-frame state of the camera's decoding; one per camera run."""

    def __init__(self, window_s: float = 0.4) -> None:
        self.window_s = window_s
        self._sharpness: deque[tuple[float, float]] = deque()  # (taken, sharpness)
        self._tentative: deque[tuple[float, int, Decoded]] = deque()  # (taken, frame, read)
        self._frame = 0
        self._now = 0.0
        self._rotated_2d_at: float | None = None

    def begin(self, taken: float) -> None:
        """A new frame taken at ``taken`` (seconds on the source's clock)."""
        self._frame += 1
        self._now = taken
        while self._sharpness and taken - self._sharpness[0][0] > self.window_s:
            self._sharpness.popleft()
        while self._tentative and taken - self._tentative[0][0] > self.window_s:
            self._tentative.popleft()

    def rotated_2d_due(self) -> bool:
        """Whether the current frame gets the slow rotated 2-D look (``decode_frame``).

        A 2-D code the first pass misses (small and tilted) stays in view for many
        frames; looking for it a few times a second keeps each frame cheap, so the
        decoder keeps up with the camera and reads a moving 1-D label sooner.
        """
        last = self._rotated_2d_at
        if last is None or not 0 <= self._now - last < ROTATED_2D_EVERY_S:
            self._rotated_2d_at = self._now
            return True
        return False

    def worth_recovering(self, sharpness: float) -> bool:
        """Whether to deconvolve a region this sharp in the current frame (and remember it)."""
        best = max((s for _t, s in self._sharpness), default=0.0)
        self._sharpness.append((self._now, sharpness))
        return sharpness >= RECOVER_SHARPNESS * best

    def combine(self, report: FrameReport) -> list[Decoded]:
        """The codes to believe for the current frame: its own and the confirmed ones."""
        if report.codes:
            return report.codes
        found: list[Decoded] = []
        for region in report.regions:
            for read in region.tentative:
                earlier = [r for _t, frame, r in self._tentative if frame != self._frame
                           and _same_place(r, read)]
                if earlier and all(r == read for r in earlier) and read not in found:
                    found.append(read)
                self._tentative.append((self._now, self._frame, read))
        return found


def _same_place(a: Decoded, b: Decoded, max_shift_px: float = 200.0) -> bool:
    """Reads close enough to be the same label (it moves between frames)."""
    if not a.outline or not b.outline:
        return True
    ca = np.mean(np.asarray(a.outline, dtype=np.float32), axis=0)
    cb = np.mean(np.asarray(b.outline, dtype=np.float32), axis=0)
    return float(np.linalg.norm(ca - cb)) <= max_shift_px


def frame_sharpness(gray: np.ndarray, codes: list[Decoded], regions: list[Region]) -> float | None:
    """The sharpness of the code (read or not) in a frame, for the Settings figure."""
    values = [sharpness(gray, c.outline) for c in codes] + [r.sharpness for r in regions]
    return max(values) if values else None
