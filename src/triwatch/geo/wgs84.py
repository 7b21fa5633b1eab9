"""WGS84 constants, in SI units. One place, so every part agrees on the Earth."""

A_M = 6378137.0  # semi-major axis
F = 1.0 / 298.257223563  # flattening
B_M = A_M * (1.0 - F)  # semi-minor axis
E2 = F * (2.0 - F)  # first eccentricity squared
GM_M3_S2 = 3.986004418e14  # Earth's gravitational parameter
J2 = 1.08262982e-3  # second zonal harmonic (EGM96, unnormalised)
OMEGA_RAD_S = 7.292115e-5  # Earth rotation rate
MEAN_RADIUS_M = 6371008.8  # IUGG mean radius, for great-circle approximations
G0_M_S2 = 9.80665  # standard gravity, for thrust-to-weight and Isp
NMI_M = 1852.0  # one nautical mile
EEZ_LIMIT_M = 200.0 * NMI_M
