"""Reads of the worklist: the items of a counsellor's caseload (the API and the workspace), the
persons with overdue items per rule (the dashboards), and the counts per counsellor (the
digests). Each is one statement (``plans.worklist.sql``) whatever the caseload, plus one for the
count when a page lies past the last item."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection

from casework.access import counsellor_municipality_ids, covered_participant_ids
from core.access import Role
from core.errors import ValidationFailed
from core.validation import today as local_today
from municipalities.models import Municipality, RoleGrant
from plans.worklist import sql
from plans.worklist.rules import DEFAULT_HORIZON_DAYS, DUE_SOON_DAYS, Rule, State, detail

ME = "me"
ANY = "any"


@dataclass(frozen=True)
class WorklistFilters:
    """What ``GET worklist/`` takes, validated (``parse_filters``)."""

    counsellor: str = ME
    municipality: str | None = None
    rule: Rule | None = None
    state: State | None = None
    due_before: datetime.date | None = None


@dataclass(frozen=True)
class WorklistItem:
    participant: uuid.UUID
    participant_name: str
    rule: Rule
    due_on: datetime.date
    state: State
    detail: str
    object: dict[str, Any]
    participant_id: int
    municipality_id: int


def state_of(due_on: datetime.date, today: datetime.date) -> State:
    if due_on < today:
        return State.OVERDUE
    if due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return State.DUE_SOON
    return State.UPCOMING


def parse_filters(params: Any) -> WorklistFilters:
    """The query parameters of ``GET worklist/``; a bad value answers 400 naming each one."""
    errors: dict[str, list[str]] = {}
    counsellor = (params.get("counsellor") or ME).strip()
    rule = params.get("rule")
    state = params.get("state")
    due_before = params.get("due_before")
    parsed: dict[str, Any] = {"counsellor": counsellor}
    if rule not in (None, ""):
        if rule in Rule.__members__.values():
            parsed["rule"] = Rule(rule)
        else:
            errors["rule"] = [f"Choose one of: {', '.join(Rule)}."]
    if state not in (None, ""):
        if state in State.__members__.values():
            parsed["state"] = State(state)
        else:
            errors["state"] = [f"Choose one of: {', '.join(State)}."]
    if due_before not in (None, ""):
        try:
            parsed["due_before"] = datetime.date.fromisoformat(due_before)
        except (TypeError, ValueError):
            errors["due_before"] = ["Enter a valid date (YYYY-MM-DD)."]
    municipality = params.get("municipality")
    if municipality not in (None, ""):
        parsed["municipality"] = municipality
    if errors:
        raise ValidationFailed(errors)
    return WorklistFilters(**parsed)


def _scope(user: Any, filters: WorklistFilters) -> sql.Scope:
    """The caller's participants the filters select. A municipality or counsellor the caller
    may not name answers 400 (never 404: they are filter values, ADR 5)."""
    municipality_ids = counsellor_municipality_ids(user)
    covered = covered_participant_ids(user)
    if filters.municipality is not None:
        municipality = Municipality.objects.filter(
            code=filters.municipality, id__in=municipality_ids
        ).first()
        if municipality is None:
            raise ValidationFailed.single("municipality", "Name one of your municipalities.")
        municipality_ids = frozenset({municipality.pk})
        covered = frozenset()
    if filters.counsellor == ME:
        counsellor_id: int | None = user.pk
    elif filters.counsellor == ANY:
        counsellor_id = None
    else:
        counsellor = (
            RoleGrant.objects.filter(
                user__username=filters.counsellor,
                user__is_active=True,
                role=Role.COUNSELLOR,
                is_active=True,
                municipality_id__in=municipality_ids,
            )
            .values_list("user_id", flat=True)
            .first()
        )
        if counsellor is None:
            raise ValidationFailed.single(
                "counsellor", "Name me, any, or a counsellor of your municipalities."
            )
        counsellor_id = counsellor
    return sql.Scope(
        municipality_ids=municipality_ids, covered_ids=covered, counsellor_id=counsellor_id
    )


def _window(filters: WorklistFilters, today: datetime.date) -> sql.Window:
    due_to = filters.due_before or today + datetime.timedelta(days=DEFAULT_HORIZON_DAYS)
    due_from = None
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    if filters.state == State.OVERDUE:
        due_to = min(due_to, today - datetime.timedelta(days=1))
    elif filters.state == State.DUE_SOON:
        due_from, due_to = today, min(due_to, soon)
    elif filters.state == State.UPCOMING:
        due_from = soon + datetime.timedelta(days=1)
    return sql.Window(due_from=due_from, due_to=due_to)


def _rules(filters: WorklistFilters) -> list[Rule]:
    return [filters.rule] if filters.rule else list(Rule)


def _date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class Worklist:
    """The items of a worklist, computed by the database a page at a time: sliceable and
    countable, so a paginator can use it. ``expect(offset, limit)`` lets the first ``count()``
    fetch that page together with the total in one statement."""

    def __init__(self, *, user: Any, filters: WorklistFilters) -> None:
        self.today = local_today()
        self.scope = _scope(user, filters)
        self.window = _window(filters, self.today)
        self.rules = _rules(filters)
        self._expected: tuple[int, int] | None = None
        self._page: tuple[int, int, list[WorklistItem]] | None = None
        self._total: int | None = None

    def expect(self, offset: int, limit: int) -> None:
        self._expected = (max(offset, 0), max(limit, 1))

    def _fetch(self, offset: int, limit: int) -> list[WorklistItem]:
        statement, params = sql.page_statement(
            self.scope, self.rules, self.window, today=self.today, limit=limit, offset=offset
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        if rows:
            self._total = int(rows[0][-1])
        elif offset == 0:
            self._total = 0
        self._page = (offset, limit, [self._item(row) for row in rows])
        return self._page[2]

    def count(self) -> int:
        if self._total is None:
            offset, limit = self._expected or (0, 1)
            self._fetch(offset, limit)
        if self._total is None:  # a page past the last item
            statement, params = sql.count_statement(
                self.scope, self.rules, self.window, today=self.today
            )
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                self._total = int(cursor.fetchone()[0])
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[WorklistItem]:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("a worklist takes forward slices only")
        offset = key.start or 0
        limit = (key.stop if key.stop is not None else offset + 200) - offset
        if limit <= 0:
            return []
        if self._page is not None and self._page[0] == offset and limit <= self._page[1]:
            return self._page[2][:limit]  # the paginator asks for the page it was told of
        return self._fetch(offset, limit)

    def _item(self, row: tuple[Any, ...]) -> WorklistItem:
        rule_code, due_on, object_type, object_uuid, amount = row[:5]
        participant_id, participant_uuid, first_name, last_name, municipality_id = row[5:10]
        rule = Rule(rule_code)
        due = _date(due_on)
        return WorklistItem(
            participant=_uuid(participant_uuid),
            participant_name=f"{first_name} {last_name}",
            rule=rule,
            due_on=due,
            state=state_of(due, self.today),
            detail=detail(rule, amount),
            object={"type": object_type, "id": _uuid(object_uuid)},
            participant_id=participant_id,
            municipality_id=municipality_id,
        )


def worklist(*, user: Any, filters: WorklistFilters) -> Worklist:
    """The caller's worklist: the counsellor's municipalities (and covered participants),
    narrowed by ``filters.counsellor`` to one caseload (``me`` by default)."""
    return Worklist(user=user, filters=filters)


def overdue_persons_by_rule(
    municipality_id: int | None,
    *,
    enrolled_from: datetime.date | None = None,
    enrolled_to: datetime.date | None = None,
    today: datetime.date | None = None,
) -> dict[str, int]:
    """Persons with at least one overdue item of each rule, in one municipality (or the whole
    pilot for None), among the participants enrolled in the period. Aggregate only: no
    participant-level row leaves the database."""
    today = today or local_today()
    scope = sql.Scope(
        municipality_ids=None if municipality_id is None else [municipality_id],
        enrolled_from=enrolled_from,
        enrolled_to=enrolled_to,
    )
    window = sql.Window(due_to=today - datetime.timedelta(days=1))
    statement, params = sql.persons_by_rule_statement(scope, list(Rule), window, today=today)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        found = {rule: int(count) for rule, count in cursor.fetchall()}
    return {rule.value: found.get(rule.value, 0) for rule in Rule}


def counts_by_counsellor(
    *, today: datetime.date | None = None
) -> dict[int, dict[str, dict[str, int]]]:
    """For every counsellor with overdue or due-soon items in their caseload (participants
    assigned to them): ``{counsellor_id: {"overdue": {rule: n}, "due_soon": {rule: n}}}``. One
    statement over every assigned participant (the digests)."""
    today = today or local_today()
    scope = sql.Scope(municipality_ids=None, assigned_only=True)
    window = sql.Window(due_to=today + datetime.timedelta(days=DUE_SOON_DAYS))
    statement, params = sql.counts_by_counsellor_statement(scope, list(Rule), window, today=today)
    result: dict[int, dict[str, dict[str, int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for counsellor_id, rule, overdue, count in cursor.fetchall():
            state = State.OVERDUE.value if int(overdue) else State.DUE_SOON.value
            counts = result.setdefault(counsellor_id, {"overdue": {}, "due_soon": {}})
            counts[state][rule] = int(count)
    return result
