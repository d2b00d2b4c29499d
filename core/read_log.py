"""What a view declares it writes to the read-access log (docs/access.md, "Access log").

Every API view names, per action or per HTTP method, one of three things, exactly as it names
the capability each method needs:

- ``ReadLog("participants:detail")``: the answer shows participants' personal data. The view
  hands the records it shows to the base view (``PolkuViewMixin.shown``), which appends one
  access-log event naming every participant behind them once the answer is built;
- ``NO_PERSONAL_DATA``: the answer holds none (catalogues, employers, vacancies, aggregates);
- ``WRITE_ANSWER``: the answer echoes the record this very request wrote; the write is in the
  change history, so it is not a read.

``tests/architecture`` walks the URL resolver and fails for a read (and any custom action) that
declares none of them; the base view fails an answer whose ``ReadLog`` was never given the
records it showed. A page (a function view) carries its declaration through ``@declare(...)``
and, when it shows personal data, calls ``write`` itself. The event is written by
``core.access_log.record_access``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from core.access import Role, role_label
from core.access_log import record_access, record_access_for_queryset

#: ``(participant_id, municipality_id)``: internal ids of one participant shown.
Subject = tuple[int, int]


def attached(record: Any) -> Subject:
    """A record attached to a participant (note, assessment, match, consent…)."""
    return (record.participant_id, record.municipality_id)


def participant(record: Any) -> Subject:
    """A participant instance."""
    return (record.pk, record.municipality_id)


def participant_row(row: Mapping[str, Any]) -> Subject:
    """A participant read as a ``.values()`` row."""
    return (row["id"], row["municipality_id"])


@dataclass(frozen=True)
class ReadLog:
    """The answer shows personal data: one event named ``action`` per answer."""

    #: ``<resource>:<action>``, e.g. ``participants:detail``; what the access log shows.
    action: str
    #: How one shown record names its participant.
    subject: Callable[[Any], Subject] = attached
    #: A fixed role label; by default the reader's highest role (core.access.role_label).
    role: str | None = None


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: The answer holds no participant's personal data.
NO_PERSONAL_DATA: Final = _Marker("NO_PERSONAL_DATA")
#: The answer echoes the record the request wrote (its history row records the write).
WRITE_ANSWER: Final = _Marker("WRITE_ANSWER")

Declaration = ReadLog | _Marker
#: What a view's ``read_log`` holds: action name or HTTP method → a declaration, or per action
#: a ``{METHOD: declaration}`` dict for an action answering several methods.
Declarations = Mapping[str, Declaration | Mapping[str, Declaration]]


def reads_of(resource: str, **options: Any) -> dict[str, Declaration | Mapping[str, Declaration]]:
    """The declarations of a plain resource whose list and detail show personal data."""
    return {
        "list": ReadLog(f"{resource}:list", **options),
        "retrieve": ReadLog(f"{resource}:detail", **options),
    }


def declared(declarations: Declarations, action: str | None, method: str) -> Declaration | None:
    """The declaration for ``action`` (a viewset action) or else ``method``; None if none."""
    if action and action in declarations:
        value = declarations[action]
        if isinstance(value, Mapping):
            return value.get(method)
        return value
    fallback = declarations.get(method)
    return None if isinstance(fallback, Mapping) else fallback


View = TypeVar("View", bound=Callable[..., Any])


def declare(declaration: Declaration) -> Callable[[View], View]:
    """A page's declaration (outermost decorator): what it writes to the read-access log."""

    def mark(view: View) -> View:
        view.read_log = declaration  # type: ignore[attr-defined]
        return view

    return mark


def write(
    *,
    user: Any,
    roles: frozenset[Role] | set[Role],
    declaration: ReadLog,
    subjects: Iterable[Subject],
    role: str | None = None,
) -> None:
    """Append the event of one answer: labelled ``role``, else the declaration's fixed role,
    else the reader's first role in ``core.access.ROLE_LABEL_PRIORITY``."""
    label = role or declaration.role or role_label(roles)
    record_access(user=user, role=label, action=declaration.action, subjects=subjects)


def write_all(
    *,
    user: Any,
    roles: frozenset[Role] | set[Role],
    declaration: ReadLog,
    queryset: Any,
    role: str | None = None,
) -> None:
    """Like ``write`` for every participant of a (scoped, filtered) Participant queryset: an
    export, logged in one statement whatever its size."""
    label = role or declaration.role or role_label(roles)
    record_access_for_queryset(user=user, role=label, action=declaration.action, queryset=queryset)
