"""Daily digests (docs/domain.md#plans-appointments-and-the-worklist): one email a day to each counsellor with overdue or due-soon
worklist items, and to each employer user whose vacancies' candidates were newly shared since
their last digest. Counts and a link only, never personal data; in the user's saved language
(``core.UserPreference``), else the site's; through Django's email backend (console by default,
SMTP by settings: README "Digests").

A second run on the same day sends nothing: each email is recorded in ``DigestSent`` (unique per
user, kind and day) before it goes; if sending fails the record is removed so that the next run
tries again. The counsellors' counts come from one statement over every assigned participant
(``plans.worklist.selectors.counts_by_counsellor``), the employers' from one grouped query.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from casework.models import EmployerMembership, Match
from core.models import UserPreference
from core.validation import today as local_today
from plans.worklist.rules import RULES, Rule
from plans.worklist.selectors import counts_by_counsellor
from reporting.models import DigestSent

#: The first digest of an employer user counts the candidates shared since this many days ago.
FIRST_EMPLOYER_WINDOW_DAYS = 1


@dataclass
class DigestReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _language(user: Any, languages: dict[int, str]) -> str:
    return languages.get(user.pk) or settings.LANGUAGE_CODE


def _link(path: str) -> str:
    return settings.POLKU_SITE_URL.rstrip("/") + path


def counsellor_message(counts: dict[str, dict[str, int]]) -> tuple[str, str]:
    """Subject and body in the active language: counts per rule and a link, no names."""
    overdue = sum(counts["overdue"].values())
    due_soon = sum(counts["due_soon"].values())
    subject = gettext("Polku: %(overdue)d overdue, %(due_soon)d due soon") % {
        "overdue": overdue,
        "due_soon": due_soon,
    }
    lines = [gettext("Your worklist today:"), ""]
    for rule in Rule:
        late, soon = counts["overdue"].get(rule.value, 0), counts["due_soon"].get(rule.value, 0)
        if late or soon:
            lines.append(
                gettext("%(rule)s: %(overdue)d overdue, %(due_soon)d due soon")
                % {"rule": RULES[rule].label, "overdue": late, "due_soon": soon}
            )
    lines += ["", gettext("Open your worklist: %(link)s") % {"link": _link("/workspace/")}]
    return subject, "\n".join(lines) + "\n"


def employer_message(shared: int) -> tuple[str, str]:
    subject = ngettext(
        "Polku: %(count)d new candidate shared with you",
        "Polku: %(count)d new candidates shared with you",
        shared,
    ) % {"count": shared}
    body = (
        ngettext(
            "A counsellor has shared %(count)d new candidate for your vacancies.",
            "Counsellors have shared %(count)d new candidates for your vacancies.",
            shared,
        )
        % {"count": shared}
        + "\n\n"
        + gettext("See them in Polku: %(link)s") % {"link": _link("/employer/")}
        + "\n"
    )
    return subject, body


def _send(
    user: Any,
    kind: str,
    counts: dict[str, Any],
    language: str,
    compose: Any,
    on: datetime.date,
    report: DigestReport,
) -> None:
    if not user.email:
        report.skipped.append(f"{user.username}: no email address")
        return
    try:
        with transaction.atomic():
            record = DigestSent.objects.create(
                user=user, kind=kind, sent_on=on, sent_at=timezone.now(), counts=counts
            )
    except IntegrityError:
        report.skipped.append(f"{user.username}: already sent today")
        return
    with translation.override(language):
        subject, body = compose()
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception as error:  # noqa: BLE001 - any transport error: try again next run
        record.delete()
        report.failed.append(f"{user.username}: {error.__class__.__name__}")
        return
    report.sent.append(f"{kind} digest to {user.username}")


def send_digests(*, today: datetime.date | None = None) -> DigestReport:
    """Send today's digests; safe to run again (what was sent today is not sent twice)."""
    on = today or local_today()
    report = DigestReport()
    users = get_user_model().objects.filter(is_active=True)
    languages = dict(UserPreference.objects.exclude(language="").values_list("user_id", "language"))

    by_counsellor = counts_by_counsellor(today=on)
    for user in users.filter(pk__in=by_counsellor).order_by("username"):
        counts = by_counsellor[user.pk]
        _send(
            user,
            DigestSent.Kind.COUNSELLOR,
            counts,
            _language(user, languages),
            lambda counts=counts: counsellor_message(counts),
            on,
            report,
        )

    memberships = list(
        EmployerMembership.objects.filter(user__is_active=True).select_related("user")
    )
    # Matches record the day they reached ``shared``: count from the day of the last digest on
    # (inclusive, so a share made after that digest went is never missed; one made earlier
    # that day is counted twice, which a count can afford).
    last_day = dict(
        DigestSent.objects.filter(kind=DigestSent.Kind.EMPLOYER, sent_on__lt=on)
        .values("user_id")
        .annotate(last=Max("sent_on"))
        .values_list("user_id", "last")
    )
    earliest = min([on - datetime.timedelta(days=FIRST_EMPLOYER_WINDOW_DAYS), *last_day.values()])
    shared = list(
        Match.objects.filter(reached_shared_on__gte=earliest)
        .values("employer_id", "reached_shared_on")
        .annotate(matches=Count("id"))
        .order_by()
        .values_list("employer_id", "reached_shared_on", "matches")
    )
    for membership in sorted(memberships, key=lambda m: m.user.username):
        user = membership.user
        since = last_day.get(user.pk, on - datetime.timedelta(days=FIRST_EMPLOYER_WINDOW_DAYS))
        count = sum(
            matches
            for employer_id, day, matches in shared
            if employer_id == membership.employer_id and day >= since
        )
        if count:
            _send(
                user,
                DigestSent.Kind.EMPLOYER,
                {"shared": count},
                _language(user, languages),
                lambda count=count: employer_message(count),
                on,
                report,
            )
    return report
