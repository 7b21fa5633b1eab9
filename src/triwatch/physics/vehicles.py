"""Vehicle profiles: stages, payload and ballistic coefficients, from public reporting.

Every number is an open-source approximation (press reporting, public analyses of
North Korean missiles: CSIS Missile Threat, IISS, 38 North) rounded to what matters
here: how long each stage burns and how much velocity it can give. Nothing is an
exact figure of a real missile, and the design solver (``design``) only needs each
profile to have enough energy for the flights asked of it.

Thrust model of a stage: constant mass flow mdot = propellant / burn time, and
constant thrust F = mdot * Isp * g0 (vacuum-like effective Isp), so the ideal
velocity a stage gives is Tsiolkovsky's dv = Isp g0 ln(m_start / m_end).

Ballistic coefficient beta = m / (Cd A) (kg/m^2): drag deceleration is
rho v^2 / (2 beta). A slender re-entry vehicle has a large beta (falls fast
through air); a tumbling spent stage a small one (slows and falls steeply).
"""

from __future__ import annotations

from dataclasses import dataclass

from triwatch.geo.wgs84 import G0_M_S2


@dataclass(frozen=True)
class Stage:
    """One propulsive stage: loaded mass, the propellant in it, how long it burns, effective Isp."""

    mass_kg: float
    propellant_kg: float
    burn_s: float
    isp_s: float

    @property
    def dry_kg(self) -> float:
        return self.mass_kg - self.propellant_kg

    @property
    def mass_flow_kg_s(self) -> float:
        return self.propellant_kg / self.burn_s

    @property
    def thrust_n(self) -> float:
        return self.mass_flow_kg_s * self.isp_s * G0_M_S2


@dataclass(frozen=True)
class Vehicle:
    """A missile: stages fired in order, a payload (the RV, plus any bus), and how it flies out of the pad.

    vertical_rise_s: time flown straight up before the pitch-over.
    pitchover_s: time over which the thrust tilts from vertical to the kick angle; after it
    the thrust follows the Earth-relative velocity (gravity turn).
    body_cda_m2: drag area Cd*A of the whole stack during boost.
    depressed_apogee_fraction: a "depressed" flight peaks at this fraction of the
    minimum-energy apogee for its range.
    rv_separates: False for missiles that fly to the target in one piece (then the last
    stage is not a separate object; rv_beta is that of the whole body).
    rv_lift_to_drag: L/D of the payload on its way down (0: purely ballistic).
    """

    name: str
    description: str
    stages: tuple[Stage, ...]
    payload_kg: float
    rv_beta_kg_m2: float
    stage_beta_kg_m2: float
    body_cda_m2: float
    vertical_rise_s: float
    pitchover_s: float
    depressed_apogee_fraction: float = 0.5
    rv_separates: bool = True
    rv_lift_to_drag: float = 0.0

    @property
    def launch_mass_kg(self) -> float:
        return self.payload_kg + sum(s.mass_kg for s in self.stages)

    @property
    def burn_s(self) -> float:
        return sum(s.burn_s for s in self.stages)


VEHICLES: dict[str, Vehicle] = {
    # Hwasong-6 / Scud-C class liquid SRBM: ~6.4 t at launch, one ~70 s burn, ~0.7 t warhead,
    # reported reach ~500 km. Separating warhead; the tank falls behind it.
    "srbm": Vehicle(
        name="srbm",
        description="Scud-C class liquid single-stage SRBM (~500 km)",
        stages=(Stage(mass_kg=5700.0, propellant_kg=4600.0, burn_s=70.0, isp_s=255.0),),
        payload_kg=700.0,
        rv_beta_kg_m2=5000.0,
        stage_beta_kg_m2=600.0,
        body_cda_m2=0.25,
        vertical_rise_s=6.0,
        pitchover_s=12.0,
        depressed_apogee_fraction=0.65,
    ),
    # KN-23 (Hwasong-11Ga) class solid SRBM: ~3.4 t, ~40 s burn, ~0.5 t payload, up to ~690 km on
    # a depressed path (apogee ~50 km). It stays in one piece and flattens its dive with
    # aerodynamic lift (the reported "pull-up"); L/D ~1.5 is a guess for a finned slender body.
    "kn-23": Vehicle(
        name="kn-23",
        description="KN-23 class solid SRBM, flown on a depressed path (~50 km apogee)",
        stages=(Stage(mass_kg=3100.0, propellant_kg=2600.0, burn_s=40.0, isp_s=275.0),),
        payload_kg=500.0,
        rv_beta_kg_m2=8000.0,
        stage_beta_kg_m2=1500.0,
        body_cda_m2=0.18,
        vertical_rise_s=4.0,
        pitchover_s=8.0,
        depressed_apogee_fraction=0.45,
        rv_separates=False,
        rv_lift_to_drag=1.5,
    ),
    # Hwasong-7 (Nodong) class liquid MRBM: ~16 t, ~110 s burn, ~1 t warhead, ~1,300 km.
    "mrbm": Vehicle(
        name="mrbm",
        description="Nodong class liquid single-stage MRBM (~1,300 km)",
        stages=(Stage(mass_kg=15000.0, propellant_kg=12900.0, burn_s=110.0, isp_s=265.0),),
        payload_kg=1000.0,
        rv_beta_kg_m2=5000.0,
        stage_beta_kg_m2=800.0,
        body_cda_m2=0.6,
        vertical_rise_s=8.0,
        pitchover_s=15.0,
    ),
    # Hwasong-12 class IRBM: one Paektusan-engine liquid stage (~24 t, ~140 s), plus a small
    # post-boost stage that trims the velocity; ~0.65 t RV; ~4,500 km or more.
    "irbm": Vehicle(
        name="irbm",
        description="Hwasong-12 class liquid IRBM with a post-boost stage (~4,500 km)",
        stages=(
            Stage(mass_kg=23000.0, propellant_kg=20800.0, burn_s=140.0, isp_s=300.0),
            Stage(mass_kg=1300.0, propellant_kg=900.0, burn_s=40.0, isp_s=285.0),
        ),
        payload_kg=650.0,
        rv_beta_kg_m2=6000.0,
        stage_beta_kg_m2=800.0,
        body_cda_m2=0.8,
        vertical_rise_s=8.0,
        pitchover_s=15.0,
    ),
    # Hwasong-17 class two-stage liquid ICBM: ~100 t, first stage of four engines (~130 s),
    # second stage ~140 s; ~1.5 t payload; can reach the whole of the US on a normal path and
    # ~6,000 km apogee when lofted.
    "icbm": Vehicle(
        name="icbm",
        description="Hwasong-17 class two-stage liquid ICBM (>13,000 km)",
        stages=(
            Stage(mass_kg=80000.0, propellant_kg=73000.0, burn_s=130.0, isp_s=300.0),
            Stage(mass_kg=18000.0, propellant_kg=16300.0, burn_s=140.0, isp_s=320.0),
        ),
        payload_kg=1500.0,
        rv_beta_kg_m2=8000.0,
        stage_beta_kg_m2=1000.0,
        body_cda_m2=2.0,
        vertical_rise_s=10.0,
        pitchover_s=20.0,
    ),
    # Pukguksong-3 class two-stage solid SLBM: ~14 t, short solid burns (~60 s + ~45 s), ~0.7 t RV,
    # ~1,900 km; 2 Oct 2019 test flew ~910 km apogee, ~450 km range (lofted).
    "slbm": Vehicle(
        name="slbm",
        description="Pukguksong-3 class two-stage solid SLBM (~1,900 km)",
        stages=(
            Stage(mass_kg=10000.0, propellant_kg=8600.0, burn_s=60.0, isp_s=260.0),
            Stage(mass_kg=2900.0, propellant_kg=2400.0, burn_s=45.0, isp_s=270.0),
        ),
        payload_kg=700.0,
        rv_beta_kg_m2=5000.0,
        stage_beta_kg_m2=900.0,
        body_cda_m2=0.6,
        vertical_rise_s=6.0,
        pitchover_s=12.0,
    ),
}


def vehicle_names() -> list[str]:
    """Names of the built-in vehicle profiles."""
    return sorted(VEHICLES)


def get_vehicle(name: str) -> Vehicle:
    """The named profile; KeyError naming the known vehicles otherwise."""
    key = str(name).strip().lower()
    if key not in VEHICLES:
        raise KeyError(f"unknown vehicle {name!r}; known: {', '.join(vehicle_names())}")
    return VEHICLES[key]
