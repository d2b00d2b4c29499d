"""The thirteen deadline rules of the worklist (docs/domain.md#plans-appointments-and-the-worklist, docs/domain.md#plans-appointments-and-the-worklist): their codes, what
the counsellor reads, where each comes from, and the numbers.

Numbers that the law fixes are constants here, each with its source; numbers that docs/domain.md leaves
open are settings (``POLKU_ASSESSMENT_DAYS``, ``POLKU_PLAN_DAYS``, ``POLKU_NO_CONTACT_DAYS``,
``POLKU_RETENTION_YEARS``). docs/adr/0017-worklist.md records each rule with its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class Rule(StrEnum):
    ASSESSMENT_DUE = "assessment_due"
    INITIAL_INTERVIEW_DUE = "initial_interview_due"
    PLAN_DUE = "plan_due"
    REFERRAL_DUE = "referral_due"
    PLAN_REVIEW_DUE = "plan_review_due"
    PLAN_ENDING = "plan_ending"
    JOB_SEARCH_DISCUSSION_DUE = "job_search_discussion_due"
    CARD_EXPIRING = "card_expiring"
    CONSENT_EXPIRING = "consent_expiring"
    FOLLOW_UP_DUE = "follow_up_due"
    NO_CONTACT = "no_contact"
    MISSED_APPOINTMENT = "missed_appointment"
    RETENTION_DUE = "retention_due"


class State(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"


#: "Due soon": due today or within this many days (DESIGN §10).
DUE_SOON_DAYS = 14
#: The default horizon of ``?due_before=``: today + this many days (DESIGN §10).
DEFAULT_HORIZON_DAYS = 30

# Statutory numbers ------------------------------------------------------------------------------
#: Assessment of service needs only within 3 years of the first permit (681/2023 §14).
ASSESSMENT_PERMIT_YEARS = 3
#: The initial interview within 10 working days of the start of the job search (380/2023 as
#: amended by HE 108/2025, from 1.1.2026).
INITIAL_INTERVIEW_WORKING_DAYS = 10
#: The integration plan at the latest 3 years after the first permit (681/2023 §16).
PLAN_PERMIT_YEARS = 3
#: Directed to the agreed services within one month of the plan (681/2023 §20(5)).
REFERRAL_MONTHS = 1
#: The plan reviewed at least every 6 months (681/2023 §22).
PLAN_REVIEW_MONTHS = 6
#: A job-search discussion every 3 months (380/2023).
JOB_SEARCH_DISCUSSION_MONTHS = 3
#: ESF+ follow-ups 4 weeks and 6 months after exit (DOMAIN §3.3).
FOLLOW_UP_DAYS = 28
FOLLOW_UP_MONTHS = 6

# When a rule is shown (the items before it are not yet the counsellor's business) -------------
PLAN_ENDING_WINDOW_DAYS = 30
CARD_EXPIRING_WINDOW_DAYS = 60
CONSENT_EXPIRING_WINDOW_DAYS = 30
RETENTION_WINDOW_DAYS = 30

#: ``amount`` codes of ``follow_up_due``: which follow-up is missing.
FOLLOW_UP_4_WEEKS = 1
FOLLOW_UP_6_MONTHS = 2


def assessment_days() -> int:
    return int(settings.POLKU_ASSESSMENT_DAYS)


def plan_days() -> int:
    return int(settings.POLKU_PLAN_DAYS)


def no_contact_days() -> int:
    return int(settings.POLKU_NO_CONTACT_DAYS)


def retention_years() -> int:
    return int(settings.POLKU_RETENTION_YEARS)


@dataclass(frozen=True)
class RuleInfo:
    code: Rule
    label: Promise
    source: str


RULES: dict[Rule, RuleInfo] = {
    info.code: info
    for info in (
        RuleInfo(
            Rule.ASSESSMENT_DUE,
            _("Assessment of skills and service needs to complete"),
            "681/2023 §14; Decree 869/2024",
        ),
        RuleInfo(
            Rule.INITIAL_INTERVIEW_DUE, _("Initial interview to hold"), "380/2023; HE 108/2025"
        ),
        RuleInfo(Rule.PLAN_DUE, _("Integration plan to agree"), "681/2023 §16"),
        RuleInfo(Rule.REFERRAL_DUE, _("Agreed services to refer the client to"), "681/2023 §20"),
        RuleInfo(Rule.PLAN_REVIEW_DUE, _("Plan to review"), "681/2023 §22"),
        RuleInfo(Rule.PLAN_ENDING, _("Plan ending"), "681/2023 §23"),
        RuleInfo(Rule.JOB_SEARCH_DISCUSSION_DUE, _("Job-search discussion to hold"), "380/2023"),
        RuleInfo(Rule.CARD_EXPIRING, _("Licence card expiring"), "DESIGN §10"),
        RuleInfo(Rule.CONSENT_EXPIRING, _("Consent to share with employers expiring"), "GDPR"),
        RuleInfo(Rule.FOLLOW_UP_DUE, _("ESF+ follow-up to record"), "ESF+ 2021/1057 Annex I"),
        RuleInfo(Rule.NO_CONTACT, _("No contact with the client"), "POLKU_NO_CONTACT_DAYS"),
        RuleInfo(Rule.MISSED_APPOINTMENT, _("Missed appointment to follow up"), "380/2023 §41"),
        RuleInfo(Rule.RETENTION_DUE, _("Client data reaching the retention date"), "380/2023 §122"),
    )
}


def detail(rule: Rule, amount: int | None) -> str:
    """What the counsellor reads for an item (no personal data beyond what the item names)."""
    label = str(RULES[rule].label)
    if rule == Rule.REFERRAL_DUE and amount:
        return ngettext(
            "%(label)s: %(count)d service without a referral",
            "%(label)s: %(count)d services without a referral",
            amount,
        ) % {"label": label, "count": amount}
    if rule == Rule.FOLLOW_UP_DUE:
        which = _("4 weeks after exit") if amount == FOLLOW_UP_4_WEEKS else _("6 months after exit")
        return f"{label} ({which})"
    return label
