import random

import pytest

from triwatch.fabric import ReplayWindow


def test_window_rules():
    w = ReplayWindow(4)
    for seq in (1, 2, 3):
        assert w.check("KOR", seq, f"m{seq}") is None
        w.accept("KOR", seq, f"m{seq}")
    assert w.check("KOR", 3, "m3") == "duplicate"
    assert w.check("KOR", 3, "other") == "replay"
    assert w.check("JPN", 3, "m3") is None  # windows are per origin
    w.accept("KOR", 10, "m10")  # a jump: 1..6 slide out
    assert w.check("KOR", 6, "m6") == "replay"
    assert w.check("KOR", 7, "m7") is None  # late but inside the window
    assert w.top("KOR") == 10
    with pytest.raises(ValueError, match="size: must be >= 1"):
        ReplayWindow(0)


def test_out_of_order_stream_accepts_each_number_once_and_stays_bounded():
    rng = random.Random(3)
    size = 64
    w = ReplayWindow(size)
    seqs = list(range(1, 5001))
    # local shuffles: each number arrives at most ~size/2 places from its turn
    for start in range(0, len(seqs), size // 2):
        chunk = seqs[start : start + size // 2]
        rng.shuffle(chunk)
        seqs[start : start + size // 2] = chunk
    accepted = []
    for s in seqs + seqs[-100:] + seqs[:100]:  # then replay the newest and the oldest
        if w.check("KOR", s, f"m{s}") is None:
            w.accept("KOR", s, f"m{s}")
            accepted.append(s)
        assert len(w._seen["KOR"]) <= size
    assert sorted(accepted) == list(range(1, 5001))


def test_huge_jump_from_a_clock_based_start():
    w = ReplayWindow(8)
    w.accept("USA", 1, "a")
    w.accept("USA", 1_763_000_000_000_000, "b")
    assert w.check("USA", 1, "a") == "replay"
    assert len(w._seen["USA"]) == 1
