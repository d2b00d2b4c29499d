"""The worklist as one SQL statement: a ``UNION ALL`` of one ``SELECT`` per rule over the
participants in scope, so that the database computes every deadline whatever the caseload (no
per-participant loop in Python). See ``plans.worklist.rules`` for the rules and ADR 17.

The statement is built left to right, so that its ``%s`` placeholders and ``params`` stay in
order. Every value interpolated into the SQL text is a constant of this package or an integer
setting; everything else is a parameter. The few expressions that differ between PostgreSQL and
SQLite (date arithmetic, "the later of two dates") are in ``_Sql``.

The participants in scope are a CTE (``s``) read once through the tenant indexes; every rule joins
its table to it on ``(municipality_id, participant_id)``, the leading columns of each table's
tenant index. Working days come from ``core.CalendarDay`` (``core.working_days``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from assessments.models import LicenceCard
from casework.models import CaseNote, Consent, Outcome, Participant
from core.models import CalendarDay
from plans.models import Appointment, Plan, PlanReview, ServiceNeedsAssessment
from plans.worklist import rules as r
from plans.worklist.rules import Rule

EXITED = "'exited'"
CANDIDATES = "('active', 'job_seeking')"


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` + ``months`` calendar months, the day clamped to the end of a shorter month (as
    PostgreSQL's ``date + interval`` does)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


@dataclass
class Scope:
    """Which participants the statement covers: those of ``municipality_ids`` (plus
    ``covered_ids``), assigned to ``counsellor_id`` when given (``assigned`` only), enrolled
    between ``enrolled_from`` and ``enrolled_to`` when given (the dashboards' periods)."""

    municipality_ids: Iterable[int] | None  # None: every municipality (the pilot)
    covered_ids: Iterable[int] = ()
    counsellor_id: int | None = None
    assigned_only: bool = False
    enrolled_from: datetime.date | None = None
    enrolled_to: datetime.date | None = None


@dataclass
class _Sql:
    today: datetime.date
    params: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def param(self, value: Any) -> str:
        self.params.append(value)
        return "%s"

    def date(self, value: datetime.date) -> str:
        if self.postgres:
            return f"CAST({self.param(value.isoformat())} AS DATE)"
        return self.param(value.isoformat())

    def days_from_today(self, days: int) -> str:
        return self.date(self.today + datetime.timedelta(days=days))

    def ids(self, values: Iterable[int]) -> str:
        values = sorted({int(value) for value in values})
        return "(" + ", ".join(self.param(value) for value in values) + ")" if values else "(NULL)"

    @staticmethod
    def add_days(expression: str, days: int) -> str:
        if connection.vendor == "postgresql":
            return f"({expression} + {int(days)})"
        return f"date({expression}, '{int(days):+d} days')"

    @staticmethod
    def add_months(expression: str, months: int) -> str:
        if connection.vendor == "postgresql":
            return f"CAST({expression} + INTERVAL '{int(months)} months' AS DATE)"
        # SQLite's '+N months' overflows into the next month (31.1. + 1 month = 3.3.): add the
        # months to the first of the month, then the days, clamped to the month's last day.
        return (
            f"MIN(date({expression}, 'start of month', '+{int(months)} months', "
            f"'+' || (CAST(strftime('%%d', {expression}) AS INTEGER) - 1) || ' days'), "
            f"date({expression}, 'start of month', '+{int(months) + 1} months', '-1 day'))"
        )

    @staticmethod
    def later(first: str, second: str) -> str:
        """The later of two dates, ignoring a NULL one."""
        if connection.vendor == "postgresql":
            return f"GREATEST({first}, {second})"
        return f"MAX(COALESCE({first}, {second}), COALESCE({second}, {first}))"

    @staticmethod
    def earlier(first: str, second: str) -> str:
        if connection.vendor == "postgresql":
            return f"LEAST({first}, {second})"
        return f"MIN(COALESCE({first}, {second}), COALESCE({second}, {first}))"

    def local_date(self, expression: str) -> str:
        """The local (``TIME_ZONE``) date of a timestamp."""
        sql, params = connection.ops.datetime_cast_date_sql(
            expression, (), timezone.get_current_timezone_name()
        )
        self.params.extend(params)
        return sql


def _item(rule: Rule, due: str, object_type: str, object_uuid: str, amount: str = "NULL") -> str:
    return (
        f"SELECT s.id AS participant_id, '{rule.value}' AS rule, {due} AS due_on, "
        f"'{object_type}' AS object_type, {object_uuid} AS object_uuid, "
        f"CAST({amount} AS INTEGER) AS amount"
    )


def _joined(alias: str, model: Any) -> str:
    """Join a participant's rows through the table's tenant index."""
    return (
        f"JOIN {_table(model)} {alias} ON {alias}.municipality_id = s.municipality_id "
        f"AND {alias}.participant_id = s.id"
    )


# The rules, one SELECT each --------------------------------------------------------------------


def _assessment_due(q: _Sql) -> str:
    permit_since = q.date(add_months(q.today, -12 * r.ASSESSMENT_PERMIT_YEARS))
    return f"""{
        _item(
            Rule.ASSESSMENT_DUE,
            q.add_days("s.enrolled_on", r.assessment_days()),
            "participant",
            "s.uuid",
        )
    }
        FROM s
        WHERE s.status <> {EXITED} AND s.first_permit_on >= {permit_since}
          AND NOT EXISTS (
            SELECT 1 FROM {_table(ServiceNeedsAssessment)} a
            WHERE a.municipality_id = s.municipality_id AND a.participant_id = s.id
              AND a.completed_on IS NOT NULL)"""


def _initial_interview_due(q: _Sql) -> str:
    calendar = _table(CalendarDay)
    return f"""{_item(Rule.INITIAL_INTERVIEW_DUE, "c1.day", "participant", "s.uuid")}
        FROM s
        JOIN {calendar} c0 ON c0.day = s.job_seeker_since
        JOIN {calendar} c1 ON c1.working_day_number = c0.working_day_number
                                + {r.INITIAL_INTERVIEW_WORKING_DAYS}
                          AND c1.is_working_day
        WHERE s.status <> {EXITED} AND s.job_seeker_since IS NOT NULL
          AND NOT EXISTS (
            SELECT 1 FROM {_table(Appointment)} a
            WHERE a.municipality_id = s.municipality_id AND a.participant_id = s.id
              AND a.status = 'held' AND a.kind = 'initial_interview'
              AND {q.local_date("a.starts_at")} >= s.job_seeker_since)"""


def _plan_due(q: _Sql) -> str:
    """The latest completed assessment says a plan is needed, and no integration plan is agreed
    now or was agreed since that assessment."""
    assessments = _table(ServiceNeedsAssessment)
    due = q.earlier(
        q.add_days("a.completed_on", r.plan_days()),
        q.add_months("s.first_permit_on", 12 * r.PLAN_PERMIT_YEARS),
    )
    return f"""{_item(Rule.PLAN_DUE, due, "service_needs_assessment", "a.uuid")}
        FROM s {_joined("a", ServiceNeedsAssessment)}
        WHERE s.status <> {EXITED} AND a.completed_on IS NOT NULL AND a.plan_needed
          AND NOT EXISTS (
            SELECT 1 FROM {assessments} b
            WHERE b.municipality_id = a.municipality_id AND b.participant_id = a.participant_id
              AND b.completed_on IS NOT NULL
              AND (b.completed_on > a.completed_on
                   OR (b.completed_on = a.completed_on AND b.id > a.id)))
          AND NOT EXISTS (
            SELECT 1 FROM {_table(Plan)} pl
            WHERE pl.municipality_id = s.municipality_id AND pl.participant_id = s.id
              AND pl.kind = 'integration'
              AND (pl.status = 'agreed' OR pl.agreed_on >= a.completed_on))"""


def _referral_due(q: _Sql) -> str:
    due = q.add_months("pl.agreed_on", r.REFERRAL_MONTHS)
    return f"""{_item(Rule.REFERRAL_DUE, due, "plan", "pl.uuid", "pl.unreferred_services")}
        FROM s {_joined("pl", Plan)}
        WHERE s.status <> {EXITED} AND pl.status = 'agreed' AND pl.unreferred_services > 0"""


def _plan_review_due(q: _Sql) -> str:
    due = q.add_months(q.later("pl.agreed_on", "rv.last_review"), r.PLAN_REVIEW_MONTHS)
    return f"""{_item(Rule.PLAN_REVIEW_DUE, due, "plan", "pl.uuid")}
        FROM s {_joined("pl", Plan)}
        LEFT JOIN (
            SELECT rv.plan_id, MAX(rv.reviewed_on) AS last_review
            FROM {_table(PlanReview)} rv
            JOIN s ON s.municipality_id = rv.municipality_id AND s.id = rv.participant_id
            GROUP BY rv.plan_id
        ) rv ON rv.plan_id = pl.id
        WHERE s.status <> {EXITED} AND pl.status = 'agreed'"""


def _plan_ending(q: _Sql) -> str:
    return f"""{_item(Rule.PLAN_ENDING, "pl.ends_on", "plan", "pl.uuid")}
        FROM s {_joined("pl", Plan)}
        WHERE s.status <> {EXITED} AND pl.status = 'agreed'
          AND pl.ends_on <= {q.days_from_today(r.PLAN_ENDING_WINDOW_DAYS)}"""


def _held_since_job_search(q: _Sql, kinds: str) -> str:
    """Per participant of the scope: the local date of the last held appointment of ``kinds``
    since the start of the current job search."""
    return f"""
            SELECT a.participant_id, MAX({q.local_date("a.starts_at")}) AS last_held
            FROM {_table(Appointment)} a
            JOIN s ON s.municipality_id = a.municipality_id AND s.id = a.participant_id
            WHERE a.status = 'held' AND a.kind IN {kinds} AND s.job_seeker_since IS NOT NULL
              AND {q.local_date("a.starts_at")} >= s.job_seeker_since
            GROUP BY a.participant_id"""


def _job_search_discussion_due(q: _Sql) -> str:
    due = q.add_months("js.last_held", r.JOB_SEARCH_DISCUSSION_MONTHS)
    kinds = "('initial_interview', 'job_search_discussion')"
    return f"""{_item(Rule.JOB_SEARCH_DISCUSSION_DUE, due, "participant", "s.uuid")}
        FROM s
        JOIN ({_held_since_job_search(q, kinds)}) js ON js.participant_id = s.id
        WHERE s.status <> {EXITED} AND s.job_seeker_since IS NOT NULL"""


def _card_expiring(q: _Sql) -> str:
    return f"""{_item(Rule.CARD_EXPIRING, "c.valid_until", "licence_card", "c.uuid")}
        FROM s {_joined("c", LicenceCard)}
        WHERE s.status IN {CANDIDATES} AND c.valid_until IS NOT NULL
          AND c.valid_until <= {q.days_from_today(r.CARD_EXPIRING_WINDOW_DAYS)}
          AND NOT EXISTS (
            SELECT 1 FROM {_table(LicenceCard)} n
            WHERE n.municipality_id = c.municipality_id AND n.licence_type_id = c.licence_type_id
              AND n.participant_id = c.participant_id AND n.id <> c.id
              AND (n.valid_until IS NULL OR n.valid_until > c.valid_until
                   OR (n.valid_until = c.valid_until AND n.id > c.id)))"""


def _consent_expiring(q: _Sql) -> str:
    today = q.date(q.today)
    window = q.days_from_today(r.CONSENT_EXPIRING_WINDOW_DAYS)
    today_again = q.date(q.today)
    return f"""{_item(Rule.CONSENT_EXPIRING, "c.expires_on", "consent", "c.uuid")}
        FROM s {_joined("c", Consent)}
        WHERE s.status <> {EXITED} AND c.purpose = 'share_with_employers'
          AND c.granted_on <= {today} AND c.withdrawn_on IS NULL
          AND c.expires_on IS NOT NULL AND c.expires_on <= {window}
          AND c.expires_on >= {today_again}
          AND NOT EXISTS (
            SELECT 1 FROM {_table(Consent)} n
            WHERE n.municipality_id = c.municipality_id AND n.participant_id = c.participant_id
              AND n.purpose = c.purpose AND n.withdrawn_on IS NULL AND n.id <> c.id
              AND (n.expires_on IS NULL OR n.expires_on > c.expires_on
                   OR (n.expires_on = c.expires_on AND n.id > c.id)))"""


def _follow_up_due(q: _Sql) -> str:
    """The latest outcome of an exited participant, once per missing follow-up."""
    latest = f"""s.status = {EXITED}
          AND NOT EXISTS (
            SELECT 1 FROM {_table(Outcome)} n
            WHERE n.municipality_id = o.municipality_id AND n.participant_id = o.participant_id
              AND (n.starts_on > o.starts_on OR (n.starts_on = o.starts_on AND n.id > o.id)))"""
    four_weeks = q.add_days("s.exited_on", r.FOLLOW_UP_DAYS)
    six_months = q.add_months("s.exited_on", r.FOLLOW_UP_MONTHS)
    return f"""{_item(Rule.FOLLOW_UP_DUE, four_weeks, "outcome", "o.uuid", str(r.FOLLOW_UP_4_WEEKS))}
        FROM s {_joined("o", Outcome)}
        WHERE o.follow_up_4_weeks = '' AND {latest}
        UNION ALL
        {_item(Rule.FOLLOW_UP_DUE, six_months, "outcome", "o.uuid", str(r.FOLLOW_UP_6_MONTHS))}
        FROM s {_joined("o", Outcome)}
        WHERE o.follow_up_6_months = '' AND {latest}"""


def _no_contact(q: _Sql) -> str:
    last_contact = q.later("cn.last_note", "ap.last_held")
    due = q.add_days(f"COALESCE({last_contact}, s.enrolled_on)", r.no_contact_days())
    return f"""{_item(Rule.NO_CONTACT, due, "participant", "s.uuid")}
        FROM s
        LEFT JOIN (
            SELECT n.participant_id, {q.local_date("MAX(n.occurred_at)")} AS last_note
            FROM {_table(CaseNote)} n
            JOIN s ON s.municipality_id = n.municipality_id AND s.id = n.participant_id
            WHERE s.status IN {CANDIDATES}
            GROUP BY n.participant_id
        ) cn ON cn.participant_id = s.id
        LEFT JOIN (
            SELECT a.participant_id, {q.local_date("MAX(a.starts_at)")} AS last_held
            FROM {_table(Appointment)} a
            JOIN s ON s.municipality_id = a.municipality_id AND s.id = a.participant_id
            WHERE s.status IN {CANDIDATES} AND a.status = 'held'
            GROUP BY a.participant_id
        ) ap ON ap.participant_id = s.id
        WHERE s.status IN {CANDIDATES}"""


def _missed_appointment(q: _Sql) -> str:
    return f"""{
        _item(Rule.MISSED_APPOINTMENT, q.local_date("a.starts_at"), "appointment", "a.uuid")
    }
        FROM s {_joined("a", Appointment)}
        WHERE s.status <> {EXITED} AND a.status = 'missed'
          AND NOT EXISTS (
            SELECT 1 FROM {_table(Appointment)} h
            WHERE h.municipality_id = a.municipality_id AND h.participant_id = a.participant_id
              AND h.status = 'held' AND h.starts_at > a.starts_at)"""


def _retention_due(q: _Sql) -> str:
    due = q.add_months("s.exited_on", 12 * r.retention_years())
    return f"""{_item(Rule.RETENTION_DUE, due, "participant", "s.uuid")}
        FROM s
        WHERE s.status = {EXITED} AND s.anonymised_on IS NULL AND NOT s.legal_hold
          AND {due} <= {q.days_from_today(r.RETENTION_WINDOW_DAYS)}"""


RULE_SQL: dict[Rule, Callable[[_Sql], str]] = {
    Rule.ASSESSMENT_DUE: _assessment_due,
    Rule.INITIAL_INTERVIEW_DUE: _initial_interview_due,
    Rule.PLAN_DUE: _plan_due,
    Rule.REFERRAL_DUE: _referral_due,
    Rule.PLAN_REVIEW_DUE: _plan_review_due,
    Rule.PLAN_ENDING: _plan_ending,
    Rule.JOB_SEARCH_DISCUSSION_DUE: _job_search_discussion_due,
    Rule.CARD_EXPIRING: _card_expiring,
    Rule.CONSENT_EXPIRING: _consent_expiring,
    Rule.FOLLOW_UP_DUE: _follow_up_due,
    Rule.NO_CONTACT: _no_contact,
    Rule.MISSED_APPOINTMENT: _missed_appointment,
    Rule.RETENTION_DUE: _retention_due,
}


# The statement --------------------------------------------------------------------------------


def _scope_cte(q: _Sql, scope: Scope) -> str:
    conditions = []
    if scope.municipality_ids is not None:
        within = f"p.municipality_id IN {q.ids(scope.municipality_ids)}"
        covered = list(scope.covered_ids)
        if covered:
            within = f"({within} OR p.id IN {q.ids(covered)})"
        conditions.append(within)
    if scope.counsellor_id is not None:
        conditions.append(f"p.counsellor_id = {q.param(scope.counsellor_id)}")
    elif scope.assigned_only:
        conditions.append("p.counsellor_id IS NOT NULL")
    if scope.enrolled_from:
        conditions.append(f"p.enrolled_on >= {q.date(scope.enrolled_from)}")
    if scope.enrolled_to:
        conditions.append(f"p.enrolled_on <= {q.date(scope.enrolled_to)}")
    where = " AND ".join(conditions) or "1 = 1"
    return f"""WITH s AS (
        SELECT p.id, p.uuid, p.municipality_id, p.counsellor_id, p.first_name, p.last_name,
               p.status, p.enrolled_on, p.exited_on, p.first_permit_on, p.job_seeker_since,
               p.anonymised_on, p.legal_hold
        FROM {_table(Participant)} p
        WHERE {where}
    )"""


def _items(q: _Sql, rules: Iterable[Rule]) -> str:
    return "\nUNION ALL\n".join(RULE_SQL[rule](q) for rule in rules)


@dataclass(frozen=True)
class Window:
    """Which items: due between ``due_from`` and ``due_to`` (inclusive; None is open)."""

    due_from: datetime.date | None = None
    due_to: datetime.date | None = None


def _window(q: _Sql, window: Window) -> str:
    conditions = []
    if window.due_from is not None:
        conditions.append(f"w.due_on >= {q.date(window.due_from)}")
    if window.due_to is not None:
        conditions.append(f"w.due_on <= {q.date(window.due_to)}")
    return " AND ".join(conditions) or "1 = 1"


def page_statement(
    scope: Scope,
    rules: Iterable[Rule],
    window: Window,
    *,
    today: datetime.date,
    limit: int,
    offset: int,
) -> tuple[str, list[Any]]:
    """One page of items in order (``due_on``, then the participant), each row carrying the total
    number of items (a window count, so the page and the count are one statement)."""
    q = _Sql(today)
    cte = _scope_cte(q, scope)
    items = _items(q, rules)
    sql = f"""{cte}
        SELECT w.rule, w.due_on, w.object_type, w.object_uuid, w.amount,
               s.id, s.uuid, s.first_name, s.last_name, s.municipality_id,
               COUNT(*) OVER () AS total
        FROM ({items}) w
        JOIN s ON s.id = w.participant_id
        WHERE {_window(q, window)}
        ORDER BY w.due_on, s.last_name, s.first_name, s.id, w.rule, w.object_uuid
        LIMIT {q.param(limit)} OFFSET {q.param(offset)}"""
    return sql, q.params


def count_statement(
    scope: Scope, rules: Iterable[Rule], window: Window, *, today: datetime.date
) -> tuple[str, list[Any]]:
    """The number of items (for a page past the last one)."""
    q = _Sql(today)
    cte = _scope_cte(q, scope)
    items = _items(q, rules)
    sql = f"{cte} SELECT COUNT(*) FROM ({items}) w WHERE {_window(q, window)}"
    return sql, q.params


def persons_by_rule_statement(
    scope: Scope, rules: Iterable[Rule], window: Window, *, today: datetime.date
) -> tuple[str, list[Any]]:
    """Persons with at least one item of each rule (the dashboards' ``deadlines``)."""
    q = _Sql(today)
    cte = _scope_cte(q, scope)
    items = _items(q, rules)
    sql = f"""{cte}
        SELECT w.rule, COUNT(DISTINCT w.participant_id)
        FROM ({items}) w WHERE {_window(q, window)} GROUP BY w.rule"""
    return sql, q.params


def counts_by_counsellor_statement(
    scope: Scope, rules: Iterable[Rule], window: Window, *, today: datetime.date
) -> tuple[str, list[Any]]:
    """Items per assigned counsellor, rule and state (overdue: 1, due soon: 0) — the digests."""
    q = _Sql(today)
    cte = _scope_cte(q, scope)
    overdue = f"CASE WHEN w.due_on < {q.date(today)} THEN 1 ELSE 0 END"  # (placeholders in order)
    items = _items(q, rules)
    sql = f"""{cte}
        SELECT s.counsellor_id, w.rule, {overdue} AS overdue, COUNT(*)
        FROM ({items}) w
        JOIN s ON s.id = w.participant_id
        WHERE {_window(q, window)}
        GROUP BY 1, 2, 3"""
    return sql, q.params
