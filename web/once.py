"""One-time form tokens: a double click (or a resent form) creates one record, never two.

Every form carries a hidden ``form_token`` minted when the page is drawn. A post claims its token
by inserting a row in the API's idempotency table (``api.models.IdempotencyRecord``, ADR 8), in
its own transaction, before the work starts. A second post with the token finds the row: if the
first finished it is sent where the first went, with a message; if the first still runs, back to
the form. A first post that failed (validation, a conflict, a stale version) frees its token, so
the corrected form can be sent again (ADR 26)."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import IdempotencyRecord

FIELD = "form_token"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
#: Marks the rows of page forms apart from the API's body hashes.
_BODY = "web-form"


def new_token() -> str:
    return uuid.uuid4().hex


def claim(request: HttpRequest) -> IdempotencyRecord | HttpResponse:
    """The claimed token's row, or the answer to a post whose token was spent already (or is
    missing: a form from before tokens, or a forged post, is sent back to be drawn again)."""
    token = request.POST.get(FIELD, "")
    back = request.get_full_path()
    if not _TOKEN.match(token):
        messages.error(
            request, _("The form was out of date. Nothing was saved; please send it again.")
        )
        return redirect(back)
    user = request.user
    assert user.is_authenticated  # every page that posts requires the session login
    path = request.path[:500]
    cutoff = timezone.now() - settings.POLKU_IDEMPOTENCY_WINDOW
    IdempotencyRecord.objects.filter(
        user=user, key=token, path=path, created_at__lt=cutoff
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                user=user, key=token, path=path, body_hash=_BODY, created_at=timezone.now()
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(user=user, key=token, path=path).first()
    messages.info(request, _("This form was sent already; it was saved once."))
    if record is not None and record.state == IdempotencyRecord.State.DONE:
        return redirect((record.response_headers or {}).get("Location") or back)
    return redirect(back)


def done(record: IdempotencyRecord, location: str) -> None:
    """The work succeeded: a resent form goes where this one went."""
    record.state = IdempotencyRecord.State.DONE
    record.response_status = 303
    record.response_headers = {"Location": location}
    record.save(update_fields=["state", "response_status", "response_headers"])


def release(record: IdempotencyRecord) -> None:
    """The work was refused and changed nothing: the token may be used again."""
    record.delete()
