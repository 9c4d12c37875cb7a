"""The pseudonymisation key ring: the secret behind ``person_key`` and how it rotates.

``person_key`` is a chain of keyed hashes of the normalised document number: under a ring of keys
k1 … kn it is ``HMAC(kn, … HMAC(k2, HMAC(k1, document)) …)`` (each inner hash as lowercase hex).
Rotating adds a key; a row written under ring version v is brought to version n by hashing its
``person_key`` with k(v+1) … kn, without the document number, so the whole lake can be re-keyed and
one person's rows stay linkable across the rotation. Someone holding an old key alone can no
longer test a guessed document number against the lake.

A ring with one key gives exactly the hashes the platform wrote before rings existed: the secret
was then a bare string, read here as version 1.

Stored in Secrets Manager as JSON ``{"format": "acogida-keyring", "keys": [{"version": 1,
"secret": "…"}, …]}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from acogida.intake.identifiers import normalise_document_number

KEYRING_FORMAT = "acogida-keyring"
MIN_SECRET_BYTES = 32


class KeyRingError(ValueError):
    pass


def _hash(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class KeyRing:
    secrets: tuple[bytes, ...]  # secrets[0] is version 1

    def __post_init__(self) -> None:
        if not self.secrets:
            raise KeyRingError("a key ring holds at least one key")
        if any(len(secret) < MIN_SECRET_BYTES for secret in self.secrets):
            raise KeyRingError(f"every pseudonymisation key must be at least {MIN_SECRET_BYTES} bytes")

    @property
    def version(self) -> int:
        return len(self.secrets)

    @classmethod
    def from_secret(cls, value: str | bytes) -> KeyRing:
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        stripped = text.strip()
        if not stripped.startswith("{"):
            return cls((text.encode("utf-8"),))  # the bare secret of a platform without rings
        try:
            data = json.loads(stripped)
            keys = sorted(data["keys"], key=lambda key: int(key["version"]))
            versions = [int(key["version"]) for key in keys]
            secrets = tuple(str(key["secret"]).encode("utf-8") for key in keys)
        except (ValueError, KeyError, TypeError):
            raise KeyRingError("the pseudonymisation secret is not a key ring") from None
        if data.get("format") != KEYRING_FORMAT or versions != list(range(1, len(keys) + 1)):
            raise KeyRingError("the pseudonymisation key ring: versions must be 1, 2, … without gaps")
        return cls(secrets)

    def to_secret(self) -> str:
        keys = [{"version": i + 1, "secret": s.decode("utf-8")} for i, s in enumerate(self.secrets)]
        return json.dumps({"format": KEYRING_FORMAT, "keys": keys}, separators=(",", ":"))

    def rotated(self, new_secret: str) -> KeyRing:
        return KeyRing((*self.secrets, new_secret.encode("utf-8")))

    def person_key(self, document_number: str | None) -> str:
        """Under the current version ("" when there is no document)."""
        keys = self.person_keys(document_number)
        return keys[self.version] if keys else ""

    def person_keys(self, document_number: str | None) -> dict[int, str]:
        """What a row written under each version holds for this document: to find a person's rows
        wherever a re-keying has not reached yet. Empty when there is no document."""
        if not document_number:
            return {}
        chained = normalise_document_number(document_number)
        keys: dict[int, str] = {}
        for version, secret in enumerate(self.secrets, start=1):
            chained = _hash(secret, chained)
            keys[version] = chained
        return keys

    def rekeyed(self, person_key: str, from_version: int) -> str:
        """A ``person_key`` written under ``from_version``, brought to the current version."""
        if not 1 <= from_version <= self.version:
            raise KeyRingError(f"key version {from_version}: this ring has versions 1 to {self.version}")
        if not person_key:
            return ""
        for secret in self.secrets[from_version:]:
            person_key = _hash(secret, person_key)
        return person_key
