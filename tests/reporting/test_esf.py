"""The ESF+ participant report (reporting.esf): indicator values on a hand-made caseload,
suppression per row and column, and the CSV and XLSX renderings parsed back."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting import esf, suppression
from reporting.periods import month_end
from tests import factories
from tests.api.conftest import client_for
from tests.reporting.conftest import MONTH_A, MONTH_B, check_protected, day, participant


def born(years: int, before: datetime.date, days: int = 10) -> datetime.date:
    """A birth date ``years`` whole years (and ``days`` days) before ``before``."""
    return before.replace(year=before.year - years) - datetime.timedelta(days=days)


def build_caseload(municipality: Any) -> None:
    """Sixteen entries in MONTH_A and eleven exits in MONTH_B, every cell 0 or ≥ 5:

    - 6 women, unemployed, 30, ISCED 3, Syrian; they exit in MONTH_B job seeking;
    - 5 men, long-term unemployed, 25, ISCED 6, stateless (XX);
    - 5 men, inactive, 56, ISCED 1, Estonian (EU); they exit in MONTH_B with a passed training,
      in work 4 weeks and 6 months after leaving.
    """
    enrolled_on = day(MONTH_A, 4)
    common = {"enrolled_on": enrolled_on}
    for _ in range(6):
        person = participant(
            municipality,
            gender="female",
            labour_market_status="unemployed",
            date_of_birth=born(30, enrolled_on),
            education_level=3,
            citizenship="SY",
            status="exited",
            exit_reason="moved_away",
            **common,
        )
        factories.OutcomeFactory(
            participant=person,
            kind="education",
            starts_on=day(MONTH_B, 5),
            follow_up_4_weeks="job_seeking",
        )
    for _ in range(5):
        participant(
            municipality,
            gender="male",
            labour_market_status="long_term_unemployed",
            date_of_birth=born(25, enrolled_on),
            education_level=6,
            citizenship="XX",
            status="job_seeking",
            **common,
        )
    training = factories.TrainingFactory(municipality=municipality, seats=20)
    for _ in range(5):
        person = participant(
            municipality,
            gender="male",
            labour_market_status="inactive",
            date_of_birth=born(56, enrolled_on),
            education_level=1,
            citizenship="EE",
            status="exited",
            **common,
        )
        factories.EnrolmentFactory(training=training, participant=person, status="passed")
        # An earlier outcome said "job seeking"; the latest one with a follow-up counts.
        factories.OutcomeFactory(
            participant=person, starts_on=day(MONTH_A, 10), follow_up_4_weeks="job_seeking"
        )
        factories.OutcomeFactory(
            participant=person,
            starts_on=day(MONTH_B, 1),
            follow_up_4_weeks="employed",
            follow_up_6_months="employed",
        )
        factories.OutcomeFactory(participant=person, starts_on=day(MONTH_B, 20))  # no follow-up
    # Outside the period: enrolled and exited a year earlier.
    participant(
        municipality,
        gender="female",
        enrolled_on=MONTH_A.replace(year=MONTH_A.year - 1),
        status="exited",
        exited_on=MONTH_B.replace(year=MONTH_B.year - 1),
    )


def _rows(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["indicator"]: row for row in report["rows"]}


#: The CSV/XLSX headers of the gender columns, in English (tests/conftest.py asks for English).
ENGLISH_COLUMNS = ["Women", "Men", "Non-binary", "Not disclosed", "Total"]


def _cells(women: int, men: int, non_binary: int = 0, undisclosed: int = 0) -> dict[str, int]:
    return {
        "women": women,
        "men": men,
        "non_binary": non_binary,
        "undisclosed": undisclosed,
        "total": women + men + non_binary + undisclosed,
    }


EXPECTED = {
    "total_participants": _cells(6, 10),
    "unemployed": _cells(6, 5),
    "long_term_unemployed": _cells(0, 5),
    "inactive": _cells(0, 5),
    "employed": _cells(0, 0),
    "under_18": _cells(0, 0),
    "aged_18_29": _cells(0, 5),
    "aged_55_plus": _cells(0, 5),
    "isced_0_2": _cells(0, 5),
    "isced_3_4": _cells(6, 0),
    "isced_5_8": _cells(0, 5),
    "third_country_nationals": _cells(6, 5),
    "foreign_background": _cells(6, 10),
    "job_searching_upon_leaving": _cells(6, 0),
    "in_education_upon_leaving": _cells(0, 0),
    "qualification_upon_leaving": _cells(0, 5),
    "employed_upon_leaving": _cells(0, 5),
    "employed_six_months_after_leaving": _cells(0, 5),
}


def _report(jamsa: Any, **period: Any) -> dict[str, Any]:
    scope = {"kind": "municipality", "code": "182", "name": "Jämsä", "municipalities": ["182"]}
    return esf.esf_participant_report(municipality_ids=[jamsa.pk], scope=scope, **period)


def test_indicators_on_a_hand_made_caseload(jamsa, aanekoski):
    build_caseload(jamsa)
    participant(aanekoski, gender="female")  # another municipality

    report = _report(jamsa, period_from=MONTH_A, period_to=day(MONTH_B, 9))

    assert report["period"] == {"from": MONTH_A.isoformat(), "to": month_end(MONTH_B).isoformat()}
    assert report["columns"] == ["women", "men", "non_binary", "undisclosed", "total"]
    rows = _rows(report)
    assert list(rows) == list(EXPECTED)
    for key, cells in EXPECTED.items():
        assert {column: rows[key][column] for column in report["columns"]} == cells, key
    assert [row["code"] for row in report["rows"][-5:]] == [
        "EECR01",
        "EECR02",
        "EECR03",
        "EECR04",
        "EECR05",
    ]
    assert {row["stage"] for row in report["rows"][:13]} == {"entry"}
    assert report["suppressed_cells"] == []
    assert report["suppression_rule"] == suppression.RULE


def test_entry_and_exit_rows_follow_their_own_dates(jamsa):
    build_caseload(jamsa)

    entries_only = _rows(_report(jamsa, period_from=MONTH_A, period_to=MONTH_A))
    exits_only = _rows(_report(jamsa, period_from=MONTH_B, period_to=MONTH_B))

    assert entries_only["total_participants"]["total"] == 16
    assert entries_only["employed_upon_leaving"]["total"] == 0
    assert exits_only["total_participants"]["total"] == 0
    assert exits_only["employed_upon_leaving"]["total"] == 5


@pytest.mark.parametrize(
    ("birthday_offset", "row"),
    [(0, "aged_18_29"), (1, "under_18"), (-1, "aged_18_29")],
)
def test_age_is_counted_on_the_enrolment_day(jamsa, birthday_offset, row):
    enrolled_on = day(MONTH_A, 10)
    eighteenth = enrolled_on + datetime.timedelta(days=birthday_offset)
    for _ in range(5):
        participant(
            jamsa,
            enrolled_on=enrolled_on,
            date_of_birth=eighteenth.replace(year=eighteenth.year - 18),
        )
    rows = _rows(_report(jamsa))
    assert rows[row]["total"] == 5
    other = "under_18" if row == "aged_18_29" else "aged_18_29"
    assert rows[other]["total"] == 0


def test_third_country_nationals_exclude_the_eu_eea_and_switzerland(jamsa):
    for citizenship in ("FI", "SE", "NO", "CH", "IS", "", "UA", "XX", "SO", "AF", "GB"):
        participant(jamsa, citizenship=citizenship)
    rows = _rows(_report(jamsa))
    assert rows["third_country_nationals"]["women"] == 5  # UA, XX, SO, AF, GB
    assert rows["foreign_background"]["women"] == 11


def test_a_hidden_gender_cell_is_never_revealed_by_its_row_or_column(jamsa, monkeypatch):
    build_caseload(jamsa)
    participant(
        jamsa,
        gender="non_binary",
        enrolled_on=day(MONTH_A, 4),
        labour_market_status="employed",
        citizenship="FI",
    )

    raw: dict[str, Any] = {}
    real = esf.protect_report

    def capture(payload: dict[str, Any]) -> dict[str, Any]:
        raw.update(suppression.count_cells(payload, ("rows",)))
        return real(payload)

    monkeypatch.setattr(esf, "protect_report", capture)
    report = _report(jamsa)

    rows = _rows(report)
    assert rows["total_participants"]["non_binary"] is None
    assert rows["employed"]["non_binary"] is None
    # The row total (18: no period, so the woman of last year too) would give non_binary = 1
    # back: women (7, smaller than the 10 men) is hidden as well.
    assert rows["total_participants"]["women"] is None
    assert rows["total_participants"]["total"] == 18
    check_protected(report, raw, esf.report_groups())


# Renderings through the API --------------------------------------------------------------------


def test_csv_rendering_parses_back_with_the_right_numbers(jamsa):
    build_caseload(jamsa)
    manager = factories.manager("182")

    response = client_for(manager).get(
        "/api/v1/reports/esf/",
        {
            "format": "csv",
            "municipality": "182",
            "from": MONTH_A.strftime("%Y-%m"),
            "to": MONTH_B.strftime("%Y-%m"),
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="esf-report-182-')
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    header, body = lines[0], lines[1 : 1 + len(esf.INDICATORS)]
    assert header == ["Code", "Indicator", "Stage", "Label", *ENGLISH_COLUMNS]
    for line in body:
        expected = EXPECTED[line[1]]
        assert [int(value) for value in line[4:]] == list(expected.values()), line[1]
    assert body[-2][0] == "EECR04"
    notes = [line[0] for line in lines[2 + len(esf.INDICATORS) :]]
    assert notes[0].startswith("Suppression: Empty cells are suppressed.")
    assert any(note.startswith("Scope: Jämsä (182)") for note in notes)


def test_suppressed_cells_are_empty_in_csv_and_xlsx(jamsa):
    build_caseload(jamsa)
    participant(jamsa, gender="non_binary", enrolled_on=day(MONTH_A, 4))
    manager = factories.manager("182")
    client = client_for(manager)

    csv_lines = list(
        csv.reader(
            io.StringIO(client.get("/api/v1/reports/esf/", {"format": "csv"}).content.decode())
        )
    )
    total_line = csv_lines[1]
    assert total_line[1] == "total_participants"
    assert total_line[4:] == ["", "10", "", "0", "18"]

    response = client.get("/api/v1/reports/esf/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == esf_xlsx_media_type()
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["ESF+ participants", "Notes"]
    sheet = workbook["ESF+ participants"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == ["Code", "Indicator", "Stage", "Label", *ENGLISH_COLUMNS]
    assert list(values[1][4:]) == [None, 10, None, 0, 18]
    footnote = values[len(esf.INDICATORS) + 2][0]
    assert footnote.startswith("Note: Empty cells are suppressed.")
    notes = {row[0]: row[1] for row in workbook["Notes"].iter_rows(values_only=True)}
    assert notes["Suppression"].endswith(str(suppression.RULE))
    assert "rows.0.women" in notes["Suppressed cells"]


def test_xlsx_holds_the_right_numbers(jamsa):
    build_caseload(jamsa)
    coordinator = factories.coordinator()

    response = client_for(coordinator).get(
        "/api/v1/reports/esf/",
        {"format": "xlsx", "from": MONTH_A.isoformat(), "to": MONTH_B.isoformat()},
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["ESF+ participants"]
    rows = list(sheet.iter_rows(min_row=2, max_row=1 + len(esf.INDICATORS), values_only=True))
    for row in rows:
        assert list(row[4:]) == list(EXPECTED[row[1]].values()), row[1]


def esf_xlsx_media_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_report_takes_two_queries_whatever_the_data(jamsa):
    participant(jamsa)
    with CaptureQueriesContext(connection) as small:
        _report(jamsa)
    build_caseload(jamsa)
    with CaptureQueriesContext(connection) as large:
        _report(jamsa)
    assert len(small.captured_queries) == len(large.captured_queries) == 2
