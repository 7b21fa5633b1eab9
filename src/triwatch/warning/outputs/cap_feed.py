"""An Atom feed (RFC 4287) of a run's CAP alerts, as CAP aggregators poll them.

One `<entry>` per CAP file, newest first: id = a tag URI of the CAP identifier, updated and
published = its sent time, title = the English headline, a `link rel="alternate"
type="application/cap+xml"` to the file (relative to the feed), and the CAP status and msgType
as category terms so a reader can filter exercises out.

Written with lxml rather than PyPI `feedgen`: feedgen 1.0.0 drops the `rel` and `type` of an
entry's links (its entry.py rebinds the loop variable before reading them), and a CAP feed is
useless without `type="application/cap+xml"`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from lxml import etree
from lxml.builder import ElementMaker

ATOM_NS = "http://www.w3.org/2005/Atom"
_A = ElementMaker(namespace=ATOM_NS, nsmap={None: ATOM_NS})


class FeedItem(NamedTuple):
    """What the feed says of one CAP alert."""

    identifier: str
    sent: datetime
    title: str
    href: str
    status: str
    msg_type: str
    summary: str = ""


def _tag(identifier: str, when: datetime) -> str:
    return f"tag:triwatch.example,{when:%Y-%m-%d}:{identifier}"


def _rfc3339(when: datetime) -> str:
    if when.tzinfo is None:
        raise ValueError(f"feed time {when.isoformat()}: must be timezone-aware")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cap_feed(items: Sequence[FeedItem], *, feed_id: str, title: str, updated: datetime) -> bytes:
    """The Atom XML (UTF-8 bytes) listing items newest first; `updated` is used when items is empty."""
    latest = max((i.sent for i in items), default=updated)
    entries = []
    for item in sorted(items, key=lambda i: (i.sent, i.identifier), reverse=True):
        parts = [
            _A.id(_tag(item.identifier, item.sent)),
            _A.title(item.title),
            _A.updated(_rfc3339(item.sent)),
            _A.published(_rfc3339(item.sent)),
            _A.link(href=item.href, rel="alternate", type="application/cap+xml"),
            _A.category(term=item.status),
            _A.category(term=item.msg_type),
        ]
        if item.summary:
            parts.append(_A.summary(item.summary))
        entries.append(_A.entry(*parts))
    feed = _A.feed(
        _A.id(_tag(feed_id, updated)),
        _A.title(title),
        _A.updated(_rfc3339(latest)),
        _A.author(_A.name("triwatch")),
        _A.link(href="feed.atom", rel="self", type="application/atom+xml"),
        *entries,
    )
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
