"""When two co-flying objects part: trade a nation's two members between their system tracks, not split a third off.

A warhead and the stage it left fly metres apart through midcourse. Each nation tracks both, and
which of its two tracks joined which of the two system tracks was a coin toss (each correlated
to the nearest, and they were metres apart); a tracker whose parent track ended leaves two
sibling tracks whose ids no payload vote places. So a system track can hold one nation's track of
the warhead beside another nation's track of the stage. In re-entry the air parts them, and the
split rule (`AlliedPicture._still_fits`) takes off whichever member first misfits its fellows
`split_after` times, usually the nation reporting most often, and gives it a new number: on hs17
USA's track of the stage left the stage's system track (whose other live member, JPN's, was on
the warhead) and the stage was renumbered at 4,220 s, while JPN's track of the stage sat in the
warhead's system track.

The rule: before a member m splits off system track A, look for a *trade*: a member o of A (m
itself or another) and a member o' of the same nation in another live system track B that is
itself no longer consistent (its members too have parted), such that after exchanging o and o'
each side is consistent: every member fits the covariance intersection of its fellows flown to
its time (the split rule's chi-square gate). A side may leave out a minority of members that
fit neither way, never m, o or o' (and only when no trade makes every member fit: on a
three-nation pair, trading USA's tracks with KOR's left out as a misfit is worse than trading
JPN's with all fitting): a member last heard as the objects began to part (on hs17
KOR's re-acquired track, 0.7 km off both, 10 s old) is flown on with a drag it does not know and
lands between them; it stays where it is, for the split rule to judge. A nation's two tracks in
two system tracks stay two objects, so the trade keeps what the nations say; it only says which
object each system track is. When no trade makes both sides consistent (one member is simply
off, or the two system tracks are not one pair of parted objects), the split goes ahead as before.
Members count as live within ``window_s`` of the misfitting report (the split rule's window).
"""

from __future__ import annotations

import numpy as np

from triwatch.fusion.covariance_intersection import covariance_intersection
from triwatch.fusion.predict import predict_members
from triwatch.fusion.system_track import Member, SystemTrack

Key = tuple[str, str]


def misfit_d2(member: Member, others: list[Member], allowance_rr: np.ndarray) -> float:
    """Chi-square (3 dof) of member's position against the covariance intersection of others flown to its time."""
    if not others:
        return 0.0
    xs, Ps = predict_members(others, member.report.time_s)
    xo, Po = covariance_intersection(xs, Ps)
    d = member.x[:3] - xo[:3]
    return float(d @ np.linalg.solve(member.P[:3, :3] + Po[:3, :3] + allowance_rr, d))


def consistent(
    members: dict[Key, Member], allowance_rr: np.ndarray, gate: float, keep: frozenset[Key] = frozenset()
) -> bool:
    """Whether the members, less a minority that misfits (never one of keep), all fit the fusion of the others.

    The worst misfit outside keep is left out, one at a time, while the rest disagree and the
    left-out stay fewer than the kept. At least two members must remain: one alone tells nothing.
    """
    core = dict(members)
    while len(core) >= 2:
        d2 = {k: misfit_d2(m, [o for j, o in core.items() if j != k], allowance_rr) for k, m in core.items()}
        if max(d2.values()) < gate:
            return True
        free = [k for k in core if k not in keep]
        if not free or 2 * (len(members) - len(core) + 1) >= len(members):
            return False
        del core[max(free, key=d2.__getitem__)]
    return False


def find_trade(
    key: Key,
    latest: Member,
    a: SystemTrack,
    tracks: list[SystemTrack],
    window_s: float,
    allowance_rr: np.ndarray,
    gate: float,
) -> tuple[Key, SystemTrack, Key] | None:
    """A trade (o in a, system track b, o' in b) that makes a and b consistent, m = key with its latest report.

    tracks: the other live system tracks. Returns None when no trade does (see the module docstring).
    """
    t = latest.report.time_s
    live_a = {k: m for k, m in a.members.items() if abs(t - m.report.time_s) <= window_s}
    live_a[key] = latest
    pairs = []
    for b in tracks:
        live_b = {k: m for k, m in b.members.items() if abs(t - m.report.time_s) <= window_s}
        if b is a or consistent(live_b, allowance_rr, gate, frozenset(live_b)):  # strict: every member fits
            continue  # b is one object: its members are not the other half of a's misfit
        for ko, o in live_a.items():
            for kp, p in live_b.items():
                if kp[0] == ko[0]:  # a trade is between one nation's two tracks
                    new_a = {k: m for k, m in live_a.items() if k != ko} | {kp: p}
                    new_b = {k: m for k, m in live_b.items() if k != kp} | {ko: o}
                    pairs.append((ko, b, kp, new_a, new_b))
    # first a trade after which every member fits, then one that leaves a minority out
    for strict in (True, False):
        for ko, b, kp, new_a, new_b in pairs:
            moved = frozenset((key, ko, kp))
            keep_a, keep_b = (frozenset(new_a), frozenset(new_b)) if strict else (moved, moved)
            if consistent(new_a, allowance_rr, gate, keep_a) and consistent(new_b, allowance_rr, gate, keep_b):
                return ko, b, kp
    return None


def trade(picture, key: Key, number: str, latest: Member) -> str | None:
    """Before key splits off system track number of picture (an AlliedPicture): make a trade if one is found.

    Exchanges o and o' between the two system tracks, clears their members' misfit counts, fuses
    both again, and returns the system track number key now belongs to; None when no trade makes
    both sides consistent (the split then goes ahead in the picture).
    """
    a = picture.tracks[number]
    others = [st for st in picture._live(latest.report.time_s) if st is not a and st.members]
    found = find_trade(key, latest, a, others, picture.superseded_s, picture.allowance[:3, :3], picture.gate)
    if found is None:
        return None
    ko, b, kp = found
    mo = latest if ko == key else a.members[ko]
    a.members.pop(ko, None)
    a.members[kp] = b.members.pop(kp)
    b.members[ko] = mo
    picture._assignment[kp], picture._assignment[ko] = a.number, b.number
    for k in list(a.members) + list(b.members):
        picture._misfits.pop(k, None)
    picture._fuse(b)
    if ko != key:
        picture._fuse(a)
    return b.number if ko == key else number
