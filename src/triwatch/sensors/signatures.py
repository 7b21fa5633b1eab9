"""Public-order signatures of ballistic-missile objects.

Radar cross-section (RCS) and infrared radiant intensity set how far a sensor
sees an object. Real signatures depend on band, aspect and design and are not
public; these are the orders of magnitude found in open literature and are
meant for exercises, not for engineering.

RCS (m^2), one value for all radar bands (a simplification: a cone-shaped
re-entry vehicle is smaller at X band than at L band):

- "rv": a re-entry vehicle seen nose-on to broadside, ~0.05 m^2 (open literature
  quotes 0.01-0.1 m^2 for conical RVs).
- "stage": a spent rocket stage or the whole boosting stack, ~5 m^2 (a tumbling
  cylinder metres long: 1-10 m^2).

Infrared radiant intensity (W/sr):

- Boost plume, whatever the role (the object carries the stack while it burns):
  ~3e5 W/sr in the short-wave bands early-warning satellites use; liquid IRBM/ICBM
  plumes are quoted at 1e5-1e6 W/sr, a Scud-class plume at ~1e4-1e5.
- Warm body after burnout, long-wave band: radiant intensity ~ eps sigma T^4 A / pi
  per unit projected area. An RV at ~300 K with ~1 m^2 projected area gives
  ~146 W/sr over all wavelengths, of which about a fifth lies in the 8-12 um band:
  ~30 W/sr. A spent stage (~10 m^2, warmer from the burn) ~300 W/sr.
"""

from __future__ import annotations

RCS_M2 = {"rv": 0.05, "stage": 5.0}
PLUME_W_SR = 3.0e5
BODY_W_SR = {"rv": 30.0, "stage": 300.0}
ROLES = tuple(RCS_M2)


def _check_role(role: str) -> str:
    if role not in RCS_M2:
        raise ValueError(f"unknown object role {role!r}; known roles: {', '.join(ROLES)}")
    return role


def default_rcs_m2(role: str) -> float:
    """Public-order radar cross-section (m^2) of an object by role: "rv" | "stage"."""
    return RCS_M2[_check_role(role)]


def ir_intensity_w_sr(role: str, thrusting: bool) -> float:
    """Infrared radiant intensity (W/sr): the boost plume while thrusting, else the warm body."""
    _check_role(role)
    return PLUME_W_SR if thrusting else BODY_W_SR[role]
