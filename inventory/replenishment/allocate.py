"""A service target met by a group of items together, at the least stock value.

A manager's target ("95 % for the erratic items of category Docks") is about the group:
the share of its replenishment cycles that end without a stock-out. Giving every item
the same 95 % is one way to reach it, and an expensive one: a unit of safety stock buys
far more service on an item whose lead-time demand is narrow than on one where a single
order can take twenty. Here each item gets the reorder point that the group's target
is cheapest to reach with (the classic marginal allocation of an aggregate service
level, solved with one Lagrange multiplier per group):

    for a multiplier λ each item picks, among its candidate reorder points r_k with
    service F_k, the one maximising  λ · cycles · F_k − unit cost · r_k;
    λ is raised (bisection) until the group's cycle-weighted service reaches the target.

Items that order often weigh more (the target counts cycles); items that are dear weigh
less. No item is left below the target minus :data:`FLOOR_POINTS` (a group mixes items
of different kinds, and none should be given up for the others). With one item the
answer is the plain quantile. The multipliers are returned, so a
later re-estimate of some items (a lead time changed) prices service as the group did.
"""

from __future__ import annotations

import numpy as np

ITERATIONS = 32


FLOOR_POINTS = 0.06


def _choose(lam: float, weight: np.ndarray, cost: np.ndarray, R: np.ndarray,
            F: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    gain = lam * weight[:, None] * F - cost[:, None] * R
    return np.argmax(np.where(allowed, gain, -np.inf), axis=1)


def allocate(R: np.ndarray, F: np.ndarray, weight: np.ndarray, cost: np.ndarray,
             group: np.ndarray, target: np.ndarray,
             multipliers: dict | None = None) -> tuple[np.ndarray, dict]:
    """Per row the chosen column of the candidates ``R`` / ``F`` (rows, k), and the
    multiplier of each group.

    Args:
        weight: expected replenishment cycles per row (any time unit, > 0).
        cost: value of a unit of stock per row (> 0).
        group: a hashable group label per row; ``target`` the group's service level
            (the same for every row of a group).
        multipliers: known multipliers by group label: used as they are (no search).
    """
    n = R.shape[0]
    pick = np.zeros(n, np.int64)
    known = dict(multipliers or {})
    found: dict = {}
    labels = np.asarray(group)
    for label in dict.fromkeys(labels.tolist()):
        rows = np.flatnonzero(labels == label)
        w, c, r, f = weight[rows], cost[rows], R[rows], F[rows]
        allowed = f >= float(target[rows[0]]) - FLOOR_POINTS
        allowed[np.arange(len(rows)), f.argmax(axis=1)] = True
        if label in known:
            lam = known[label]
        else:
            aim = float(target[rows[0]])
            total = w.sum()
            lo, hi = 1e-9, 1e12
            for _ in range(ITERATIONS):
                mid = np.sqrt(lo * hi)
                got = f[np.arange(len(rows)), _choose(mid, w, c, r, f, allowed)]
                if (w * got).sum() < aim * total:
                    lo = mid
                else:
                    hi = mid
            lam = hi
        found[label] = lam
        chosen = _choose(lam, w, c, r, f, allowed)
        if label not in known:
            chosen = _trim(chosen, w, c, r, f, allowed, float(target[rows[0]]))
        pick[rows] = chosen
    return pick, found


def _trim(chosen: np.ndarray, w: np.ndarray, c: np.ndarray, R: np.ndarray, F: np.ndarray,
          allowed: np.ndarray, aim: float) -> np.ndarray:
    """Step rows down to their next lower candidate, cheapest service lost per value saved
    first, while the group stays on target: the multiplier only reaches the corners of
    each item's curve, and whole units overshoot."""
    at = np.arange(len(chosen))
    lower = np.maximum(chosen - 1, 0)
    while True:
        ok = (chosen > 0) & allowed[at, lower] & (R[at, lower] < R[at, chosen])
        if not ok.any():
            return chosen
        spare = (w * F[at, chosen]).sum() - aim * w.sum()
        lost = w * (F[at, chosen] - F[at, lower])
        saved = c * (R[at, chosen] - R[at, lower])
        order = np.flatnonzero(ok)[np.argsort(lost[ok] / saved[ok], kind="stable")]
        fits = order[np.cumsum(lost[order]) <= spare + 1e-12]
        if not fits.size:
            return chosen
        chosen = chosen.copy()
        chosen[fits] = lower[fits]
        lower = np.maximum(chosen - 1, 0)
