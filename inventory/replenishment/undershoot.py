"""Undershoot: how far below the reorder point the position is when an order is triggered.

With periodic (e.g. daily) review and lumpy demand, the inventory position
seldom lands exactly on the reorder point s: the demand that triggers the order
carries it to s − U. Stock then runs out in the cycle when lead-time demand
exceeds s − U, so the reorder point should cover D_L + U, not D_L alone
(Silver, Pyke & Thomas discuss this for (s, S) and (R, s, S) systems). With
unit-sized demand U is 0; a project taking 20 laptops at once makes it large.

For whole-unit demand sizes X (the demand of one review period, when there is
any) the equilibrium approximation gives P(U = u) = P(X > u) / E[X], so

    E[U]  = E[X(X − 1)] / (2 E[X])
    E[U²] = E[X(X − 1)(2X − 1)] / (6 E[X])

Pass the result to :func:`inventory.replenishment.policy.reorder_points` as
``undershoot_mean`` / ``undershoot_sd``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def undershoot_from_moments(
    mean_size: ArrayLike, mean_square: ArrayLike, mean_cube: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of the undershoot from E[X], E[X²], E[X³] of demand sizes, element-wise.

    Rows with ``mean_size == 0`` (no demand seen) get 0 and 0.
    """
    m1, m2, m3 = (np.asarray(x, float) for x in (mean_size, mean_square, mean_cube))
    if (m1 < 0).any() or (m2 < 0).any() or (m3 < 0).any():
        raise ValueError("moments of demand sizes cannot be negative")
    safe = np.where(m1 > 0, m1, 1.0)
    mean = np.where(m1 > 0, (m2 - m1) / (2 * safe), 0.0)
    square = np.where(m1 > 0, (2 * m3 - 3 * m2 + m1) / (6 * safe), 0.0)
    return mean, np.sqrt(np.maximum(square - mean * mean, 0.0))


def undershoot(demand_sizes: ArrayLike) -> tuple[float, float]:
    """Mean and sd of the undershoot for observed demand sizes (zeros are ignored).

    ``demand_sizes`` are the non-zero demands of single review periods (days,
    for a list reviewed daily), e.g. ``[1, 1, 20, 2]``.
    """
    x = np.asarray(demand_sizes, float).ravel()
    if (x < 0).any() or not np.isfinite(x).all():
        raise ValueError("demand sizes must be finite and non-negative")
    x = x[x > 0]
    if not x.size:
        return 0.0, 0.0
    mean, sd = undershoot_from_moments(x.mean(), (x**2).mean(), (x**3).mean())
    return float(mean), float(sd)
