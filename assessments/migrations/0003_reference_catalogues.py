"""Reference data: ISCO-08 (shared/data/isco08.csv, copied to assessments/data/) and the pinned
licence-type catalogue of docs/domain.md."""

import csv
from pathlib import Path

from django.db import migrations

ISCO_FILE = Path(__file__).resolve().parent.parent / "data" / "isco08.csv"

LICENCE_TYPES = [
    ("occupational_safety", "Työturvallisuuskortti", "Arbetarskyddskort",
     "Occupational Safety Card", "Työturvallisuuskeskus TTK", 5),
    ("hot_work", "Tulityökortti", "Heta arbeten-kort", "Hot Work Card", "SPEK", 5),
    ("hygiene_passport", "Hygieniapassi", "Hygienpass", "Hygiene Passport",
     "Ruokavirasto (approved testers)", None),
    ("first_aid_1", "Ensiapu EA 1", "Första hjälpen 1", "First Aid 1", "Finnish Red Cross", 3),
    ("alcohol_passport", "Anniskelupassi", "Utskänkningspass", "Alcohol Passport",
     "educational institutions (Valvira guidance)", None),
    ("electrical_safety", "Sähkötyöturvallisuuskortti (SFS 6002)", "Elsäkerhetskort (SFS 6002)",
     "Electrical Work Safety Card", "SFS 6002 trainers", 5),
    ("road_safety_1", "Tieturva 1", "Vägsäkerhet 1", "Road Safety 1", "Väylävirasto", 5),
    ("forklift", "Trukkikortti", "Truckkort", "Forklift Card",
     "training provider (plus the employer's written permit)", None),
    ("security_steward", "Järjestyksenvalvojakortti", "Ordningsvaktskort",
     "Security Steward Card", "Police", 5),
]  # fmt: skip


def load(apps, schema_editor):
    Occupation = apps.get_model("assessments", "Occupation")
    LicenceType = apps.get_model("assessments", "LicenceType")
    with ISCO_FILE.open(encoding="utf-8") as handle:
        rows = [
            Occupation(code=row["code"], level=int(row["level"]), title_en=row["title_en"])
            for row in csv.DictReader(handle)
        ]
    Occupation.objects.bulk_create(rows, ignore_conflicts=True)
    for code, name_fi, name_sv, name_en, issuer, years in LICENCE_TYPES:
        LicenceType.objects.get_or_create(
            code=code,
            defaults={
                "name_fi": name_fi,
                "name_sv": name_sv,
                "name_en": name_en,
                "issuer": issuer,
                "validity_years": years,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("assessments", "LicenceType").objects.filter(
        code__in=[row[0] for row in LICENCE_TYPES]
    ).delete()
    apps.get_model("assessments", "Occupation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_initial")]
    operations = [migrations.RunPython(load, unload)]
