"""How much of the predicted impact distribution falls in each area: the rule that names threatened areas.

The tracker's impact prediction is a Gaussian on the ground: a mean point and a 2 x 2 East/North
covariance C (`tracking.impact`, from the sigma points flown to the ground). The probability that
the object comes down in an area A is the Gaussian's mass over A,

    p(A) = integral over A of N(e; 0, C) de.

It is computed by an equal-mass quadrature: the standard normal plane is cut into RINGS rings of
equal probability (the radius of a 2-D standard normal is Rayleigh, so the ring k of K holds the
radii between quantiles (k-1)/K and k/K, r(u) = sqrt(-2 ln(1 - u))) and SECTORS equal sectors;
each of the RINGS x SECTORS cells carries the same mass and is represented by its centre (radius
quantile (k - 1/2)/K, mid angle). The cell centres z are mapped to the ground by e = C^1/2 z, put on
the globe by the same small-offset rule as the ellipse (`warning.ellipse.offsets_to_geodetic`), and
classified by the area raster (`geo.areas.area_codes_at`); p(A) is the share of cells in A. No
random numbers: the same prediction always names the same areas. The error is at most the mass of
the cells an area boundary cuts (~1/RINGS of the mass along a straight boundary through the
centre, much less elsewhere).

Why mass, not contact. The rule before named every area the 95 % ellipse touched. That is a
threshold on distance, not on probability: an ellipse grazing an area puts ~0.7 % of its mass
beyond a straight edge it touches, and less in a corner, and the wider (more honest) the
covariance, the more areas far from the mean it touches. A warning is an instruction to people to
shelter, so its rule should be what the warning is for: warn an area when the chance the object
falls there is worth the cost of a false alarm. With C_miss the cost of not warning an area that
is hit and C_false that of warning one that is not, warning is right when p C_miss > (1 - p) C_false,
i.e. p > C_false / (C_miss + C_false). A missed warning costs lives; a false one costs a shelter
order obeyed in vain and trust in the next one (the April 2023 alert named a wrong area and was
withdrawn). Rating a miss 19 times a false alarm gives MIN_AREA_MASS = 5 %: every area with at
least a 1-in-20 chance of being hit is warned, and an area the ellipse only grazes is not.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.areas import AREAS, area_codes_at
from triwatch.warning.ellipse import offsets_to_geodetic

# p > C_false / (C_miss + C_false) with C_miss = 19 C_false: an area with a 1-in-20 chance of being hit is warned.
MIN_AREA_MASS = 0.05
# An area already warned stays predicted while it keeps this much (warning.lifecycle): naming at 5 % and
# releasing below 2 % is the hysteresis band that keeps a mass hovering near 5 % from flapping a public warning.
KEEP_AREA_MASS = 0.02
RINGS = 32
SECTORS = 64


def _unit_cells(rings: int = RINGS, sectors: int = SECTORS) -> np.ndarray:
    """Centres (rings * sectors, 2) of the equal-mass cells of the 2-D standard normal."""
    u = (np.arange(rings) + 0.5) / rings
    radius = np.sqrt(-2.0 * np.log1p(-u))  # Rayleigh quantile of u
    angle = (np.arange(sectors) + 0.5) * (2.0 * np.pi / sectors)
    return (radius[:, None, None] * np.stack([np.cos(angle), np.sin(angle)], axis=-1)[None]).reshape(-1, 2)


UNIT_CELLS = _unit_cells()


def _checked(lat_rad, lon_rad, cov_en_m2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat = np.atleast_1d(np.asarray(lat_rad, float))
    lon = np.atleast_1d(np.asarray(lon_rad, float))
    cov = np.asarray(cov_en_m2, float)
    cov = cov[None] if cov.ndim == 2 else cov
    if lat.ndim != 1 or lon.shape != lat.shape or cov.shape != (lat.size, 2, 2):
        raise ValueError(
            f"impact_mass: lat {lat.shape}, lon {lon.shape} and cov_en_m2 {cov.shape}; want (K,), (K,) and (K, 2, 2)"
        )
    for name, value in (("lat_rad", lat), ("lon_rad", lon), ("cov_en_m2", cov)):
        if not np.all(np.isfinite(value)):
            raise ValueError(f"impact_mass: {name} holds non-finite values ({value.tolist()})")
    if np.any(np.abs(lat) > np.pi / 2):
        raise ValueError(f"impact_mass: lat_rad {lat.tolist()} outside [-pi/2, pi/2] (degrees passed as radians?)")
    if not np.allclose(cov, np.swapaxes(cov, 1, 2), rtol=1e-6, atol=1e-6 * np.abs(cov).max()):
        raise ValueError(f"impact_mass: cov_en_m2 is not symmetric ({cov.tolist()})")
    vals = np.linalg.eigvalsh(cov)
    if np.any(vals < -1e-9 * np.maximum(np.abs(vals).max(axis=1, keepdims=True), 1.0)):
        raise ValueError(f"impact_mass: cov_en_m2 is not positive semi-definite (eigenvalues {vals.tolist()})")
    return lat, lon, cov


def area_masses(lat_rad, lon_rad, cov_en_m2) -> np.ndarray:
    """Probability mass (K, len(AREAS)) of each of K impact Gaussians in every area of `geo.areas.AREAS`.

    lat_rad, lon_rad (K,) or scalars: mean impact points; cov_en_m2 (K, 2, 2) or (2, 2): East/North
    covariances in m^2. Each row sums to 1. All K predictions are classified in one raster look-up.
    """
    lat, lon, cov = _checked(lat_rad, lon_rad, cov_en_m2)
    vals, vecs = np.linalg.eigh(0.5 * (cov + np.swapaxes(cov, 1, 2)))
    root = vecs * np.sqrt(np.maximum(vals, 0.0))[:, None, :]  # C^1/2 up to a rotation, which the cells do not see
    en = np.einsum("kij,nj->kni", root, UNIT_CELLS)  # (K, N, 2) East/North offsets
    lats, lons = offsets_to_geodetic(lat[:, None], lon[:, None], en[..., 0], en[..., 1])
    codes = area_codes_at(lats, lons)  # (K, N)
    k = lat.size
    counts = np.bincount((codes + len(AREAS) * np.arange(k)[:, None]).ravel(), minlength=k * len(AREAS))
    return counts.reshape(k, len(AREAS)) / UNIT_CELLS.shape[0]


def impact_area_masses(lat_rad: float, lon_rad: float, cov_en_m2: np.ndarray) -> dict[str, float]:
    """Mass of one impact Gaussian in each area it reaches at all: {area name: probability}."""
    masses = area_masses(lat_rad, lon_rad, cov_en_m2)[0]
    return {AREAS[i]: float(masses[i]) for i in np.flatnonzero(masses)}


def threatened_areas(masses: dict[str, float], min_mass: float = MIN_AREA_MASS) -> list[str]:
    """The areas whose impact probability reaches min_mass (sorted names)."""
    if not 0.0 < min_mass <= 1.0:
        raise ValueError(f"threatened_areas: min_mass must be in (0, 1], got {min_mass!r}")
    return sorted(a for a, p in masses.items() if p >= min_mass)
