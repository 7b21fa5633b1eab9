"""Ed25519 keys: one key pair per nation; keys from ``cryptography``, signatures by libsodium.

Ed25519 (RFC 8032) gives 64-byte signatures over the exact envelope body bytes. The keys are
generated, written and read with the ``cryptography`` package (PKCS#8 / SubjectPublicKeyInfo
PEM); signing and verifying run in libsodium (PyNaCl), on the same 32-byte keys. The two
implement the same deterministic scheme, so they make the same signatures and accept the
same ones (tested both ways). libsodium is the faster of the two here (verify about 43 us
against 66 us for OpenSSL through ``cryptography``, sign 18 against 23 us, on a 1.2 kB
envelope; ``bench/fabric_latency.py`` prints both) and releases the GIL while it works, so a
node's transport thread keeps moving while the node verifies. Every message is still signed
on its own, by its origin's key, and verified by every receiver.

The ring keeps each nation's raw keys ready for libsodium, decoded once when the ring is made:
nothing is parsed per message.

A simulated exercise holds every nation's key pair in one :class:`KeyRing`. A deployed node
holds only its own private key plus every nation's public key: :meth:`KeyRing.save` writes
``<NATION>.key`` (PKCS#8 PEM, private) and ``<NATION>.pub`` (SubjectPublicKeyInfo PEM) files,
and :meth:`KeyRing.load` reads the public keys of all nations and the private key of one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import nacl.bindings
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.exceptions import BadSignatureError

from .labels import is_nation_code


class KeyRing:
    """Public keys of every nation, and the private keys this process may sign with."""

    def __init__(self, public: dict[str, Ed25519PublicKey], private: dict[str, Ed25519PrivateKey]) -> None:
        for nation in private:
            if nation not in public:
                raise ValueError(f"KeyRing: private key for {nation} has no matching public key")
        self._public = dict(public)
        self._private = dict(private)
        raw = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self._public_raw = {n: k.public_bytes(*raw) for n, k in self._public.items()}
        self._signing_raw: dict[str, bytes] = {}  # libsodium's 64-byte secret key: seed || public key
        for nation, key in self._private.items():
            seed = key.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
            public_raw, secret = nacl.bindings.crypto_sign_seed_keypair(seed)
            if public_raw != self._public_raw[nation]:
                raise ValueError(f"KeyRing: the private key of {nation} does not match its public key")
            self._signing_raw[nation] = secret

    @classmethod
    def generate(cls, nations: Iterable[str]) -> KeyRing:
        """A fresh key pair for each nation (for a simulated exercise, all in one ring)."""
        private: dict[str, Ed25519PrivateKey] = {}
        for i, nation in enumerate(nations):
            if not is_nation_code(nation):
                raise ValueError(f"nations[{i}]: {nation!r} is not an ISO 3166 alpha-3 code")
            private[nation] = Ed25519PrivateKey.generate()
        return cls({n: k.public_key() for n, k in private.items()}, private)

    @property
    def nations(self) -> tuple[str, ...]:
        """Nations whose public keys this ring knows."""
        return tuple(self._public)

    def knows(self, nation: str) -> bool:
        return nation in self._public

    def can_sign(self, nation: str) -> bool:
        return nation in self._private

    def sign(self, nation: str, data: bytes) -> bytes:
        """Sign ``data`` as ``nation``; KeyError if this ring does not hold that nation's private key."""
        try:
            secret = self._signing_raw[nation]
        except KeyError:
            raise KeyError(
                f"KeyRing: no private key for {nation}; this ring can sign for {sorted(self._private)}"
            ) from None
        return nacl.bindings.crypto_sign(bytes(data), secret)[: nacl.bindings.crypto_sign_BYTES]

    def verify(self, nation: str, data: bytes, signature: bytes) -> bool:
        """True if ``signature`` is ``nation``'s signature of ``data``; False for a bad or unknown signer."""
        key = self._public_raw.get(nation)
        if key is None or len(signature) != nacl.bindings.crypto_sign_BYTES:
            return False
        try:
            nacl.bindings.crypto_sign_open(bytes(signature) + bytes(data), key)
        except BadSignatureError:
            return False
        return True

    def public_only(self, keep_private: Iterable[str] = ()) -> KeyRing:
        """A copy holding every public key but only the private keys of ``keep_private`` (a node's view)."""
        keep = set(keep_private)
        return KeyRing(self._public, {n: k for n, k in self._private.items() if n in keep})

    def save(self, directory: str | Path, *, private_for: Iterable[str] | None = None) -> None:
        """Write ``<N>.pub`` for every nation and ``<N>.key`` (mode 0600) for ``private_for`` (default: all held)."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        for nation, pub in self._public.items():
            pem = pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            (out / f"{nation}.pub").write_bytes(pem)
        for nation in self._private if private_for is None else private_for:
            pem = self._private[nation].private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            path = out / f"{nation}.key"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)

    @classmethod
    def load(cls, directory: str | Path, nation: str | None = None) -> KeyRing:
        """Read every ``*.pub`` in ``directory`` and, if ``nation`` is given, that nation's ``.key``."""
        src = Path(directory)
        if not src.is_dir():
            raise FileNotFoundError(f"KeyRing.load: {src} is not a directory")
        public: dict[str, Ed25519PublicKey] = {}
        for path in sorted(src.glob("*.pub")):
            key = serialization.load_pem_public_key(path.read_bytes())
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError(f"{path}: not an Ed25519 public key")
            public[path.stem] = key
        private: dict[str, Ed25519PrivateKey] = {}
        if nation is not None:
            path = src / f"{nation}.key"
            if not path.exists():
                raise FileNotFoundError(f"KeyRing.load: {path} missing (private key of {nation})")
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path}: not an Ed25519 private key")
            private[nation] = key
        return cls(public, private)
