"""Demand classification by ADI and CV² (Syntetos-Boylan categories).

A demand series is a sequence of non-negative quantities, one per period
(oldest first). An *event* is a period with non-zero demand.

- ADI, the average demand interval, is the mean number of periods between
  events, the first interval counted from the start of the series. It equals
  ``(index of the last event + 1) / events``; zeros after the last event do
  not count (the trailing zero run is reported separately).
- CV² is the squared coefficient of variation of the non-zero demand sizes,
  with the population variance.

ADI < 1.32 and CV² < 0.49 is *smooth*, ADI < 1.32 and CV² ≥ 0.49 *erratic*,
ADI ≥ 1.32 and CV² < 0.49 *intermittent*, ADI ≥ 1.32 and CV² ≥ 0.49 *lumpy*.
A series without any demand has ``kind == "none"`` (ADI infinite, CV² 0).
Fewer than two events give no basis for a fit: ``low_confidence`` is true.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49
MIN_EVENTS = 2

SMOOTH = "smooth"
ERRATIC = "erratic"
INTERMITTENT = "intermittent"
LUMPY = "lumpy"
NO_DEMAND = "none"
KINDS = (SMOOTH, ERRATIC, INTERMITTENT, LUMPY, NO_DEMAND)


def as_demand(demand: ArrayLike) -> np.ndarray:
    """Return ``demand`` as a float array of shape ``(..., periods)``, checked.

    Raises:
        ValueError: empty, not finite, or negative demand.
    """
    y = np.asarray(demand, dtype=float)
    if y.ndim == 0 or y.shape[-1] == 0:
        raise ValueError("demand must be a non-empty sequence of per-period quantities")
    if not np.isfinite(y).all():
        raise ValueError("demand contains NaN or infinite values")
    if (y < 0).any():
        raise ValueError(
            "demand cannot be negative; returns are not demand (record them as check-ins)"
        )
    return y


@dataclass(frozen=True)
class Classification:
    """ADI / CV² classification of one demand series."""

    adi: float
    cv2: float
    kind: str
    events: int
    trailing_zeros: int

    @property
    def low_confidence(self) -> bool:
        """Fewer than two demand events: no fitted forecast should be trusted."""
        return self.events < MIN_EVENTS


@dataclass(frozen=True)
class Classifications:
    """Classification of many series at once; every field is an array of shape ``(...)``."""

    adi: np.ndarray
    cv2: np.ndarray
    kind: np.ndarray
    events: np.ndarray
    trailing_zeros: np.ndarray

    @property
    def low_confidence(self) -> np.ndarray:
        return self.events < MIN_EVENTS


def classify_many(demand: ArrayLike) -> Classifications:
    """Classify every series of an array shaped ``(..., periods)``, vectorised."""
    y = as_demand(demand)
    n = y.shape[-1]
    hit = y > 0
    events = hit.sum(axis=-1)
    some = events > 0
    safe_events = np.maximum(events, 1)
    # Index of the last event; for rows without one the value is unused.
    last = n - 1 - np.argmax(hit[..., ::-1], axis=-1)
    adi = np.where(some, (last + 1) / safe_events, np.inf)
    mean_size = y.sum(axis=-1) / safe_events
    dev = np.where(hit, y - mean_size[..., None], 0.0)
    var_size = (dev * dev).sum(axis=-1) / safe_events
    cv2 = np.where(some, var_size / np.where(some, mean_size, 1.0) ** 2, 0.0)
    trailing = np.where(some, n - 1 - last, n)
    frequent = adi < ADI_CUTOFF
    steady = cv2 < CV2_CUTOFF
    kind = np.where(
        frequent,
        np.where(steady, SMOOTH, ERRATIC),
        np.where(steady, INTERMITTENT, LUMPY),
    ).astype("<U12")
    kind = np.where(some, kind, NO_DEMAND)
    return Classifications(adi, cv2, kind, events, trailing)


def classify(demand: ArrayLike) -> Classification:
    """Classify one demand series (oldest period first)."""
    y = as_demand(demand)
    if y.ndim != 1:
        raise ValueError("classify takes one series; use classify_many for several")
    c = classify_many(y)
    return Classification(
        adi=float(c.adi),
        cv2=float(c.cv2),
        kind=str(c.kind),
        events=int(c.events),
        trailing_zeros=int(c.trailing_zeros),
    )
