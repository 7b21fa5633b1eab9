"""Property tests: over many random policies and messages, delivery matches the label exactly.

For every message: each nation in its label (other than the origin) receives it exactly once,
and no nation outside the label receives it: zero leaks, zero wrongful withholdings. The hub
relays (hub topology) but reads into its own picture only what its label allows.

200 random policies x 50 random messages = 10,000 messages, on the MemoryBus.
"""

from collections import Counter

from fabric_net import make_net
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triwatch.fabric import KINDS, KeyRing, Label
from triwatch.fabric.labels import Classification

ALL = ["USA", "JPN", "KOR", "AUS", "PHL"]
KEYS = KeyRing.generate(ALL)


@st.composite
def policies(draw):
    nations = draw(st.lists(st.sampled_from(ALL), min_size=2, max_size=5, unique=True))
    overrides: dict = {}
    for origin in nations:
        for kind in KINDS:
            if draw(st.booleans()):
                rule = {"rel_to": draw(st.lists(st.sampled_from(nations), unique=True))}
                if draw(st.booleans()):
                    rule["classification"] = draw(st.sampled_from(list(Classification.__members__)))
                overrides.setdefault(origin, {})[kind] = rule
    topology = draw(st.sampled_from(["hub", "mesh"]))
    hub = draw(st.sampled_from(nations))
    return nations, overrides, topology, hub


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(policies(), st.lists(st.tuples(st.integers(0, 4), st.sampled_from(KINDS)), min_size=50, max_size=50))
def test_delivery_matches_label_exactly(policy_args, messages):
    nations, overrides, topology, hub = policy_args
    net = make_net(nations, overrides, topology, hub, keys=KEYS)
    expected: Counter = Counter()
    labels: dict[str, Label] = {}
    for pick, kind in messages:
        origin = nations[pick % len(nations)]
        res = net.ep[origin].publish(kind, {"n": len(labels)})
        label = net.policy.label_for(origin, kind)
        labels[res.msg_id] = label
        assert set(res.sent_to) == {n for n in nations if n != origin and label.allows(n)}
        assert set(res.withheld_from) == {n for n in nations if n != origin and not label.allows(n)}
        for n in res.sent_to:
            expected[(n, res.msg_id)] += 1
    got = net.settle()
    delivered = Counter((n, d.msg_id) for n, ds in got.items() for d in ds)
    for (n, msg_id), _count in delivered.items():
        assert labels[msg_id].allows(n), f"leak: {msg_id} delivered to {n} outside {labels[msg_id]}"
    assert delivered == expected  # nothing releasable withheld, nothing delivered twice
    for n in nations:
        assert net.ep[n].stats()["refused"]["count"] == 0


@settings(max_examples=400, deadline=None)
@given(
    st.sets(st.sampled_from(ALL), max_size=5),
    st.sampled_from(list(Classification)),
    st.sets(st.sampled_from(ALL), max_size=5),
    st.sampled_from(list(Classification)),
)
def test_label_within_is_subset_and_higher(rel_a, cls_a, rel_b, cls_b):
    a, b = Label(cls_a, frozenset(rel_a)), Label(cls_b, frozenset(rel_b))
    assert a.within(b) == (rel_a <= rel_b and cls_a >= cls_b)
    for n in ALL:
        assert a.allows(n) == (n in rel_a)
