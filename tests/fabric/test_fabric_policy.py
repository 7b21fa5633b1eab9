import pytest

from triwatch.fabric import KINDS, Classification, Label, PolicyError, ReleasePolicy

NATIONS = ["USA", "JPN", "KOR"]


def test_defaults_follow_public_facts():
    p = ReleasePolicy.from_config(NATIONS)
    for origin in NATIONS:
        for kind in ("tracks", "warnings", "acks"):
            assert p.label_for(origin, kind).releasable_to == frozenset(NATIONS)
        for kind in ("detections", "sensor-identity"):
            assert p.label_for(origin, kind).releasable_to == frozenset({origin})
    assert set(KINDS) == {"detections", "tracks", "warnings", "acks", "sensor-identity"}


def test_override_adds_origin_and_keeps_other_kinds():
    p = ReleasePolicy.from_config(NATIONS, {"KOR": {"tracks": {"rel_to": ["USA"]}, "detections": {"rel_to": ["USA"]}}})
    assert p.label_for("KOR", "tracks").releasable_to == {"KOR", "USA"}
    assert p.label_for("KOR", "detections").releasable_to == {"KOR", "USA"}
    assert p.label_for("KOR", "warnings").releasable_to == set(NATIONS)
    assert p.label_for("JPN", "tracks").releasable_to == set(NATIONS)


def test_classification_override_and_order():
    p = ReleasePolicy.from_config(NATIONS, {"JPN": {"tracks": {"classification": "secret"}}})
    assert p.label_for("JPN", "tracks").classification is Classification.SECRET
    assert Classification.UNCLASSIFIED < Classification.RESTRICTED < Classification.CONFIDENTIAL < Classification.SECRET


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"overrides": {"KOR": {"tracks": {"rel_to": ["USA", "XXX"]}}}},
            "policy.KOR.tracks.rel_to[1]: unknown nation 'XXX'",
        ),
        ({"overrides": {"FRA": {"tracks": {"rel_to": ["USA"]}}}}, "policy.FRA: unknown nation 'FRA'"),
        ({"overrides": {"KOR": {"radar": {"rel_to": ["USA"]}}}}, "policy.KOR.radar: unknown kind 'radar'"),
        ({"overrides": {"KOR": {"tracks": {"release": ["USA"]}}}}, "policy.KOR.tracks.release: unknown field"),
        ({"overrides": {"KOR": {"tracks": {"rel_to": "USA"}}}}, "policy.KOR.tracks.rel_to: must be a list"),
        ({"overrides": {"KOR": ["tracks"]}}, "policy.KOR: must be a mapping"),
        ({"overrides": {"KOR": {"tracks": "USA"}}}, "policy.KOR.tracks: must be a mapping"),
        ({"overrides": {"KOR": {"tracks": {"classification": "TOP"}}}}, "policy.KOR.tracks.classification: unknown"),
        ({"overrides": ["KOR"]}, "policy: must be a mapping"),
        ({"topology": "ring"}, "topology: unknown topology 'ring'"),
        ({"hub": "AUS"}, "hub: 'AUS' is not one of the nations"),
    ],
)
def test_bad_policy_names_the_path(kwargs, message):
    with pytest.raises(PolicyError, match=None) as info:
        ReleasePolicy.from_config(NATIONS, **kwargs)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("nations", "message"),
    [
        ([], "nations: must be a non-empty list"),
        (["USA", "usa"], "nations[1]"),
        (["USA", "USA"], "listed twice"),
        ("USA", "nations:"),
    ],
)
def test_bad_nations(nations, message):
    with pytest.raises(PolicyError) as info:
        ReleasePolicy.from_config(nations)
    assert message in str(info.value)


def test_label_for_unknown_origin_or_kind():
    p = ReleasePolicy.from_config(NATIONS)
    with pytest.raises(PolicyError, match="unknown nation 'AUS'"):
        p.label_for("AUS", "tracks")
    with pytest.raises(PolicyError, match="unknown kind 'plots'"):
        p.label_for("USA", "plots")


def test_routes_hub_and_mesh():
    everyone = Label(Classification.CONFIDENTIAL, frozenset(NATIONS))
    hub = ReleasePolicy.from_config(NATIONS)
    assert hub.route("KOR", everyone) == {"USA": ("USA", "JPN")}
    assert hub.route("USA", everyone) == {"JPN": ("JPN",), "KOR": ("KOR",)}
    assert hub.relay_targets("USA", "KOR", everyone) == ("JPN",)
    assert hub.relay_targets("JPN", "KOR", everyone) == ()
    mesh = ReleasePolicy.from_config(NATIONS, topology="mesh")
    assert mesh.route("KOR", everyone) == {"USA": ("USA",), "JPN": ("JPN",)}
    assert mesh.relay_targets("USA", "KOR", everyone) == ()
    alone = Label(Classification.SECRET, frozenset({"KOR"}))
    assert hub.route("KOR", alone) == {}


def test_label_rules():
    lab = Label(Classification.RESTRICTED, frozenset({"USA", "JPN"}))
    assert lab.allows("USA") and not lab.allows("KOR")
    assert lab.within(Label(Classification.RESTRICTED, frozenset(NATIONS)))
    assert not lab.within(Label(Classification.SECRET, frozenset(NATIONS)))
    assert not Label(Classification.SECRET, frozenset(NATIONS)).within(lab)
    with pytest.raises(ValueError, match="not an ISO 3166"):
        Label(Classification.SECRET, frozenset({"usa"}))
    with pytest.raises(TypeError, match="frozenset"):
        Label(Classification.SECRET, {"USA"})
