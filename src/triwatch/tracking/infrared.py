"""Starting tracks from infrared lines of sight: pair unexplained sightings of two sensors and triangulate.

One infrared sensor gives only a direction. An unexplained line of sight waits here for up to
``ir_pair_window_s``; a line of sight from a different sensor that passes within ``ir_pair_miss_m``
of it, in front of both sensors, makes a pair, and the pair's triangulated position starts a track.
Each waiting sighting pairs at most once (the closest candidate wins), so two sensors that see
N targets give at most N births per scan, not N^2 (ghost pairs of crossing lines may still be
born; the M-of-N rule removes those that no later sighting confirms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.tracking.initiation import closest_approach, triangulate
from triwatch.tracking.types import TrackerConfig


@dataclass
class _Sighting:
    t: float
    sensor_id: str
    site: np.ndarray
    z: np.ndarray
    R: np.ndarray


def _unit(z: np.ndarray) -> np.ndarray:
    a, d = z[..., 0], z[..., 1]
    return np.stack([np.cos(d) * np.cos(a), np.cos(d) * np.sin(a), np.sin(d)], axis=-1)


class IrPairing:
    """Holds unexplained infrared sightings and pairs them across sensors into new track states."""

    def __init__(self, config: TrackerConfig) -> None:
        self.config = config
        self.waiting: list[_Sighting] = []
        self.newest_s = -np.inf

    def offer(
        self, t: float, sensor_id: str, site: np.ndarray, Z: np.ndarray, R: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Take the unexplained sightings (Z (D, 2), R (D, 2, 2)) of one scan; return births [(x0 (K, 6), P0 (K, 6, 6))]."""
        cfg = self.config
        self.newest_s = max(self.newest_s, t)
        self.waiting = [w for w in self.waiting if self.newest_s - w.t <= cfg.ir_pair_window_s]
        others = [w for w in self.waiting if w.sensor_id != sensor_id and abs(t - w.t) <= cfg.ir_pair_window_s]
        used_new = np.zeros(Z.shape[0], bool)
        births_x, births_P = [], []
        if others:
            s_old = np.stack([w.site for w in others])
            u_old = _unit(np.stack([w.z for w in others]))
            u_new = _unit(Z)
            _, miss, ranges = closest_approach(site[None, None], u_new[:, None], s_old[None], u_old[None])
            valid = (miss < cfg.ir_pair_miss_m) & np.all(ranges > 0.0, axis=-1)
            miss = np.where(valid, miss, np.inf)
            taken_old = set()
            for j in np.argsort(miss.min(axis=1)):
                candidates = [o for o in np.argsort(miss[j]) if np.isfinite(miss[j, o]) and o not in taken_old]
                if not candidates:
                    continue
                o = candidates[0]
                taken_old.add(o)
                used_new[j] = True
                old = others[o]
                pos, cov = triangulate(Z[j], R[j], site, old.z, old.R, old.site)
                x0 = np.concatenate([pos, np.zeros(3)])
                P0 = np.zeros((6, 6))
                # The older line was seen dt earlier: the object moved up to sigma_v * dt in between.
                dt = abs(t - old.t)
                P0[:3, :3] = cov + (cfg.init_speed_sigma_m_s * dt) ** 2 * np.eye(3)
                P0[3:, 3:] = cfg.init_speed_sigma_m_s**2 * np.eye(3)
                births_x.append(x0)
                births_P.append(P0)
            taken = {id(others[o]) for o in taken_old}
            self.waiting = [w for w in self.waiting if id(w) not in taken]
        for j in np.flatnonzero(~used_new):
            self.waiting.append(_Sighting(t, sensor_id, np.asarray(site, float), Z[j].copy(), R[j].copy()))
        if not births_x:
            return []
        return [(np.stack(births_x), np.stack(births_P))]
