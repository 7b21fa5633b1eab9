"""Sessions of the COP: who is asking (nation, role), carried as a signed token.

`POST /api/login {nation, role}` returns a token; every other request presents
it as `Authorization: Bearer <token>` or the `triwatch_session` cookie. The
token is the JSON `{"n": nation, "r": role}` signed with HMAC-SHA1 plus a
timestamp by `itsdangerous.URLSafeTimedSerializer` (the library behind Flask's
sessions): it does the constant-time comparison, the encoding and the expiry we
would otherwise write ourselves. The key is 32 random bytes drawn when the
server starts and never stored, so tokens die with the server: right for an
exercise server, where nobody should keep a session across runs.

This is session scoping, not authentication: an exercise login chooses a
nation and a role without a password. A deployed node puts an identity provider
(mutual TLS or OpenID Connect) in front and maps its identities to these roles.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

ROLES: tuple[str, ...] = ("watch-officer", "commander", "analyst", "auditor")
ACK_ROLES: frozenset[str] = frozenset({"watch-officer", "commander"})  # may acknowledge warnings
CONTROL_ROLES: frozenset[str] = frozenset({"commander"})  # may pause/resume/pace a live run
COOKIE = "triwatch_session"
SESSION_MAX_AGE_S = 12 * 3600  # one watch, with margin


class SessionError(Exception):
    """A missing, forged or expired session token (the API answers 401)."""


@dataclass(frozen=True)
class Principal:
    nation: str
    role: str

    @property
    def may_acknowledge(self) -> bool:
        return self.role in ACK_ROLES

    @property
    def may_control(self) -> bool:
        return self.role in CONTROL_ROLES


class SessionSigner:
    """Issues and verifies session tokens with a per-server random key."""

    def __init__(self, key: bytes | None = None, max_age_s: int = SESSION_MAX_AGE_S) -> None:
        self._serializer = URLSafeTimedSerializer(key or secrets.token_bytes(32), salt="triwatch-session")
        self.max_age_s = max_age_s

    def issue(self, principal: Principal) -> str:
        return self._serializer.dumps({"n": principal.nation, "r": principal.role})

    def verify(self, token: str) -> Principal:
        try:
            data = self._serializer.loads(token, max_age=self.max_age_s)
        except SignatureExpired:
            raise SessionError("session expired: log in again") from None
        except BadSignature:
            raise SessionError("session token is not valid for this server: log in again") from None
        if not isinstance(data, dict) or data.get("r") not in ROLES or not isinstance(data.get("n"), str):
            raise SessionError("session token has no valid nation/role: log in again")
        return Principal(data["n"], data["r"])
