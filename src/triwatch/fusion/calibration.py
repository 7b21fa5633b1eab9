"""Per-nation covariance calibration from cross-nation residuals: how over-confident each nation's tracks are.

Covariance intersection is consistent for any correlation between members, but only if each member's
covariance covers its own error. Measured on the library (bench/national_consistency.py), national
tracks are not: in midcourse their position NEES medians are 9-15 (3 dof) where 2.4 is consistent,
because a payload and its spent stage fly together and the trackers' nearest-neighbour assignment
pushes each of their two tracks off the object (docs/architecture.md, "National tracker"). A fused
state built from them claims a precision it does not have.

A node cannot see truth, but it sees several nations' tracks of one object at one time. Their
difference d = x_a - x_b has covariance s_a P_a + s_b P_b if nation n's errors are s_n times its
reported covariance and the two nations' errors are independent. With W = (P_a + P_b)^-1 (position
block), E[d^T W d] = s_a tr(W P_a) + s_b tr(W P_b): one linear equation in the scales per pair of
fresh, agreeing members. The scales are the least-squares solution of all equations seen, with
exponential forgetting (FORGET_PAIRS) and a prior of PRIOR_PAIRS equations saying s = 1 (so a few
pairs move nothing), bounded to [1, MAX_SCALE]: the calibration only ever widens what a nation
claims (errors shared by two nations make d smaller, so s can be under- but not over-estimated).
The bounds are part of the least-squares problem (`scipy.optimize.lsq_linear`), not a clip of its
unbounded solution: a pair's equation fixes only s_a tr(W P_a) + s_b tr(W P_b), and where two nations
pair mostly with each other the unbounded solution can put one below 1 and the other far above; clipped
afterwards, the low one rose to 1 but the high one kept the excess (icbm-2023-04-13, one node: USA
9.8, JPN 1.0). Bounded, the equations are met with both scales >= 1.
Measured on icbm-2023-04-13 (every fused sample of the USA node, one scale per nation, offline):
s = 4.2 USA, 4.6 JPN, 1.9 KOR; the tracks' position NEES medians against truth were 15.2, 9.3 and 5.0
where 2.4 is consistent. The picture calibrates members of coasting objects only, one scale per nation: in boost a
nation's tracks are few, short and over-confident by amounts that change within seconds (initiation),
and a scale learnt there from a few dozen pairs made the fused boost states worse (icbm-2023-04-13:
RMS 145 -> 171 m). Any hashable key identifying the source of a member's errors serves.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from scipy.optimize import lsq_linear

FRESH_S = 1.0  # only members reported within this of the newest teach the calibration (no flight error)
FORGET_PAIRS = 2000.0  # e-folding memory, in pair equations
PRIOR_PAIRS = 20.0  # weight of the prior s = 1, in pair equations
MAX_SCALE = 100.0
MAX_RESIDUAL = 50.0  # a pair's d^T W d is clipped here: a mis-association within the gates is not over-confidence


class NationCalibration:
    """Running estimate of each nation's covariance scale s_n from the residuals between nations' tracks."""

    def __init__(self) -> None:
        self.sources: list[Hashable] = []
        self._A = np.zeros((0, 0))  # sum of r r^T (forgotten)
        self._b = np.zeros(0)  # sum of r eps
        self.pairs = 0

    def _index(self, source: Hashable) -> int:
        if source not in self.sources:
            self.sources.append(source)
            n = len(self.sources)
            A, b = np.zeros((n, n)), np.zeros(n)
            A[: n - 1, : n - 1], b[: n - 1] = self._A, self._b
            self._A, self._b = A, b
        return self.sources.index(source)

    def scales(self, sources: Sequence[Hashable]) -> np.ndarray:
        """Scale s (k,) of each member's covariance, by its source (1 for a source not yet calibrated)."""
        s = self._solve()
        return np.array([s[self.sources.index(o)] if o in self.sources else 1.0 for o in sources])

    def _solve(self) -> np.ndarray:
        n = len(self.sources)
        if n == 0:
            return np.zeros(0)
        A = self._A + PRIOR_PAIRS * np.eye(n)  # prior: PRIOR_PAIRS equations s_n = 1 with unit weight
        b = self._b + PRIOR_PAIRS
        # min s^T A s - 2 b^T s over 1 <= s <= MAX_SCALE, as the least-squares problem |L^T s - L^-1 b|^2 (A = L L^T)
        L = np.linalg.cholesky(A)
        return lsq_linear(L.T, np.linalg.solve(L, b), bounds=(1.0, MAX_SCALE)).x

    def observe(
        self,
        sources: Sequence[Hashable],
        nations: Sequence[str],
        xs: np.ndarray,
        Ps: np.ndarray,
        ages_s: np.ndarray,
        keep: np.ndarray,
    ) -> None:
        """Learn from the members xs (k, 6), Ps (k, 6, 6) at one time: every pair of fresh, agreeing members of two nations.

        sources (k,): each member's calibration key; nations (k,): its nation; ages_s (k,): how old its
        report is (flown forward); keep (k,) bool: the agreeing set (covariance_intersection.fuse_members).
        """
        origins = list(sources)
        xs, Ps, ages_s, keep = np.asarray(xs, float), np.asarray(Ps, float), np.asarray(ages_s, float), np.asarray(keep)
        k = xs.shape[0] if xs.ndim == 2 else -1
        if k < 0 or Ps.shape != (k, xs.shape[1], xs.shape[1]) or len(origins) != k or len(nations) != k:
            raise ValueError(
                f"NationCalibration.observe: {len(origins)} sources, {len(nations)} nations, xs {xs.shape}, Ps {Ps.shape}"
            )
        if ages_s.shape != (xs.shape[0],) or keep.shape != (xs.shape[0],):
            raise ValueError(
                f"NationCalibration.observe: ages_s {ages_s.shape} and keep {keep.shape} for {xs.shape[0]}"
            )
        idx = [i for i in range(xs.shape[0]) if keep[i] and ages_s[i] <= FRESH_S]
        for a, i in enumerate(idx):
            for j in idx[a + 1 :]:
                if nations[i] == nations[j]:
                    continue  # one nation's two tracks are two objects, never one object seen twice
                self._learn(origins[i], origins[j], xs[i, :3] - xs[j, :3], Ps[i, :3, :3], Ps[j, :3, :3])

    def _learn(self, na: Hashable, nb: Hashable, d: np.ndarray, Pa: np.ndarray, Pb: np.ndarray) -> None:
        ia, ib = self._index(na), self._index(nb)
        W = np.linalg.inv(Pa + Pb)
        eps = min(float(d @ W @ d), MAX_RESIDUAL)
        r = np.zeros(len(self.sources))
        r[ia], r[ib] = np.trace(W @ Pa), np.trace(W @ Pb)  # E[eps] = s_a tr(W P_a) + s_b tr(W P_b)
        keep = np.exp(-1.0 / FORGET_PAIRS)
        self._A = keep * self._A + np.outer(r, r)
        self._b = keep * self._b + r * eps
        self.pairs += 1
