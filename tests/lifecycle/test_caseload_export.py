"""The caseload export (docs/domain.md#data-lifecycle): every row of the filtered list as CSV or XLSX, scoped like
the list, one access-log event naming every participant, headers in the request's language, and
formulas neutralised."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from api.lifecycle.caseload import neutralise
from core.models import AccessEvent
from tests import factories
from tests.api.conftest import client_for


def _export(client, export_format, **params):
    response = client.get("/api/v1/participants/", {"format": export_format, **params})
    assert response.status_code == 200, getattr(response, "content", b"")
    return response, b"".join(response.streaming_content)


def _csv_rows(content):
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx_rows(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [
        [("" if cell is None else cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]


@pytest.fixture
def caseload(db):
    counsellor = factories.counsellor("182")
    mine = factories.ParticipantFactory.create_batch(60, status="active")
    exited = factories.ParticipantFactory(status="referred")
    elsewhere = factories.ParticipantFactory(municipality=factories.municipality("992"))
    return counsellor, mine, exited, elsewhere


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_export_holds_every_row_of_the_filtered_list_not_one_page(caseload, export_format):
    # given
    counsellor, mine, exited, elsewhere = caseload
    before = AccessEvent.objects.count()

    # when
    response, content = _export(client_for(counsellor), export_format, status="active")

    # then
    rows = _csv_rows(content) if export_format == "csv" else _xlsx_rows(content)
    ids = {row[0] for row in rows[1:]}
    assert ids == {str(p.uuid) for p in mine}  # 60 rows > one page of 50; filter applied
    assert str(elsewhere.uuid) not in ids
    assert "attachment" in response["Content-Disposition"]
    event = AccessEvent.objects.order_by("id")[before:].get()
    assert event.action == "participants:export"
    assert event.subject_count == 60
    assert set(event.subjects.values_list("participant_id", flat=True)) == {p.pk for p in mine}


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_export_is_scoped_like_the_list(caseload, export_format):
    counsellor, mine, exited, elsewhere = caseload

    _, content = _export(client_for(counsellor), export_format)

    rows = _csv_rows(content) if export_format == "csv" else _xlsx_rows(content)
    assert {row[0] for row in rows[1:]} == {str(p.uuid) for p in [*mine, exited]}


@pytest.mark.parametrize(
    ("language", "header"),
    [("en", "First name"), ("fi", None)],
)
def test_the_headers_follow_the_requests_language(caseload, language, header):
    counsellor = caseload[0]
    response = client_for(counsellor).get(
        "/api/v1/participants/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE=language
    )
    rows = _csv_rows(b"".join(response.streaming_content))
    if header is not None:
        assert rows[0][2] == header
    else:  # whatever the translation, the header row is text in the same columns
        assert len(rows[0]) == len(rows[1])


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_cell_that_would_start_a_formula_gets_a_leading_apostrophe(db, prefix, export_format):
    # given
    counsellor = factories.counsellor("182")
    factories.ParticipantFactory(first_name=f'{prefix}HYPERLINK("http://x")', last_name="Aalto")

    # when
    _, content = _export(client_for(counsellor), export_format)

    # then
    rows = _csv_rows(content) if export_format == "csv" else _xlsx_rows(content)
    expected = f'\'{prefix}HYPERLINK("http://x")'
    if export_format == "xlsx":  # XML stores a carriage return as a line feed
        expected = expected.replace("\r", "\n")
    assert rows[1][2] == expected


def test_neutralise_leaves_safe_values_alone():
    assert neutralise("Anna") == "Anna"
    assert neutralise(3) == 3
    assert neutralise("") == ""
    assert neutralise("a=b") == "a=b"


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_export_runs_the_same_queries_for_one_row_and_many(db, export_format):
    counsellor = factories.counsellor("182")
    client = client_for(counsellor)
    factories.ParticipantFactory()
    _export(client, export_format)
    with CaptureQueriesContext(connection) as one:
        _export(client, export_format)
    factories.ParticipantFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        _export(client, export_format)

    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize("role", ["manager", "coordinator", "employer"])
def test_roles_without_participant_data_get_403_and_nothing_is_logged(db, role):
    user = {
        "manager": lambda: factories.manager("182"),
        "coordinator": lambda: factories.coordinator(),
        "employer": lambda: factories.employer_user(),
    }[role]()
    before = AccessEvent.objects.count()

    response = client_for(user).get("/api/v1/participants/", {"format": "csv"})

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert AccessEvent.objects.count() == before


def test_an_unknown_format_answers_400(db):
    response = client_for(factories.counsellor("182")).get(
        "/api/v1/participants/", {"format": "pdf"}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"format": ["Use json, csv or xlsx."]}
