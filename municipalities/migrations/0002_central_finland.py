"""Reference data: the nine Central Finland municipalities of the pilot (Statistics Finland codes)
and their TE24 employment areas (docs/domain.md#plans-appointments-and-the-worklist, §8)."""

from django.db import migrations

AREAS = [
    ("pohjoinen-keski-suomi", "Pohjoisen Keski-Suomen työllisyysalue",
     "Norra Mellersta Finlands sysselsättningsområde", "992"),
    ("etelainen-keski-suomi", "Eteläisen Keski-Suomen työllisyysalue",
     "Södra Mellersta Finlands sysselsättningsområde", "182"),
    ("jyvaskyla", "Jyväskylän työllisyysalue", "Jyväskylä sysselsättningsområde", "179"),
]
MUNICIPALITIES = [
    ("179", "Jyväskylä", "Jyväskylä", "jyvaskyla"),
    ("182", "Jämsä", "Jämsä", "etelainen-keski-suomi"),
    ("249", "Keuruu", "Keuru", "etelainen-keski-suomi"),
    ("312", "Kyyjärvi", "Kyyjärvi", "pohjoinen-keski-suomi"),
    ("410", "Laukaa", "Laukas", "pohjoinen-keski-suomi"),
    ("601", "Pihtipudas", "Pihtipudas", "pohjoinen-keski-suomi"),
    ("729", "Saarijärvi", "Saarijärvi", "pohjoinen-keski-suomi"),
    ("931", "Viitasaari", "Viitasaari", "pohjoinen-keski-suomi"),
    ("992", "Äänekoski", "Äänekoski", "pohjoinen-keski-suomi"),
]  # fmt: skip


def load(apps, schema_editor):
    EmploymentArea = apps.get_model("municipalities", "EmploymentArea")
    Municipality = apps.get_model("municipalities", "Municipality")
    areas = {}
    for code, name_fi, name_sv, _lead in AREAS:
        areas[code], _ = EmploymentArea.objects.get_or_create(
            code=code, defaults={"name_fi": name_fi, "name_sv": name_sv}
        )
    by_code = {}
    for code, name_fi, name_sv, area in MUNICIPALITIES:
        by_code[code], _ = Municipality.objects.get_or_create(
            code=code,
            defaults={
                "name_fi": name_fi,
                "name_sv": name_sv,
                "region_code": "13",
                "employment_area": areas[area],
            },
        )
    for code, _name_fi, _name_sv, lead in AREAS:
        area = areas[code]
        area.lead_municipality = by_code[lead]
        area.save(update_fields=["lead_municipality"])


def unload(apps, schema_editor):
    EmploymentArea = apps.get_model("municipalities", "EmploymentArea")
    Municipality = apps.get_model("municipalities", "Municipality")
    EmploymentArea.objects.filter(code__in=[a[0] for a in AREAS]).update(lead_municipality=None)
    Municipality.objects.filter(code__in=[m[0] for m in MUNICIPALITIES]).delete()
    EmploymentArea.objects.filter(code__in=[a[0] for a in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
