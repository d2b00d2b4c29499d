"""Bearer tokens (docs/api.md): stored as SHA-256, expiring after 8 hours, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.models import ApiToken
from core.access_cache import EVERYONE, STAMPS_ATTRIBUTE, invalidate_access
from core.models import AccessStamp


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, user: Any) -> tuple[str, datetime]:
    """A new random token for ``user``; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + settings.POLKU_TOKEN_LIFETIME
    ApiToken.objects.create(key_hash=token_hash(token), user=user, expires_at=expires_at)
    return token, expires_at


def token_revoke(*, token: ApiToken) -> None:
    """Revoke one token: the next request with it is refused (authentication reads the token row
    on every request); the user's cached access is dropped as well."""
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    invalidate_access(token.user_id)


#: The user columns a request needs; any other is loaded on first use (deferred).
USER_FIELDS = frozenset({"id", "username", "is_active", "is_superuser", "is_staff"})
_BOOLEAN_FIELDS = frozenset({"is_active", "is_superuser", "is_staff"})


def _user_columns() -> list[str]:
    """``USER_FIELDS`` in the model's field order (``Model.from_db`` takes them so)."""
    return [f.attname for f in get_user_model()._meta.concrete_fields if f.attname in USER_FIELDS]


_SQL: dict[str, str] = {}


def _token_sql() -> str:
    """One statement: the live token, the few user columns a request needs, and the user's and
    everyone's access stamps (``core.access_cache``). No employer link, no ORDER BY."""
    sql = _SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        token = quote(ApiToken._meta.db_table)
        user = quote(get_user_model()._meta.db_table)
        stamp = quote(AccessStamp._meta.db_table)
        columns = ", ".join(f"u.{quote(column)}" for column in _user_columns())
        sql = _SQL[connection.vendor] = (
            f"SELECT t.id, {columns}, s.stamp, e.stamp FROM {token} t"
            f" JOIN {user} u ON u.id = t.user_id"
            f" LEFT JOIN {stamp} s ON s.holder = t.user_id"
            f" LEFT JOIN {stamp} e ON e.holder = {EVERYONE}"
            f" WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s"
        )
    return sql


def user_for_token(raw: str) -> tuple[Any, ApiToken] | None:
    """The active user of a live token, as a User with only ``USER_FIELDS`` loaded and the
    access stamps attached, and the token (its id and user id only); None otherwise."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [token_hash(raw), now])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, *values, own_stamp, everyone_stamp = row
    columns = _user_columns()
    user = get_user_model().from_db(
        connection.alias,
        columns,
        [bool(v) if c in _BOOLEAN_FIELDS else v for c, v in zip(columns, values, strict=True)],
    )
    if not user.is_active:
        return None
    setattr(user, STAMPS_ATTRIBUTE, (own_stamp, everyone_stamp))
    token = ApiToken.from_db(connection.alias, ["id", "user_id"], [token_id, user.pk])
    token.user = user
    return user, token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send 'Authorization: Bearer <token>'."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        found = user_for_token(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(_("The token is invalid, expired or revoked."))
        return found

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
