"""Public warning-timing benchmarks, for context next to the run's own figures.

From open reporting as collected in shared/data/public-facts.md (Japan's J-Alert
public warnings, minutes after launch). They time a public alert to residents,
end to end through a national chain; the run's figures time delivery of an allied
warning to a command centre. They are context, not a like-for-like score.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    label: str
    short: str  # for figure labels
    seconds_after_launch: float
    note: str


J_ALERT = (
    Benchmark("J-Alert 29 Aug 2017", "29 Aug 2017", 4 * 60, "about 4 min after launch"),
    Benchmark("J-Alert 15 Sep 2017", "15 Sep 2017", 3 * 60, "about 3 min after launch"),
    Benchmark(
        "J-Alert 4 Oct 2022, first alert",
        "4 Oct 2022 first",
        5 * 60,
        "about 5 min (Hokkaido; some Tokyo islands by mistake)",
    ),
    Benchmark(
        "J-Alert 4 Oct 2022, Aomori",
        "4 Oct 2022 Aomori",
        7 * 60,
        "about 7 min, after the missile had passed over Aomori",
    ),
)
REACH_JAPAN_S = 10 * 60  # "A missile reaches Japan in ~10 min" (public facts)
SOURCE = "public reporting collected in shared/data/public-facts.md"
