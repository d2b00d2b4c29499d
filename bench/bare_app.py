"""The bare implementation ``bench.side_by_side`` compares Polku with: a WSGI app on psycopg2 and
orjson, no framework, that does the same work for ``GET /api/v1/participants/?page_size=N`` and
``GET /api/v1/participants/{id}/`` — checks the bearer token (hashed, live, active user),
resolves the counsellor's municipalities and covers, reads the page and the count (or the one
participant) in that scope, writes the same read-access-log rows (one event, one link per
participant shown, in one statement) and answers the same JSON.

    DATABASE_URL=postgres://… gunicorn bench.bare_app:application

Each worker keeps one connection in autocommit mode. Not part of Polku.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.parse
from typing import Any

import orjson
import psycopg2

_COLUMNS = (
    "p.uuid, m.code, p.first_name, p.last_name, p.date_of_birth, p.identity_code_hash,"
    " p.identity_code_is_temporary, p.gender, p.native_language, p.citizenship, p.arrival_date,"
    " p.education_level, p.labour_market_status, p.phone, p.email, p.available_from, p.status,"
    " p.status_changed_on, p.enrolled_on, p.exited_on, p.exit_reason, u.username, p.version,"
    " p.id, p.municipality_id, p.legal_hold, p.first_permit_on, p.job_seeker_since,"
    " p.service_language, p.interpreter_language"
)
_FROM = (
    " FROM casework_participant p JOIN municipalities_municipality m ON m.id = p.municipality_id"
    " LEFT JOIN auth_user u ON u.id = p.counsellor_id"
)
_SCOPE = "(p.municipality_id = ANY(%(municipalities)s) OR p.id = ANY(%(covered)s))"
# As Polku's ORM writes it: IN (…), and no OR without covers (IN with one value plans as =, which
# lets the page walk the (municipality, last name, first name, id) index in order).
_SCOPE_NO_COVERS = "p.municipality_id IN %(municipality_tuple)s"
_WHO = """
SELECT t.user_id,
  ARRAY(SELECT g.content_object_id
          FROM municipalities_municipalitygroupobjectpermission g
          JOIN auth_permission ap ON ap.id = g.permission_id
          JOIN auth_user_groups ug ON ug.group_id = g.group_id
         WHERE ug.user_id = t.user_id AND ap.codename = 'act_as_counsellor'),
  ARRAY(SELECT c.content_object_id
          FROM casework_participantuserobjectpermission c
          JOIN auth_permission ap ON ap.id = c.permission_id
         WHERE c.user_id = t.user_id AND ap.codename = 'cover_participant')
  FROM api_apitoken t JOIN auth_user u ON u.id = t.user_id
 WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > now() AND u.is_active
"""
_LOG = (
    "WITH event AS (INSERT INTO core_accessevent"
    " (at, user_id, role, action, outcome, subject_count)"
    " VALUES (now(), %s, 'counsellor', %s, 'success', %s) RETURNING id)"
    " INSERT INTO core_accesseventsubject (event_id, participant_id, municipality_id)"
    " SELECT event.id, s.p, s.m FROM event, unnest(%s::bigint[], %s::bigint[]) AS s (p, m)"
)
_DETAIL = re.compile(r"^/api/v1/participants/([0-9a-fA-F-]{36})/$")
_connection: Any = None


def _cursor() -> Any:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg2.connect(os.environ["DATABASE_URL"])
        _connection.autocommit = True
    return _connection.cursor()


def _row(r: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "id": r[0],
        "municipality": r[1],
        "first_name": r[2],
        "last_name": r[3],
        "date_of_birth": r[4],
        "personal_identity_code": f"{r[4]:%d%m%y}-****" if r[5] else None,
        "identity_code_is_temporary": r[6],
        "gender": r[7],
        "native_language": r[8],
        "citizenship": r[9],
        "arrival_date": r[10],
        "education_level": r[11],
        "labour_market_status": r[12],
        "phone": r[13],
        "email": r[14],
        "available_from": r[15],
        "status": r[16],
        "status_changed_on": r[17],
        "enrolled_on": r[18],
        "exited_on": r[19],
        "exit_reason": r[20],
        "counsellor": r[21],
        "legal_hold": r[25],
        "first_permit_on": r[26],
        "job_seeker_since": r[27],
        "service_language": r[28],
        "interpreter_language": r[29],
        "version": r[22],
    }


def _answer(start_response: Any, status: str, body: Any, etag: str | None = None) -> list[bytes]:
    payload = orjson.dumps(body)
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    if etag:
        headers.append(("ETag", etag))
    start_response(status, headers)
    return [payload]


def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    if not authorization.startswith("Bearer "):
        return _answer(start_response, "401 Unauthorized", {"code": "not_authenticated"})
    key_hash = hashlib.sha256(authorization[7:].strip().encode()).hexdigest()
    cursor = _cursor()
    cursor.execute(_WHO, [key_hash])
    who = cursor.fetchone()
    if who is None:
        return _answer(start_response, "401 Unauthorized", {"code": "authentication_failed"})
    user_id, municipalities, covered = who
    if not municipalities and not covered:
        return _answer(start_response, "403 Forbidden", {"code": "permission_denied"})
    scope = {
        "municipalities": municipalities,
        "covered": covered,
        "municipality_tuple": tuple(municipalities),
    }
    where = _SCOPE if covered or not municipalities else _SCOPE_NO_COVERS
    path = environ.get("PATH_INFO", "")
    detail = _DETAIL.match(path)
    if detail:
        cursor.execute(
            f"SELECT {_COLUMNS}{_FROM} WHERE p.uuid = %(uuid)s AND {where}",
            {**scope, "uuid": detail.group(1)},
        )
        row = cursor.fetchone()
        if row is None:
            return _answer(start_response, "404 Not Found", {"code": "not_found"})
        cursor.execute(_LOG, [user_id, "participants:detail", 1, [row[23]], [row[24]]])
        return _answer(start_response, "200 OK", _row(row), f'"{row[22]}"')
    if path != "/api/v1/participants/":
        return _answer(start_response, "404 Not Found", {"code": "not_found"})
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    size = min(int(query.get("page_size", ["50"])[0]), 200)
    page = int(query.get("page", ["1"])[0])
    cursor.execute(
        f"SELECT {_COLUMNS}{_FROM} WHERE {where}"
        f" ORDER BY p.last_name, p.first_name, p.id LIMIT %(size)s OFFSET %(offset)s",
        {**scope, "size": size, "offset": (page - 1) * size},
    )
    rows = cursor.fetchall()
    cursor.execute(f"SELECT count(*) FROM casework_participant p WHERE {where}", scope)
    (count,) = cursor.fetchone()
    cursor.execute(
        _LOG,
        [user_id, "participants:list", len(rows), [r[23] for r in rows], [r[24] for r in rows]],
    )
    base = f"http://{environ.get('HTTP_HOST', 'testserver')}{path}"
    following = (
        f"{base}?{urllib.parse.urlencode({'page': page + 1, 'page_size': size})}"
        if page * size < count
        else None
    )
    return _answer(
        start_response,
        "200 OK",
        {"count": count, "next": following, "previous": None, "results": [_row(r) for r in rows]},
    )
