"""The ESF+ report in the request's language: labels, headers and notes (docs/domain.md#languages)."""

from __future__ import annotations

import csv
import io

import openpyxl

from tests import factories
from tests.api.conftest import client_for


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_the_esf_csv_in_finnish(jamsa):
    # given
    factories.ParticipantFactory(municipality=jamsa)
    client = client_for(factories.manager("182"))

    # when
    response = client.get(
        "/api/v1/reports/esf/", {"format": "csv", "municipality": "182"}, HTTP_ACCEPT_LANGUAGE="fi"
    )

    # then
    assert response.status_code == 200
    assert response["Content-Language"] == "fi"
    lines = _csv(response)
    assert lines[0] == [
        "Koodi",
        "Indikaattori",
        "Vaihe",
        "Nimi",
        "Naiset",
        "Miehet",
        "Muunsukupuoliset",
        "Ei ilmoitettu",
        "Yhteensä",
    ]
    rows = {line[1]: line for line in lines[1:] if len(line) > 3}
    assert rows["total_participants"][2:4] == ["Aloitettaessa", "Osallistujien kokonaismäärä"]
    assert rows["employed_upon_leaving"][0] == "EECR04"
    assert rows["employed_upon_leaving"][2] == "Päättyessä"
    notes = [line[0] for line in lines if len(line) == 1]
    assert notes[0].startswith("Tietosuoja: Tyhjät solut on piilotettu.")
    assert "Alue: Jämsä (182)" in notes


def test_the_esf_report_names_its_rows_in_swedish_and_keeps_its_codes(jamsa):
    # given
    client = client_for(factories.manager("182"))

    # when
    sv = client.get("/api/v1/reports/esf/", HTTP_ACCEPT_LANGUAGE="sv").json()
    en = client.get("/api/v1/reports/esf/", HTTP_ACCEPT_LANGUAGE="en").json()

    # then: the machine names stay, the labels follow the language
    assert [row["indicator"] for row in sv["rows"]] == [row["indicator"] for row in en["rows"]]
    assert sv["columns"] == en["columns"]
    assert sv["rows"][0]["label"] == "Totalt antal deltagare"
    assert en["rows"][0]["label"] == "Total number of participants"
    assert sv["suppression_rule"].startswith("Antal på 1–4 personer")


def test_the_esf_xlsx_in_swedish(jamsa):
    # given
    client = client_for(factories.manager("182"))

    # when
    response = client.get("/api/v1/reports/esf/", {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="sv")

    # then
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["ESF+-deltagare", "Anmärkningar"]
    header = next(workbook["ESF+-deltagare"].iter_rows(values_only=True))
    assert header[:4] == ("Kod", "Indikator", "Skede", "Benämning")
