"""Field-level encryption and keyed hashing for the personal identity code.

The code is stored Fernet-encrypted (AES-128-CBC + HMAC-SHA256) beside an HMAC-SHA256 of its
normalised form: the HMAC carries the pilot-wide uniqueness and exact-match look-up without
decrypting anything, and without the key it cannot be brute-forced from the small hetu space.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


def _derive(label: bytes) -> bytes:
    return hashlib.sha256(label + settings.SECRET_KEY.encode()).digest()


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    if key:
        return Fernet(key.encode())
    return Fernet(base64.urlsafe_b64encode(_derive(b"polku-field-encryption:")))


def _hmac_key() -> bytes:
    key = settings.POLKU_IDENTITY_HMAC_KEY
    return key.encode() if key else _derive(b"polku-identity-hmac:")


def encrypt(value: str) -> str:
    return _fernet(settings.POLKU_FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.POLKU_FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()


def keyed_hash(value: str) -> str:
    return hmac.new(_hmac_key(), value.encode(), hashlib.sha256).hexdigest()
