"""Monte-Carlo checks of allied fusion against simulated national tracks with known errors.

Each run draws every nation's track error from its own covariance (the one it reports),
with a part shared by all nations (common physics, registration) of unknown size, and
fuses the tracks. Over the runs:

- the fused error is no worse than the best national track's (RMS, position and velocity);
- the fused covariance is consistent: the average NEES, eps = e^T P^-1 e, is within
  the upper 97.5 % chi-square bound for N runs of 6 degrees of freedom (covariance
  intersection promises that for *any* cross-correlation);
- and it is not absurdly conservative: above the lower 2.5 % bound of what covariance
  intersection gives at best for independent errors (the average NEES of n equally good,
  independent estimates fused by CI is 6/n, as CI then keeps the covariance of one of them).
"""

import numpy as np
import pytest
from scipy.stats import chi2

from triwatch.fusion.covariance_intersection import covariance_intersection
from triwatch.fusion.picture import AlliedPicture
from triwatch.geo.frames import geodetic_to_ecef
from triwatch.messages import TrackReport
from triwatch.physics.propagate import propagate

RUNS = 400
DIM = 6
R0 = geodetic_to_ecef(np.radians(39.5), np.radians(131.0), 450e3)
V0 = np.array([1500.0, 2500.0, 300.0])


def line_of_sight_cov(los: np.ndarray, sigma_range: float, sigma_cross: float, sv_range: float, sv_cross: float):
    """A radar-like track covariance: precise along the line of sight, coarse across it."""
    u = los / np.linalg.norm(los)
    a = np.linalg.qr(np.c_[u, np.eye(3)[:, :2]])[0]  # orthonormal basis with u first
    pos = a @ np.diag([sigma_range**2, sigma_cross**2, sigma_cross**2]) @ a.T
    vel = a @ np.diag([sv_range**2, sv_cross**2, sv_cross**2]) @ a.T
    return np.block([[pos, np.zeros((3, 3))], [np.zeros((3, 3)), vel]])


# Three nations looking from different directions, one far better than the others.
COVS = np.array(
    [
        line_of_sight_cov(np.array([1.0, 0.2, 0.1]), 40.0, 600.0, 2.0, 15.0),
        line_of_sight_cov(np.array([-0.3, 1.0, 0.4]), 80.0, 1500.0, 4.0, 30.0),
        line_of_sight_cov(np.array([0.2, -0.5, 1.0]), 120.0, 2500.0, 6.0, 50.0),
    ]
)


def draw_errors(rng: np.random.Generator, shared: float) -> np.ndarray:
    """Errors (n, 6) with cov(e_i) = COVS[i] and a shared part: e_i = sqrt(shared) L_i z0 + sqrt(1 - shared) L_i z_i."""
    L = np.linalg.cholesky(COVS)
    z0 = rng.standard_normal(DIM)
    z = rng.standard_normal((len(COVS), DIM))
    return np.sqrt(shared) * (L @ z0) + np.sqrt(1.0 - shared) * np.einsum("nij,nj->ni", L, z)


def nees(e: np.ndarray, P: np.ndarray) -> np.ndarray:
    return np.einsum("ni,ni->n", e, np.linalg.solve(P, e[..., None])[..., 0])


def bounds(runs: int, floor_dof: float) -> tuple[float, float]:
    upper = chi2.ppf(0.975, runs * DIM) / runs
    lower = chi2.ppf(0.025, runs * DIM) / runs * floor_dof / DIM
    return lower, upper


@pytest.mark.parametrize("shared", [0.0, 0.5, 0.95])
def test_ci_fusion_is_consistent_and_no_worse_than_the_best_nation(shared):
    rng = np.random.default_rng(20230413)
    truth = np.r_[R0, V0]
    fused_err, fused_P, national_err = [], [], []
    for _ in range(RUNS):
        e = draw_errors(rng, shared)
        x, P = covariance_intersection(truth + e, COVS)
        fused_err.append(x - truth)
        fused_P.append(P)
        national_err.append(e)
    fused_err, fused_P, national_err = np.array(fused_err), np.array(fused_P), np.array(national_err)
    mean_nees = nees(fused_err, fused_P).mean()
    lower, upper = bounds(RUNS, DIM / len(COVS))
    assert lower < mean_nees < upper, f"shared={shared}: mean NEES {mean_nees:.2f} outside ({lower:.2f}, {upper:.2f})"
    rms = lambda err, sl: np.sqrt(np.mean(np.sum(err[..., sl] ** 2, axis=-1), axis=0))  # noqa: E731
    for sl in (slice(0, 3), slice(3, 6)):
        best = rms(national_err, sl).min()
        assert rms(fused_err, sl) <= best, f"shared={shared}: fused RMS {rms(fused_err, sl):.1f} > best {best:.1f}"


def test_the_allied_picture_fuses_staggered_reports_consistently():
    """The whole path: three nations' reports at different times, flown to one time and fused by the picture."""
    rng = np.random.default_rng(7)
    offsets = np.array([0.0, -0.7, -1.9])  # each nation's report is of a slightly older state
    flown = [propagate(R0[None], V0[None], dt) for dt in offsets]
    r_then, v_then = np.array([r[0] for r, _ in flown]), np.array([v[0] for _, v in flown])
    fused_err, fused_P, national_err = [], [], []
    runs = RUNS // 2
    for k in range(runs):
        pic = AlliedPicture("USA")
        errors = draw_errors(rng, 0.5)
        for i, nation in enumerate(("USA", "JPN", "KOR")):
            x = np.r_[r_then[i], v_then[i]] + errors[i]
            pic.ingest(
                nation, TrackReport(f"{nation}-{k}", 100.0 + offsets[i], x.tolist(), COVS[i].tolist(), "confirmed")
            )
        (st,) = pic.tracks.values()
        assert st.pedigree == ["JPN", "KOR", "USA"] and st.time_s == 100.0
        fused_err.append(st.x - np.r_[R0, V0])
        fused_P.append(st.P)
        national_err.append(errors)
    fused_err, fused_P, national_err = np.array(fused_err), np.array(fused_P), np.array(national_err)
    mean_nees = nees(fused_err, fused_P).mean()
    lower, upper = bounds(runs, DIM / 3)
    assert lower < mean_nees < upper, f"mean NEES {mean_nees:.2f} outside ({lower:.2f}, {upper:.2f})"
    best = np.sqrt(np.mean(np.sum(national_err[:, 0, :3] ** 2, axis=-1)))
    assert np.sqrt(np.mean(np.sum(fused_err[:, :3] ** 2, axis=-1))) <= best


def test_the_picture_learns_each_nations_over_confidence_and_its_fusion_stays_consistent():
    """Nations whose errors are 4x, 2x and 1x the covariance they report (fusion.calibration): after some
    objects the picture's scales approach those, and the fused states are consistent and no worse than
    the best nation's, which without calibration they are not (the first objects)."""
    rng = np.random.default_rng(11)
    over = np.array([4.0, 2.0, 1.0])
    offsets = np.array([0.0, -0.3, -0.6])  # reports fresh enough (fusion.calibration.FRESH_S) to learn from
    flown = [propagate(R0[None], V0[None], dt) for dt in offsets]
    r_then, v_then = np.array([r[0] for r, _ in flown]), np.array([v[0] for _, v in flown])
    pic = AlliedPicture("USA", calibrate=True)
    fused_err, fused_P, national_err = [], [], []
    for k in range(300):
        errors = draw_errors(rng, 0.0) * np.sqrt(over)[:, None]
        t = 100.0 * (k + 1)  # one object after another: each earlier system track is stale by then
        for i, nation in enumerate(("USA", "JPN", "KOR")):
            x = np.r_[r_then[i], v_then[i]] + errors[i]
            pic.ingest(nation, TrackReport(f"{nation}-{k}", t + offsets[i], x.tolist(), COVS[i].tolist(), "confirmed"))
        st = max(pic.tracks.values(), key=lambda s: s.time_s)
        fused_err.append(st.x - np.r_[R0, V0])
        fused_P.append(st.P)
        national_err.append(errors)
    s = pic.calibration.scales(["USA", "JPN", "KOR"])
    assert 2.5 < s[0] < 5.0 and 1.4 < s[1] < 2.6 and s[2] < 1.4, s
    late = slice(150, None)
    fused_err, fused_P, national_err = np.array(fused_err)[late], np.array(fused_P)[late], np.array(national_err)[late]
    runs = fused_err.shape[0]
    mean_nees = nees(fused_err, fused_P).mean()
    assert mean_nees < chi2.ppf(0.975, runs * DIM) / runs, mean_nees
    best = np.sqrt(np.mean(np.sum(national_err[:, :, :3] ** 2, axis=-1), axis=0)).min()
    assert np.sqrt(np.mean(np.sum(fused_err[:, :3] ** 2, axis=-1))) <= best
