"""``manage.py send_digests`` (docs/domain.md#plans-appointments-and-the-worklist): one email a day per user, counts and a link, no
personal data, in the user's language."""

from __future__ import annotations

import datetime
import io

from django.core import mail
from django.core.management import call_command

from core.preferences import user_preference_set
from reporting.models import DigestSent
from tests import factories
from tests.reporting.conftest import TODAY, participant

DAY = datetime.timedelta(days=1)


def with_email(user):
    user.email = f"{user.username}@example.fi"
    user.save(update_fields=["email"])
    return user


def _run() -> str:
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    return out.getvalue()


def _overdue_caseload(counsellor, jamsa, n=3):
    return [
        participant(jamsa, status="active", counsellor=counsellor, enrolled_on=TODAY - 100 * DAY)
        for _ in range(n)
    ]


def test_a_counsellor_gets_one_digest_a_day_with_counts_and_no_names(jamsa):
    counsellor = with_email(factories.counsellor("182", username="counsellor.jamsa"))
    idle = with_email(factories.counsellor("182", username="idle.jamsa"))
    people = _overdue_caseload(counsellor, jamsa)
    # when
    _run()
    # then one message, to the counsellor with items only
    assert [message.to for message in mail.outbox] == [[counsellor.email]]
    message = mail.outbox[0]
    assert "3" in message.subject
    assert "/workspace/" in message.body
    for person in people:
        for value in (person.first_name, person.last_name, str(person.uuid), person.email):
            assert value not in message.body and value not in message.subject
    assert DigestSent.objects.get(user=counsellor).counts["overdue"] == {"no_contact": 3}
    assert not DigestSent.objects.filter(user=idle).exists()
    # and a second run the same day sends nothing
    assert "already sent today" in _run()
    assert len(mail.outbox) == 1


def test_the_digest_speaks_the_users_language(jamsa):
    counsellor = with_email(factories.counsellor("182", username="counsellor.jamsa"))
    user_preference_set(actor=counsellor, user=counsellor, language="en")
    _overdue_caseload(counsellor, jamsa, 1)
    _run()
    assert mail.outbox[0].subject == "Polku: 1 overdue, 0 due soon"


def test_an_employer_user_hears_of_newly_shared_candidates_once(jamsa):
    employer = factories.EmployerFactory(municipality=jamsa)
    user = with_email(factories.employer_user(employer, username="employer.one"))
    vacancy = factories.VacancyFactory(employer=employer)
    for _ in range(2):
        factories.MatchFactory(vacancy=vacancy, status="shared", reached_shared_on=TODAY)
    factories.MatchFactory(vacancy=vacancy, status="proposed")
    _run()
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "2" in mail.outbox[0].subject and "/employer/" in mail.outbox[0].body
    _run()
    assert len(mail.outbox) == 1


def test_a_failed_send_is_tried_again(jamsa, settings):
    counsellor = with_email(factories.counsellor("182", username="counsellor.jamsa"))
    _overdue_caseload(counsellor, jamsa, 1)
    settings.EMAIL_BACKEND = "tests.reporting.test_digests.FailingBackend"
    _run()
    assert not DigestSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _run()
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("no route to host")
