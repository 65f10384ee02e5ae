"""Secret tokens handed to people and systems: rating links, door codes, API and Open311 keys.

A token is random (`secrets`), shown or printed once, and the database keeps only its SHA-256,
so a copy of the database opens nothing. SHA-256 without salt is enough here because the tokens
carry 192 bits or more of randomness: there is nothing to guess from the hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# 24 bytes = 192 random bits, 32 base64url characters: short enough for a QR code on a door.
DEFAULT_BYTES = 24


def token_new(nbytes: int = DEFAULT_BYTES) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """What is stored and looked up: the hex SHA-256 of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Whether `token` is the one behind `stored_hash`, in constant time."""
    return hmac.compare_digest(token_hash(token), stored_hash)
