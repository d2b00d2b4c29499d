"""Synthetic data at national scale for the benchmarks (docs/performance.md).

    .venv/bin/python -m bench.synthetic --participants 1000000 [--database-url URL]

Fills an empty, migrated database with §8's volumes scaled by ``participants / 1,000,000``:
300 municipalities (synthetic ones beside the nine real ones), 1,000,000 participants (30 %
active or job seeking), 5,000,000 language and skill assessments and licence cards, 50,000
employers, 200,000 vacancies, 2,000,000 matches, and trainings, enrolments, consents, case notes
and outcomes around them, plus the users ``bench.counsellor``, ``bench.manager``,
``bench.coordinator`` and ``bench.employer`` (password ``bench-pass``). See bench/README.md.

Every row gets its history like a service write would leave it: one creation row and one row per
later change (a participant's transitions, a match moving to shared, interview, hired …), each
naming the system actor and a reason. Two ways to write, the same rows either way:

- ``copy`` (PostgreSQL, the default there): ``COPY … FROM STDIN`` into each table and its history
  table, with ``history_user_id`` = the system actor and ``history_change_reason`` set.
- ``orm`` (any database): ``core.audit.bulk_create`` in batches, later changes through
  ``core.audit.save_changes``; creation times are then the time of the run (``auto_now_add``).
  For small runs (SQLite, tests).

Deterministic for a given ``--seed`` and day; dates are relative to today.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import math
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from itertools import accumulate
from types import SimpleNamespace
from typing import Any

from tqdm import tqdm

FULL_SCALE = 1_000_000
#: docs/performance.md at 1,000,000 participants. The 5,000,000 assessments and cards split into
#: language assessments, skill assessments and licence cards; the rest are "some".
VOLUMES = {
    "municipalities": 300,
    "employers": 50_000,
    "vacancies": 200_000,
    "matches": 2_000_000,
    "language_assessments": 2_000_000,
    "skill_assessments": 1_500_000,
    "licence_cards": 1_500_000,
    "trainings": 35_000,
    "enrolments": 400_000,
    "consents": 600_000,
    "case_notes": 1_000_000,
}
BENCH_PASSWORD = "bench-pass"
BENCH_USERS = ("bench.counsellor", "bench.manager", "bench.coordinator", "bench.employer")
REASON = "synthetic data"
HISTORY_META = ("history_id", "history_date", "history_change_reason", "history_type",
                "history_user_id")  # fmt: skip

#: Participants' statuses (30 % active or job seeking) and the enrolment window per status.
STATUSES = (("referred", 10), ("active", 15), ("job_seeking", 15), ("in_education", 8),
            ("employed", 22), ("exited", 30))  # fmt: skip
ENROLLED_DAYS_AGO = {"referred": (0, 60), "active": (7, 720), "job_seeking": (30, 900),
                     "in_education": (60, 900), "employed": (40, 1000),
                     "exited": (90, 1095)}  # fmt: skip
EXIT_REASONS = (("moved_away", 30), ("declined_services", 20), ("health", 15),
                ("family_leave", 15), ("other", 10), ("pilot_ended", 10))  # fmt: skip

LEVELS = ("A1.1", "A1.2", "A1.3", "A2.1", "A2.2", "B1.1", "B1.2", "B2.1", "B2.2", "C1.1",
          "C1.2", "C2.1", "C2.2")  # fmt: skip
SKILLS = ("reading", "listening", "speaking", "writing")

#: Occupations of vacancies and work histories: ISCO-08 unit group → (weight, Finnish title,
#: licence types employers ask for).
OCCUPATIONS: dict[str, tuple[int, str, tuple[str, ...]]] = {
    "9112": (10, "Siivooja", ("occupational_safety",)),
    "5120": (5, "Kokki", ("hygiene_passport",)),
    "9412": (5, "Keittiöapulainen", ("hygiene_passport",)),
    "5131": (3, "Tarjoilija", ("hygiene_passport", "alcohol_passport")),
    "8332": (4, "Yhdistelmäajoneuvon kuljettaja", ("occupational_safety", "road_safety_1")),
    "8322": (3, "Jakeluauton kuljettaja", ("road_safety_1",)),
    "9329": (8, "Tuotantotyöntekijä", ("occupational_safety", "forklift")),
    "9333": (5, "Varastotyöntekijä", ("forklift", "occupational_safety")),
    "8344": (2, "Trukinkuljettaja", ("forklift",)),
    "5322": (7, "Kotihoidon hoiva-avustaja", ("first_aid_1",)),
    "5321": (4, "Hoiva-avustaja", ("first_aid_1", "hygiene_passport")),
    "7112": (2, "Muurari", ("occupational_safety", "hot_work")),
    "7115": (2, "Kirvesmies", ("occupational_safety", "hot_work")),
    "9313": (3, "Rakennustyöntekijä", ("occupational_safety", "road_safety_1")),
    "7212": (2, "Hitsaaja", ("occupational_safety", "hot_work")),
    "7411": (1, "Sähköasentaja", ("electrical_safety", "occupational_safety")),
    "5153": (2, "Kiinteistönhoitaja", ("occupational_safety", "hot_work")),
    "9211": (2, "Kasvihuonetyöntekijä", ()),
    "9621": (2, "Lähetti", ()),
    "5414": (1, "Järjestyksenvalvoja", ("security_steward", "first_aid_1")),
}
LICENCE_WEIGHTS = {"occupational_safety": 30, "hygiene_passport": 25, "first_aid_1": 15,
                   "hot_work": 8, "forklift": 8, "road_safety_1": 6, "alcohol_passport": 3,
                   "electrical_safety": 3, "security_steward": 2}  # fmt: skip
PROVIDERS = ("Gradia", "Omnia", "Stadin AO", "Tredu", "Savon ammattiopisto",
             "Suomen Punainen Risti", "Työturvallisuuskeskus TTK", "Ammattiopisto Luovi",
             "SPEK", "Taitotalo")  # fmt: skip

#: (native language, citizenships, female first names, male first names, surnames, weight)
BACKGROUNDS = (
    ("ar", ("SY", "SY", "IQ", "IQ", "XX"),
     ("Amal", "Fatima", "Rania", "Huda", "Noor", "Layla", "Salma", "Yasmin", "Aisha", "Dima",
      "Hiba", "Lina", "Maha", "Nadia", "Rasha", "Reem", "Sara", "Zeinab"),
     ("Ahmad", "Mohammed", "Omar", "Khaled", "Yousef", "Hassan", "Ali", "Samir", "Bassam",
      "Fadi", "Hamza", "Ibrahim", "Jamal", "Karim", "Mahmoud", "Nabil", "Rami", "Tariq"),
     ("Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Darwish", "Ibrahim",
      "Hamdan", "Al-Ali", "Abbas", "Aziz", "Farouk", "Hijazi", "Jaber", "Kassem", "Mahmoud",
      "Najjar", "Othman", "Qasim", "Rashid", "Sabbagh", "Shami", "Suleiman", "Yassin"), 20),
    ("so", ("SO",),
     ("Hodan", "Amina", "Faduma", "Sahra", "Ifrah", "Ayaan", "Hawa", "Khadra", "Nasra", "Ubah",
      "Deeqa", "Filsan", "Hibo", "Sagal"),
     ("Abdi", "Mahad", "Liban", "Abdirahman", "Said", "Yusuf", "Ahmed", "Bashir", "Hamse",
      "Ismail", "Mohamed", "Mukhtar", "Osman", "Sharmarke"),
     ("Warsame", "Abdullahi", "Farah", "Hersi", "Jama", "Mohamud", "Aden", "Ali", "Dahir",
      "Egal", "Guled", "Hassan", "Ismail", "Nur", "Omar", "Samatar", "Yusuf"), 12),
    ("prs", ("AF",),
     ("Zahra", "Maryam", "Shabnam", "Farzana", "Nilufar", "Freshta", "Gulalai", "Habiba",
      "Laila", "Mina", "Nazanin", "Parwana", "Sadia", "Tahmina"),
     ("Mohammad", "Farid", "Hamid", "Jawad", "Mustafa", "Ahmad", "Bilal", "Dawood", "Ehsan",
      "Hakim", "Javid", "Nasir", "Rahim", "Sami"),
     ("Ahmadi", "Rahimi", "Karimi", "Sultani", "Noori", "Haidari", "Amiri", "Azizi", "Habibi",
      "Hakimi", "Jafari", "Mohammadi", "Nazari", "Qaderi", "Rezai", "Sadat", "Stanikzai",
      "Wardak", "Yousufi"), 12),
    ("fa", ("IR", "AF", "XX"),
     ("Parisa", "Maryam", "Zahra", "Roya", "Shirin", "Golnaz", "Leila", "Mahsa", "Neda",
      "Setareh"),
     ("Reza", "Ahmad", "Ali", "Mehdi", "Amir", "Babak", "Dariush", "Hossein", "Kaveh", "Saeed"),
     ("Hosseini", "Rezaei", "Mohammadi", "Jafari", "Ahmadi", "Karimi", "Moradi", "Sadeghi",
      "Tehrani", "Zamani"), 6),
    ("uk", ("UA",),
     ("Olena", "Iryna", "Oksana", "Nataliia", "Kateryna", "Yuliia", "Alina", "Daryna",
      "Halyna", "Liudmyla", "Mariia", "Olha", "Sofiia", "Tetiana", "Valentyna", "Viktoriia"),
     ("Andrii", "Oleksandr", "Dmytro", "Serhii", "Vasyl", "Taras", "Bohdan", "Ihor", "Maksym",
      "Mykola", "Oleh", "Petro", "Roman", "Volodymyr", "Yurii"),
     ("Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko", "Boiko",
      "Kovalchuk", "Lysenko", "Marchenko", "Moroz", "Oliinyk", "Pavlenko", "Petrenko",
      "Polishchuk", "Rudenko", "Savchenko", "Shevchuk", "Tkachuk", "Vasylenko"), 25),
    ("ru", ("UA", "RU", "EE"),
     ("Svetlana", "Anastasia", "Ekaterina", "Tatiana", "Irina", "Natalia", "Olga", "Yulia"),
     ("Aleksei", "Sergei", "Nikolai", "Ivan", "Andrei", "Dmitri", "Mikhail", "Pavel"),
     ("Ivanov", "Smirnov", "Petrov", "Volkov", "Sokolov", "Kuznetsov", "Popov", "Lebedev",
      "Kozlov", "Novikov", "Morozov", "Pavlov"), 10),
    ("ti", ("ER",),
     ("Helen", "Selam", "Tsega", "Luwam", "Saba", "Senait", "Yohana", "Aster", "Mebrat",
      "Rahel"),
     ("Dawit", "Yonas", "Tesfay", "Samuel", "Merhawi", "Amanuel", "Berhane", "Filmon", "Kibrom",
      "Mussie"),
     ("Tesfamariam", "Gebremedhin", "Haile", "Berhane", "Kidane", "Woldu", "Ghebreyesus",
      "Habte", "Mehari", "Tekle", "Yemane", "Zerai"), 6),
    ("en", ("NG", "GH", "PH"),
     ("Ngozi", "Chiamaka", "Funmilayo", "Blessing", "Grace", "Abena", "Maricel", "Joy"),
     ("Chinedu", "Oluwaseun", "Adebayo", "Emeka", "Kwame", "Kofi", "John", "Mark"),
     ("Okafor", "Adeyemi", "Eze", "Balogun", "Okonkwo", "Mensah", "Asante", "Santos", "Reyes",
      "Cruz"), 5),
    ("ku", ("IQ", "SY", "TR"),
     ("Berfin", "Dilan", "Hevi", "Rojda", "Shirin", "Zozan"),
     ("Azad", "Baran", "Dilshad", "Hawar", "Rebaz", "Shivan"),
     ("Barzani", "Hawrami", "Kurdi", "Mirza", "Rashid", "Zebari"), 4),
)  # fmt: skip
EMPLOYER_WORDS = ("Pohjolan", "Järvi", "Kaski", "Metsä", "Kivi", "Aalto", "Koski", "Tuuli",
                  "Revon", "Kotka", "Lakeus", "Saimaan", "Kalevan", "Seutu", "Vihreä", "Nord",
                  "Polar", "Arctic", "Sisu", "Kangas", "Harju", "Salmi", "Niemi", "Ranta",
                  "Laakso", "Mäki", "Vaara", "Joki", "Lahti", "Virta")  # fmt: skip
EMPLOYER_KINDS = (("Siivouspalvelu", "cleaning services"),
                  ("Kiinteistöhuolto", "facility services"),
                  ("Rakennus", "construction"), ("Kuljetus", "transport"),
                  ("Logistiikka", "warehousing and logistics"), ("Hoiva", "home care services"),
                  ("Ravintolat", "restaurants"), ("Catering", "catering"),
                  ("Konepaja", "metal industry"), ("Puutuote", "wood products"),
                  ("Elintarvike", "food industry"), ("Puutarha", "horticulture"),
                  ("Sähkö", "electrical contracting"), ("Turvapalvelut", "security services"),
                  ("Hotelli", "hotels"))  # fmt: skip
NOTE_TEXTS = (
    "Guidance meeting: mapped work history and Finnish skills with an interpreter.",
    "Phone call: reminded of the occupational safety card course next week.",
    "Helped to update the CV and the job-seeker profile on Työmarkkinatori.",
    "Follow-up: Finnish course going well; practised a job interview.",
    "Group session on Finnish working life: contracts, pay slips, trade unions.",
    "Visited an employer together; the participant is interested in the sector.",
)
NOTE_KINDS = ("meeting", "meeting", "phone", "message", "group_session", "other")


class Person:
    """What later tables need to know of a participant."""

    __slots__ = ("id", "municipality_id", "status", "born", "arrival", "enrolled", "active",
                 "employed", "educated", "exited", "exit_kind", "counsellor_id")  # fmt: skip

    def __init__(self, **values: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, values.get(name))

    @property
    def end(self) -> datetime.date:
        """The last day anything may be recorded for the participant."""
        return self.exited or TODAY


TODAY = datetime.date.today()


def _days(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


def _models() -> SimpleNamespace:
    from django.contrib.auth import get_user_model

    from assessments.models import (
        Enrolment,
        LanguageAssessment,
        LatestLanguageLevels,
        LicenceCard,
        LicenceType,
        SkillAssessment,
        Training,
    )
    from casework.models import (
        CaseNote,
        Consent,
        Employer,
        Match,
        Outcome,
        Participant,
        Vacancy,
        VacancyLicenceRequirement,
    )
    from municipalities.models import EmploymentArea, Municipality

    return SimpleNamespace(
        User=get_user_model(),
        EmploymentArea=EmploymentArea,
        Municipality=Municipality,
        LicenceType=LicenceType,
        Employer=Employer,
        Vacancy=Vacancy,
        VacancyLicenceRequirement=VacancyLicenceRequirement,
        Training=Training,
        Participant=Participant,
        LanguageAssessment=LanguageAssessment,
        LatestLanguageLevels=LatestLanguageLevels,
        SkillAssessment=SkillAssessment,
        Consent=Consent,
        CaseNote=CaseNote,
        Enrolment=Enrolment,
        LicenceCard=LicenceCard,
        Match=Match,
        Outcome=Outcome,
    )


# Writing ----------------------------------------------------------------------------------------

#: JSON of shared template values (vacancy language requirements, match explanations), by id().
_JSON: dict[int, str] = {}
_TEMPLATES: list[Any] = []


def template(value: Any) -> Any:
    """Register a value that many rows share, so COPY serialises it once."""
    _TEMPLATES.append(value)
    _JSON[id(value)] = _escape(json.dumps(value, ensure_ascii=False))
    return value


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return text


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return _escape(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is dict or kind is list:
        cached = _JSON.get(id(value))
        return cached if cached is not None else _escape(json.dumps(value, ensure_ascii=False))
    return str(value)


class Table:
    """Writes one audited model and its history table in batches.

    ``add(row, steps)``: ``row`` holds the record as first created (every concrete field by
    attname, ``id`` included); ``steps`` are the later changes ``(at, reason, changes)``, each one
    more history row and one more version.
    """

    def __init__(self, model: Any, generator: Generator, *, reason: str) -> None:
        self.model = model
        self.generator = generator
        self.reason = reason
        self.method = generator.method
        self.batch_size = generator.batch_size
        self.history_model = model.history.model
        self.attnames = [f.attname for f in model._meta.concrete_fields]
        self.columns = [f.column for f in model._meta.concrete_fields]
        tracked = [
            f for f in self.history_model._meta.concrete_fields if f.attname not in HISTORY_META
        ]
        self.history_attnames = [f.attname for f in tracked]
        self.history_columns = [f.column for f in tracked] + list(HISTORY_META[1:])
        from django.db.models import Max

        self.next_id = (model._base_manager.aggregate(top=Max("id"))["top"] or 0) + 1
        self.pending: list[tuple[dict[str, Any], Sequence[tuple[str, str, dict[str, Any]]]]] = []
        self.rows = 0
        self.history_rows = 0
        self.progress: Any = None

    def allocate_id(self) -> int:
        allocated = self.next_id
        self.next_id += 1
        return allocated

    def add(self, row: dict[str, Any], steps: Sequence[tuple[str, str, dict[str, Any]]] = ()):
        self.pending.append((row, steps))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.method == "copy":
            self._copy()
        else:
            self._orm()
        self.rows += len(self.pending)
        self.history_rows += sum(1 + len(steps) for _, steps in self.pending)
        if self.progress is not None:
            self.progress.update(len(self.pending))
        self.pending = []

    def _copy(self) -> None:
        from django.db import connection

        text = _copy_text
        attnames = self.attnames
        position = {name: index for index, name in enumerate(attnames)}
        version_at, updated_at = position["version"], position["updated_at"]
        history_order = [position[name] for name in self.history_attnames]
        actor = str(self.generator.actor.pk)
        created_tail = f"\t{_escape(self.reason)}\t+\t{actor}"
        base_lines: list[str] = []
        history_lines: list[str] = []
        for row, steps in self.pending:
            # Each value is formatted once; a change re-formats only what it changes.
            row["version"] = 1
            values = [text(row[name]) for name in attnames]
            at = row["created_at"]
            history_lines.append("\t".join([values[i] for i in history_order]) + "\t" + at
                                 + created_tail)  # fmt: skip
            for version, (at, reason, changes) in enumerate(steps, start=2):
                for name, value in changes.items():
                    values[position[name]] = text(value)
                values[version_at] = str(version)
                history_lines.append(
                    "\t".join([values[i] for i in history_order])
                    + f"\t{at}\t{_escape(reason)}\t~\t{actor}"
                )
            values[updated_at] = at
            base_lines.append("\t".join(values))
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table, columns, lines in (
                (self.model._meta.db_table, self.columns, base_lines),
                (self.history_model._meta.db_table, self.history_columns, history_lines),
            ):
                cursor.copy_expert(
                    f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN",
                    io.StringIO("\n".join(lines) + "\n"),
                )

    def _orm(self) -> None:
        from django.db import transaction

        from core import audit

        actor = self.generator.actor
        objects = []
        for row, steps in self.pending:
            row["version"] = 1
            obj = self.model(**row)
            obj._history_date = row["created_at"]
            obj._change_reason = self.reason
            objects.append((obj, steps))
        audit.bulk_create(
            self.model,
            [obj for obj, _ in objects],
            actor=actor,
            reason=self.reason,
            batch_size=self.batch_size,
        )
        # Later changes one by one through audit.save_changes (version claim, history row):
        # linear, where bulk_update's CASE expressions grow with the batch. Only small runs
        # take this path; large ones use COPY.
        with transaction.atomic():
            for obj, steps in objects:
                for at, reason, changes in steps:
                    for name, value in changes.items():
                        setattr(obj, name, value)
                    obj._history_date = at
                    audit.save_changes(obj, actor=actor, reason=reason)


# Generating -------------------------------------------------------------------------------------


def _uuid(rng: random.Random) -> str:
    """A random (version 4) UUID from ``rng``: deterministic, and faster than uuid.UUID."""
    bits = rng.getrandbits(128)
    bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class FastRandom(random.Random):
    """``random.Random`` with a cheaper ``randint`` (the generator calls it tens of millions of
    times); still deterministic for a seed."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


_TIMES = [f" {hour:02d}:{minute:02d}:00+00:00" for hour in range(6, 15) for minute in range(60)]


def _stamp(day: datetime.date, rng: random.Random) -> str:
    """A moment in working hours of ``day`` (UTC), as PostgreSQL and Django both parse it."""
    return day.isoformat() + _TIMES[int(rng.random() * len(_TIMES))]


def _count(rng: random.Random, mean: float) -> int:
    """A small count with the given mean and some spread."""
    whole = int(mean)
    count = whole + (1 if rng.random() < mean - whole else 0)
    draw = rng.random()
    if draw < 0.15:
        count += 1
    elif draw < 0.30 and count > 0:
        count -= 1
    return count


def _between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + _days(rng.randint(0, (last - first).days))


def _business_id(number: int) -> str | None:
    digits = f"{number:07d}"
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return None
    return f"{digits}-{0 if remainder == 0 else 11 - remainder}"


class Generator:
    def __init__(
        self,
        *,
        participants: int,
        method: str,
        batch_size: int,
        seed: int,
        municipalities: int | None,
        identity_code_share: float,
        progress: bool | None,
        out: Any,
        bulk_load: bool = False,
    ) -> None:
        from core.actors import system_actor

        self.m = _models()
        self.participants = participants
        self.scale = participants / FULL_SCALE
        self.method = method
        self.batch_size = batch_size
        self.seed = seed
        self.municipality_target = municipalities
        self.identity_code_share = identity_code_share
        self.bulk_load = bulk_load
        self.progress = progress
        self.out = out
        self.actor = system_actor()
        self.timings: dict[str, dict[str, float]] = {}
        self.licence_types = {lt.code: lt for lt in self.m.LicenceType.objects.all()}

    def volume(self, name: str, minimum: int = 0) -> int:
        return max(minimum, round(VOLUMES[name] * self.scale))

    def rng(self, phase: str) -> random.Random:
        return FastRandom(f"{self.seed}:{phase}")

    def write(self, phase: str, tables: list[Table], total: int, fill: Any) -> None:
        """Run ``fill`` to write ``tables``, with a progress bar on the first and a timing."""
        started = time.monotonic()
        with tqdm(
            total=total,
            desc=f"{phase:<22}",
            unit=" rows",
            unit_scale=True,
            disable=not self.progress if self.progress is not None else None,
            mininterval=2 if self.progress else 0.5,
            file=sys.stderr,
        ) as bar:
            tables[0].progress = bar
            fill()
            for table in tables:
                table.flush()
        elapsed = time.monotonic() - started
        for table in tables:
            name = str(table.model._meta.verbose_name_plural)
            self.timings[name] = {
                "rows": table.rows,
                "history": table.history_rows,
                "seconds": elapsed if table is tables[0] else 0.0,
            }
        summary = ", ".join(f"{t.rows:,} {t.model._meta.verbose_name_plural}" for t in tables)
        history = sum(t.history_rows for t in tables)
        self.out.write(f"{phase:<22} {elapsed:8.1f} s  {summary} ({history:,} history rows)\n")

    # The whole run ------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        from django.db import connection

        if self.m.Participant.objects.exists():
            raise RuntimeError(
                "The database already holds participants: run the generator on an empty, "
                "migrated database."
            )
        started = time.monotonic()
        if self.method == "copy" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")
        self.out.write(
            f"Synthetic data for {self.participants:,} participants (scale {self.scale:g}, "
            f"method {self.method}, batches of {self.batch_size:,})\n"
        )
        self.municipalities()
        self.users()
        bulk_load = BulkLoad(self.bulk_models(), out=self.out) if self.bulk_load else None
        if bulk_load is not None:
            bulk_load.begin()
        try:
            self.employers()
            self.vacancies()
            self.trainings()
            self.people()
            self.language_assessments()
            self.latest_language_levels()
            self.skill_assessments()
            self.consents()
            self.case_notes()
            self.enrolments()
            self.licence_cards()
            self.matches()
            self.outcomes()
        finally:
            if bulk_load is not None:
                self.timings["(indexes and foreign keys)"] = {
                    "rows": 0,
                    "history": 0,
                    "seconds": bulk_load.end(),
                }
        self.reset_sequences()
        return {"timings": self.timings, "seconds": time.monotonic() - started}

    def bulk_models(self) -> list[Any]:
        """The models written in volume (everything but municipalities and areas)."""
        m = self.m
        return [
            m.Employer, m.Vacancy, m.VacancyLicenceRequirement, m.Training, m.Participant,
            m.LanguageAssessment, m.SkillAssessment, m.Consent, m.CaseNote, m.Enrolment,
            m.LicenceCard, m.Match, m.Outcome,
        ]  # fmt: skip

    # Municipalities, areas and users --------------------------------------------------------------

    def municipalities(self) -> None:
        from core import audit

        started = time.monotonic()
        rng = self.rng("municipalities")
        m = self.m
        existing = list(m.Municipality.objects.order_by("code"))
        target = self.municipality_target or self.volume("municipalities", len(existing))
        extra = max(0, target - len(existing))
        used = {municipality.code for municipality in existing}
        codes = sorted(rng.sample([f"{n:03d}" for n in range(1, 1000) if f"{n:03d}" not in used],
                                  extra))  # fmt: skip
        areas = []
        next_area_id = (m.EmploymentArea.objects.order_by("-id").values_list("id", flat=True)
                        .first() or 0) + 1  # fmt: skip
        for index in range(math.ceil(extra / 7)):
            areas.append(
                m.EmploymentArea(
                    id=next_area_id + index,
                    code=f"synteettinen-{index + 1:03d}",
                    name_fi=f"Synteettinen työllisyysalue {index + 1}",
                    name_sv=f"Syntetiskt sysselsättningsområde {index + 1}",
                    version=1,
                )
            )
        audit.bulk_create(m.EmploymentArea, areas, actor=self.actor, reason=REASON)
        next_id = (m.Municipality.objects.order_by("-id").values_list("id", flat=True).first()
                   or 0) + 1  # fmt: skip
        created = [
            m.Municipality(
                id=next_id + index,
                code=code,
                name_fi=f"Kunta {code}",
                name_sv=f"Kommun {code}",
                region_code=f"{rng.randint(1, 19):02d}",
                employment_area=areas[index // 7],
                version=1,
            )
            for index, code in enumerate(codes)
        ]
        audit.bulk_create(m.Municipality, created, actor=self.actor, reason=REASON)
        for index, area in enumerate(areas):
            area.lead_municipality = created[index * 7]
        if areas:
            audit.bulk_update(
                m.EmploymentArea, areas, ["lead_municipality"], actor=self.actor, reason=REASON
            )
        # The real municipalities first, Jyväskylä the largest; then the synthetic ones. Sizes
        # fall off like a country's (rank^-0.8: the largest holds ~9 % at 300 municipalities).
        order = ["179", "182", "992", "410", "729", "249", "931", "601", "312"]
        real = sorted(existing, key=lambda mu: order.index(mu.code) if mu.code in order else 99)
        synthetic = list(created)
        rng.shuffle(synthetic)
        self.municipality_list = real + synthetic
        self.municipality_ids = [mu.pk for mu in self.municipality_list]
        self.municipality_weights = list(
            accumulate((rank + 1) ** -0.8 for rank in range(len(self.municipality_list)))
        )
        self.largest = self.municipality_list[0]
        elapsed = time.monotonic() - started
        self.timings["municipalities"] = {
            "rows": len(created),
            "history": len(created),
            "seconds": elapsed,
        }
        self.timings["employment areas"] = {
            "rows": len(areas),
            "history": 2 * len(areas),
            "seconds": 0.0,
        }
        self.out.write(
            f"{'municipalities':<22} {elapsed:8.1f} s  {len(created):,} synthetic municipalities "
            f"({len(self.municipality_list)} in all), {len(areas):,} employment areas\n"
        )

    def pick_municipalities(self, rng: random.Random, count: int) -> list[int]:
        """``count`` municipality ids by size, every municipality at least once."""
        ids = self.municipality_ids
        if count <= len(ids):
            return ids[:count]
        return ids + rng.choices(ids, cum_weights=self.municipality_weights, k=count - len(ids))

    def users(self) -> None:
        from django.contrib.auth.hashers import make_password

        from municipalities.services import role_grant

        hashed = make_password(BENCH_PASSWORD)
        self.bench_users = {}
        for username in BENCH_USERS:
            user, _ = self.m.User.objects.get_or_create(
                username=username, defaults={"password": hashed, "email": f"{username}@example.org"}
            )
            self.bench_users[username] = user
        grants = (
            ("bench.counsellor", "counsellor", self.largest),
            ("bench.manager", "manager", self.largest),
            ("bench.coordinator", "coordinator", None),
        )
        for username, role, municipality in grants:
            user = self.bench_users[username]
            if not user.role_grants.filter(role=role, municipality=municipality).exists():
                role_grant(
                    actor=self.actor,
                    user=user,
                    role=role,
                    municipality=municipality,
                    reason="synthetic data: bench user",
                )

    # Employers, vacancies, trainings --------------------------------------------------------------

    def employers(self) -> None:
        rng = self.rng("employers")
        table = Table(self.m.Employer, self, reason="synthetic data: employer created")
        count = self.volume("employers", len(self.municipality_ids))
        self.employers_of: dict[int, list[int]] = defaultdict(list)
        existing = set(self.m.Employer.objects.values_list("business_id", flat=True))

        def fill() -> None:
            number = 2_000_000
            for municipality_id in self.pick_municipalities(rng, count):
                while True:
                    number += 1
                    business_id = _business_id(number)
                    if business_id and business_id not in existing:
                        break
                word = rng.choice(EMPLOYER_WORDS)
                kind, industry = rng.choice(EMPLOYER_KINDS)
                name = f"{word} {kind} {rng.choice(['Oy', 'Oy', 'Oy', 'Ab', 'Ky'])}"
                employer_id = table.allocate_id()
                self.employers_of[municipality_id].append(employer_id)
                table.add(
                    {
                        "id": employer_id,
                        "uuid": _uuid(rng),
                        "created_at": _stamp(TODAY - _days(rng.randint(400, 1500)), rng),
                        "updated_at": None,
                        "business_id": business_id,
                        "name": name,
                        "municipality_id": municipality_id,
                        "industry": industry,
                    }
                )

        self.write("employers", [table], count, fill)
        from casework.models import Employer
        from casework.services import employer_membership_set

        # The bench employer is the largest municipality's biggest employer (its anchor).
        self.bench_employer_id = self.employers_of[self.largest.pk][0]
        employer_membership_set(
            actor=self.actor,
            user=self.bench_users["bench.employer"],
            employer=Employer.objects.get(pk=self.bench_employer_id),
        )

    def vacancies(self) -> None:
        rng = self.rng("vacancies")
        vacancies = Table(self.m.Vacancy, self, reason="synthetic data: vacancy created")
        requirements = Table(
            self.m.VacancyLicenceRequirement, self, reason="synthetic data: licence requirement"
        )
        count = self.volume("vacancies", len(self.municipality_ids))
        codes = list(OCCUPATIONS)
        weights = list(accumulate(weight for weight, _, _ in OCCUPATIONS.values()))
        language_templates = [
            template({"speaking": "A1.3"}),
            template({"speaking": "A2.1"}),
            template({"speaking": "A2.1", "listening": "A2.1"}),
            template({"speaking": "A2.2", "listening": "A2.2", "reading": "A2.1"}),
            template({"speaking": "B1.1", "listening": "B1.1", "reading": "A2.2",
                      "writing": "A2.1"}),
            template({}),
        ]  # fmt: skip
        self.vacancies_of: dict[int, list[tuple[int, int, str, datetime.date, str]]] = defaultdict(
            list
        )

        def fill() -> None:
            for municipality_id in self.pick_municipalities(rng, count):
                employers = self.employers_of[municipality_id]
                # A tenth of each municipality's vacancies belong to its biggest employer.
                employer_id = employers[0] if rng.random() < 0.1 else rng.choice(employers)
                code = rng.choices(codes, cum_weights=weights)[0]
                _, title, licences = OCCUPATIONS[code]
                starts_on = TODAY + _days(rng.randint(-365, 90))
                created_on = min(TODAY, starts_on - _days(rng.randint(14, 60)))
                status = "open"
                if starts_on < TODAY:
                    status = rng.choices(["open", "filled", "closed"], [20, 50, 30])[0]
                elif rng.random() < 0.1:
                    status = "filled"
                steps = []
                if status != "open":
                    on = _between(rng, created_on, min(TODAY, starts_on))
                    steps.append(
                        (_stamp(on, rng), f"vacancy {status}",
                         {"status": status, "status_reason": f"vacancy {status}"})
                    )  # fmt: skip
                vacancy_id = vacancies.allocate_id()
                created_at = _stamp(created_on, rng)
                vacancies.add(
                    {
                        "id": vacancy_id,
                        "uuid": _uuid(rng),
                        "created_at": created_at,
                        "updated_at": None,
                        "employer_id": employer_id,
                        "municipality_id": municipality_id,
                        "title": title,
                        "occupation_id": code,
                        "language": "fi",
                        "language_requirements": rng.choice(language_templates),
                        "starts_on": starts_on,
                        "positions": rng.choices([1, 2, 3, 5], [50, 25, 15, 10])[0],
                        "status": "open",
                        "status_reason": "",
                    },
                    steps,
                )
                if licences:
                    for licence in rng.sample(licences, rng.randint(0, len(licences))):
                        requirements.add(
                            {
                                "id": requirements.allocate_id(),
                                "uuid": _uuid(rng),
                                "created_at": created_at,
                                "updated_at": None,
                                "vacancy_id": vacancy_id,
                                "licence_type_id": self.licence_types[licence].pk,
                            }
                        )
                self.vacancies_of[municipality_id].append(
                    (vacancy_id, employer_id, code, starts_on, status)
                )

        self.write("vacancies", [vacancies, requirements], count, fill)

    def trainings(self) -> None:
        rng = self.rng("trainings")
        table = Table(self.m.Training, self, reason="synthetic data: training created")
        count = self.volume("trainings", len(self.municipality_ids))
        codes = list(LICENCE_WEIGHTS)
        weights = list(accumulate(LICENCE_WEIGHTS.values()))
        length = {"first_aid_1": 2, "forklift": 3, "security_steward": 5, "hot_work": 1}
        #: municipality → [id, starts_on, ends_on, seats, seats taken, licence code]
        self.trainings_of: dict[int, list[list[Any]]] = defaultdict(list)

        def fill() -> None:
            for municipality_id in self.pick_municipalities(rng, count):
                code = rng.choices(codes, cum_weights=weights)[0]
                starts_on = TODAY + _days(rng.randint(-1095, 90))
                ends_on = starts_on + _days(length.get(code, 1) - 1)
                seats = rng.randint(12, 20)
                training_id = table.allocate_id()
                table.add(
                    {
                        "id": training_id,
                        "uuid": _uuid(rng),
                        "created_at": _stamp(min(TODAY, starts_on - _days(rng.randint(30, 90))),
                                             rng),
                        "updated_at": None,
                        "licence_type_id": self.licence_types[code].pk,
                        "municipality_id": municipality_id,
                        "provider": rng.choice(PROVIDERS),
                        "starts_on": starts_on,
                        "ends_on": ends_on,
                        "seats": seats,
                        "language": "fi" if rng.random() < 0.95 else "en",
                    }
                )  # fmt: skip
                self.trainings_of[municipality_id].append(
                    [training_id, starts_on, ends_on, seats, 0, code]
                )

        self.write("trainings", [table], count, fill)

    # Participants -------------------------------------------------------------------------------

    def people(self) -> None:
        from casework import identity_codes
        from casework.duplicates import duplicate_key
        from core import crypto

        rng = self.rng("participants")
        table = Table(self.m.Participant, self, reason="participant created")
        statuses = [status for status, _ in STATUSES]
        status_weights = list(accumulate(weight for _, weight in STATUSES))
        background_weights = list(accumulate(b[-1] for b in BACKGROUNDS))
        exit_reasons = [reason for reason, _ in EXIT_REASONS]
        exit_weights = list(accumulate(weight for _, weight in EXIT_REASONS))
        counsellor_id = self.bench_users["bench.counsellor"].pk
        caseload = 150  # the bench counsellor's own participants
        codes_used: set[str] = set()
        self.people_list: list[Person] = []

        def identity_code(born: datetime.date) -> str | None:
            for _ in range(5):
                number = rng.randint(900, 999)
                digits = f"{born:%d%m%y}{number:03d}"
                sign = "-" if born.year < 2000 else "A"
                code = f"{born:%d%m%y}{sign}{number:03d}"
                code += identity_codes.CHECK_CHARACTERS[int(digits) % 31]
                if code not in codes_used:
                    codes_used.add(code)
                    return code
            return None

        def fill() -> None:
            nonlocal caseload
            municipality_ids = rng.choices(
                self.municipality_ids, cum_weights=self.municipality_weights, k=self.participants
            )
            for municipality_id in municipality_ids:
                status = rng.choices(statuses, cum_weights=status_weights)[0]
                low, high = ENROLLED_DAYS_AGO[status]
                enrolled = TODAY - _days(rng.randint(low, high))
                born = TODAY - _days(rng.randint(18 * 365, 63 * 365))
                earliest = max(born + _days(16 * 365), TODAY - _days(12 * 365))
                arrival = _between(rng, earliest, enrolled - _days(30))
                person = Person(
                    municipality_id=municipality_id,
                    status=status,
                    born=born,
                    arrival=arrival,
                    enrolled=enrolled,
                )
                path = self._path(rng, person, exit_reasons, exit_weights)
                language, citizenships, female, male, surnames, _ = rng.choices(
                    BACKGROUNDS, cum_weights=background_weights
                )[0]
                gender = rng.choices(["female", "male", "undisclosed", "non_binary"],
                                     [48, 48, 3, 1])[0]  # fmt: skip
                first_name = rng.choice(
                    female if gender == "female" else male if gender == "male" else female + male
                )
                last_name = rng.choice(surnames)
                if language == "ru" and gender == "female":
                    last_name += "a"
                encrypted, hashed, temporary = "", None, False
                if rng.random() < self.identity_code_share:
                    code = identity_code(born)
                    if code is not None:
                        encrypted, hashed, temporary = (
                            crypto.encrypt(code),
                            crypto.keyed_hash(code),
                            True,
                        )
                person.id = table.allocate_id()
                if municipality_id == self.largest.pk and caseload:
                    person.counsellor_id = counsellor_id
                    caseload -= 1
                row = {
                    "id": person.id,
                    "uuid": _uuid(rng),
                    "created_at": _stamp(enrolled, rng),
                    "updated_at": None,
                    "municipality_id": municipality_id,
                    "counsellor_id": person.counsellor_id,
                    "first_name": first_name,
                    "last_name": last_name,
                    "date_of_birth": born,
                    "identity_code_encrypted": encrypted,
                    "identity_code_hash": hashed,
                    "identity_code_is_temporary": temporary,
                    "gender": gender,
                    "native_language": language,
                    "citizenship": rng.choice(citizenships),
                    "arrival_date": arrival,
                    "education_level": rng.choice([None, 0, 1, 2, 2, 3, 3, 3, 4, 5, 6, 7]),
                    "labour_market_status": rng.choices(
                        ["unemployed", "long_term_unemployed", "inactive", "employed"],
                        [45, 30, 20, 5],
                    )[0],
                    "phone": f"+358 4{rng.choice('0145')} {rng.randint(100, 999)} "
                    f"{rng.randint(1000, 9999)}",
                    "email": f"{first_name}.{last_name}{rng.randint(1, 999)}@example.org".lower()
                    if rng.random() < 0.8
                    else "",
                    "available_from": _between(rng, enrolled, enrolled + _days(60))
                    if rng.random() < 0.5
                    else None,
                    "status": "referred",
                    "status_changed_on": enrolled,
                    "enrolled_on": enrolled,
                    "exited_on": None,
                    "exit_reason": "",
                    "first_permit_on": arrival,
                    "job_seeker_since": None,
                    "service_language": "fi",
                    "interpreter_language": None,
                    "external_id": None,
                    "duplicate_key": duplicate_key(first_name, last_name, born),
                    "legal_hold": False,
                    "anonymised_on": None,
                }
                table.add(row, path)
                self.people_list.append(person)

        self.write("participants", [table], self.participants, fill)

    def _path(
        self, rng: random.Random, person: Person, exit_reasons: list[str], exit_weights: list[int]
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """The participant's transitions from ``referred`` to their status, in date order."""
        status = person.status
        steps: list[tuple[str, datetime.date, str]] = []
        day = person.enrolled

        def go(to: str, low: int, high: int, exit_reason: str = "") -> datetime.date:
            nonlocal day
            day = min(TODAY, day + _days(rng.randint(low, high)))
            steps.append((to, day, exit_reason))
            return day

        exit_kind = ""
        if status == "exited":
            exit_kind = rng.choices(["employed", "education", "other"], [40, 10, 50])[0]
        if status != "referred" and not (status == "exited" and exit_kind == "other"
                                         and rng.random() < 0.1):  # fmt: skip
            person.active = go("active", 3, 21)
        seeks_work = status in ("job_seeking", "employed") or exit_kind in ("employed", "other")
        if seeks_work and person.active is not None:
            go("job_seeking", 20, 120)
        if status == "employed" or exit_kind == "employed":
            person.employed = go("employed", 20, 150)
        if status == "in_education" or exit_kind == "education":
            person.educated = go("in_education", 20, 120)
        if status == "exited":
            reason = {"employed": "employed", "education": "education"}.get(exit_kind) or (
                rng.choices(exit_reasons, cum_weights=exit_weights)[0]
            )
            person.exited = go("exited", 1, 60 if exit_kind == "employed" else 200, reason)
            person.exit_kind = exit_kind
        path = []
        for to, on, exit_reason in steps:
            changes: dict[str, Any] = {"status": to, "status_changed_on": on}
            if to == "exited":
                changes.update(exited_on=on, exit_reason=exit_reason)
            path.append((_stamp(on, rng), f"status {to}", changes))
        return path

    # Assessments, consents, notes -----------------------------------------------------------------

    def latest_language_levels(self) -> None:
        """The derived latest levels (``assessments.latest_levels``), as the services keep them."""
        from assessments import latest_levels

        started = time.monotonic()
        latest_levels.sync()
        rows = self.m.LatestLanguageLevels.objects.count()
        elapsed = time.monotonic() - started
        self.timings["latest language levels"] = {"rows": rows, "history": 0, "seconds": elapsed}
        self.out.write(
            f"{'latest language levels':<22} {elapsed:8.1f} s  {rows:,} rows (derived)\n"
        )

    def language_assessments(self) -> None:
        rng = self.rng("language assessments")
        table = Table(self.m.LanguageAssessment, self, reason="language assessment recorded")
        target = self.volume("language_assessments")
        referred = sum(1 for p in self.people_list if p.status == "referred")
        mean = max(0.0, (target - referred) / max(1, len(self.people_list) - referred))
        actor_id = self.actor.pk

        def fill() -> None:
            for person in self.people_list:
                count = 1 if person.status == "referred" else max(1, _count(rng, mean))
                days = sorted(_between(rng, person.enrolled, person.end) for _ in range(count))
                base = rng.randint(0, 6)
                ranks = [base + rng.randint(-1, 1), base + rng.randint(0, 1),
                         base + rng.randint(-1, 1), base - rng.randint(0, 1)]  # fmt: skip
                for index, day in enumerate(days):
                    if index:
                        ranks = [rank + rng.randint(0, 2) for rank in ranks]
                    levels = [LEVELS[max(0, min(12, rank))] for rank in ranks]
                    table.add(
                        {
                            "id": table.allocate_id(),
                            "uuid": _uuid(rng),
                            "created_at": _stamp(day, rng),
                            "updated_at": None,
                            "participant_id": person.id,
                            "municipality_id": person.municipality_id,
                            "language": "fi" if rng.random() < 0.97 else "sv",
                            "assessed_on": day,
                            "instrument": "counsellor_estimate"
                            if index == 0
                            else rng.choice(["course_test", "course_test", "yki"]),
                            "reading": levels[0],
                            "listening": levels[1],
                            "speaking": levels[2],
                            "writing": levels[3] if index or rng.random() < 0.7 else None,
                            "assessor_id": actor_id,
                        }
                    )

        self.write("language assessments", [table], target, fill)

    def skill_assessments(self) -> None:
        rng = self.rng("skill assessments")
        table = Table(self.m.SkillAssessment, self, reason="skill assessment recorded")
        target = self.volume("skill_assessments")
        eligible = [p for p in self.people_list if p.active is not None]
        mean = target / max(1, len(eligible))
        codes = list(OCCUPATIONS)
        weights = list(accumulate(weight for weight, _, _ in OCCUPATIONS.values()))

        def fill() -> None:
            for person in eligible:
                for code in {rng.choices(codes, cum_weights=weights)[0]
                             for _ in range(_count(rng, mean))}:  # fmt: skip
                    day = _between(rng, person.active, min(person.end, person.active + _days(60)))
                    table.add(
                        {
                            "id": table.allocate_id(),
                            "uuid": _uuid(rng),
                            "created_at": _stamp(day, rng),
                            "updated_at": None,
                            "participant_id": person.id,
                            "municipality_id": person.municipality_id,
                            "occupation_id": code,
                            "esco_skill_uri": "",
                            "level": rng.choice([1, 2, 2, 3, 3, 4]),
                            "years_experience": Decimal(rng.randint(0, 40)) / 2,
                            "evidence": rng.choice(
                                ["work_history", "work_history", "demonstration", "certificate"]
                            ),
                            "assessed_on": day,
                            "assessor_id": None,
                        }
                    )

        self.write("skill assessments", [table], target, fill)

    def consents(self) -> None:
        rng = self.rng("consents")
        table = Table(self.m.Consent, self, reason="consent recorded")
        target = self.volume("consents")
        eligible = [p for p in self.people_list if p.active is not None]
        share = min(1.0, target / max(1, len(eligible)))
        actor_id = self.actor.pk
        self.consenting: set[int] = set()

        def fill() -> None:
            for person in eligible:
                # Everyone hired through a match had consented to sharing.
                if rng.random() >= share and person.employed is None:
                    continue
                granted = _between(rng, person.active, min(person.end, person.active + _days(14)))
                steps = []
                if rng.random() < 0.05 and person.employed is None:
                    withdrawn = _between(rng, granted, person.end)
                    steps.append(
                        (_stamp(withdrawn, rng), "consent withdrawn", {"withdrawn_on": withdrawn})
                    )
                else:
                    self.consenting.add(person.id)
                table.add(
                    {
                        "id": table.allocate_id(),
                        "uuid": _uuid(rng),
                        "created_at": _stamp(granted, rng),
                        "updated_at": None,
                        "participant_id": person.id,
                        "municipality_id": person.municipality_id,
                        "purpose": "share_with_employers",
                        "granted_on": granted,
                        "expires_on": granted + _days(730) if rng.random() < 0.5 else None,
                        "withdrawn_on": None,
                        "recorded_by_id": actor_id,
                    },
                    steps,
                )

        self.write("consents", [table], round(share * len(eligible)), fill)

    def case_notes(self) -> None:
        rng = self.rng("case notes")
        table = Table(self.m.CaseNote, self, reason="case note written")
        target = self.volume("case_notes")
        mean = target / max(1, len(self.people_list))
        actor_id = self.actor.pk

        def fill() -> None:
            for person in self.people_list:
                for _ in range(_count(rng, mean)):
                    day = _between(rng, person.enrolled, person.end)
                    table.add(
                        {
                            "id": table.allocate_id(),
                            "uuid": _uuid(rng),
                            "created_at": _stamp(day, rng),
                            "updated_at": None,
                            "participant_id": person.id,
                            "municipality_id": person.municipality_id,
                            "kind": rng.choice(NOTE_KINDS),
                            "occurred_at": _stamp(day, rng),
                            "text": rng.choice(NOTE_TEXTS),
                            "author_id": person.counsellor_id or actor_id,
                        }
                    )

        self.write("case notes", [table], target, fill)

    # Trainings: enrolments and cards ------------------------------------------------------------

    def enrolments(self) -> None:
        rng = self.rng("enrolments")
        table = Table(self.m.Enrolment, self, reason="enrolled on training")
        target = self.volume("enrolments")
        eligible = [p for p in self.people_list if p.active is not None]
        chance = min(1.0, target / max(1, len(eligible)))
        #: Cards that passed enrolments create: (person, licence code, issued_on, enrolment id)
        self.passed: list[tuple[Person, str, datetime.date, int]] = []

        def fill() -> None:
            for person in eligible:
                if rng.random() >= chance:
                    continue
                trainings = self.trainings_of[person.municipality_id]
                for _ in range(10):  # a few tries for a training in reach with a free seat
                    training = rng.choice(trainings)
                    training_id, starts_on, ends_on, seats, taken, code = training
                    if taken < seats and person.active <= starts_on and ends_on <= person.end:
                        break
                else:
                    continue
                training[4] += 1
                enrolled_on = _between(rng, max(person.active, starts_on - _days(40)), starts_on)
                enrolment_id = table.allocate_id()
                steps = []
                if ends_on < TODAY:
                    result = rng.choices(["passed", "failed", "no_show", "cancelled"],
                                         [62, 10, 16, 12])[0]  # fmt: skip
                    if result in ("passed", "failed"):
                        steps.append(
                            (
                                _stamp(starts_on, rng),
                                "attended the course",
                                {"status": "attended", "status_reason": "attended"},
                            )
                        )
                        steps.append(
                            (
                                _stamp(ends_on, rng),
                                f"enrolment {result}",
                                {"status": result, "status_reason": result},
                            )
                        )
                    else:
                        steps.append(
                            (
                                _stamp(starts_on, rng),
                                f"enrolment {result}",
                                {"status": result, "status_reason": result},
                            )
                        )
                    if result == "passed":
                        self.passed.append((person, code, ends_on, enrolment_id))
                table.add(
                    {
                        "id": enrolment_id,
                        "uuid": _uuid(rng),
                        "created_at": _stamp(min(enrolled_on, TODAY), rng),
                        "updated_at": None,
                        "training_id": training_id,
                        "participant_id": person.id,
                        "municipality_id": person.municipality_id,
                        "status": "enrolled",
                        "status_reason": "",
                    },
                    steps,
                )  # fmt: skip

        self.write("enrolments", [table], round(chance * len(eligible)), fill)

    def licence_cards(self) -> None:
        rng = self.rng("licence cards")
        table = Table(self.m.LicenceCard, self, reason="licence card recorded")
        target = self.volume("licence_cards")
        mean = max(0.0, (target - len(self.passed)) / max(1, len(self.people_list)))
        codes = list(LICENCE_WEIGHTS)
        weights = list(accumulate(LICENCE_WEIGHTS.values()))
        actor_id = self.actor.pk
        serial = 0

        def card(person: Person, code: str, issued_on: datetime.date, enrolment_id: int | None):
            nonlocal serial
            serial += 1
            licence_type = self.licence_types[code]
            steps = []
            if rng.random() < 0.3:
                verified_on = _between(rng, issued_on, min(TODAY, issued_on + _days(30)))
                verified_at = _stamp(verified_on, rng)
                changes = {"verified_by_id": actor_id, "verified_at": verified_at}
                steps.append((verified_at, "licence card verified", changes))
            table.add(
                {
                    "id": table.allocate_id(),
                    "uuid": _uuid(rng),
                    "created_at": _stamp(issued_on, rng),
                    "updated_at": None,
                    "participant_id": person.id,
                    "municipality_id": person.municipality_id,
                    "licence_type_id": licence_type.pk,
                    "issued_on": issued_on,
                    "valid_until": licence_type.valid_until_for(issued_on),
                    "card_number": f"{code[:3].upper()}-{issued_on.year}-{serial:07d}",
                    "verified_by_id": None,
                    "verified_at": None,
                    "enrolment_id": enrolment_id,
                },
                steps,
            )

        def fill() -> None:
            for person, code, issued_on, enrolment_id in self.passed:
                card(person, code, issued_on, enrolment_id)
            for person in self.people_list:
                for _ in range(_count(rng, mean)):
                    code = rng.choices(codes, cum_weights=weights)[0]
                    card(person, code, _between(rng, person.arrival, person.end), None)

        self.write("licence cards", [table], target, fill)

    # Matches and outcomes -----------------------------------------------------------------------

    def matches(self) -> None:
        rng = self.rng("matches")
        table = Table(self.m.Match, self, reason="match proposed")
        target = self.volume("matches")
        eligible = [p for p in self.people_list if p.active is not None]
        mean = target / max(1, len(eligible))
        explanations = [
            template({"criteria": [
                {"name": "occupation", "met": occupation, "detail": "ISCO-08 unit group"},
                {"name": "language", "met": language, "detail": "speaking A2.1"},
                {"name": "licences", "met": licences, "detail": "occupational_safety"},
            ]})
            for occupation in (True, False) for language in (True, False)
            for licences in (True, False)
        ]  # fmt: skip
        open_ends = (["proposed", "shared", "interview", "rejected", "declined", "withdrawn"],
                     [25, 15, 8, 25, 12, 15])  # fmt: skip
        closed_ends = (["rejected", "declined", "withdrawn"], [45, 20, 35])
        reason_codes = ["skills_mismatch", "language_insufficient", "licence_missing",
                        "position_filled", "no_show", "candidate_withdrew", "other"]  # fmt: skip
        #: participant id → (match id, employer id, occupation, vacancy starts_on)
        self.hired: dict[int, tuple[int, int, str, datetime.date]] = {}

        def fill() -> None:
            for person in eligible:
                vacancies = self.vacancies_of.get(person.municipality_id) or ()
                count = min(len(vacancies), _count(rng, mean))
                hire = person.employed is not None
                if hire:
                    count = max(1, count)
                if not count or not vacancies:
                    continue
                can_share = person.id in self.consenting
                still_open = person.status in ("active", "job_seeking")
                for index, position in enumerate(rng.sample(range(len(vacancies)), count)):
                    vacancy_id, employer_id, code, starts_on, _ = vacancies[position]
                    if hire and index == 0:
                        end = "hired"
                        last = person.employed
                    else:
                        end = rng.choices(*(open_ends if still_open else closed_ends))[0]
                        last = person.end
                    if not can_share and end not in ("proposed", "withdrawn"):
                        # Nothing is shared without consent.
                        end = "proposed" if still_open else "withdrawn"
                    self._match(table, rng, person, vacancy_id, employer_id, end, last,
                                rng.choice(explanations), rng.choice(reason_codes))  # fmt: skip
                    if end == "hired":
                        self.hired[person.id] = (table.next_id - 1, employer_id, code, starts_on)

        self.write("matches", [table], target, fill)

    def _match(
        self,
        table: Table,
        rng: random.Random,
        person: Person,
        vacancy_id: int,
        employer_id: int,
        end: str,
        last: datetime.date,
        explanation: dict[str, Any],
        reason_code: str,
    ) -> None:
        path = {
            "proposed": [],
            "shared": ["shared"],
            "interview": ["shared", "interview"],
            "hired": ["shared", "interview", "hired"],
            "rejected": ["shared", "rejected"] if rng.random() < 0.7 else
                        ["shared", "interview", "rejected"],
            "declined": ["shared", "declined"],
            "withdrawn": ["withdrawn"] if rng.random() < 0.5 else ["shared", "withdrawn"],
        }[end]  # fmt: skip
        first = person.active
        created = _between(rng, max(first, last - _days(90)), last - _days(7 * len(path)))
        created = min(created, last)
        day = created
        steps = []
        for to in path:
            day = min(last, day + _days(rng.randint(1, 7)))
            changes: dict[str, Any] = {"status": to, "reason": f"match {to}"}
            if to == "shared":
                changes["reached_shared_on"] = day
            if to in ("rejected", "declined", "withdrawn"):
                changes["reason_code"] = reason_code
            steps.append((_stamp(day, rng), f"match {to}", changes))
        score = rng.randint(55, 100) if end in ("hired", "interview") else rng.randint(15, 95)
        table.add(
            {
                "id": table.allocate_id(),
                "uuid": _uuid(rng),
                "created_at": _stamp(created, rng),
                "updated_at": None,
                "vacancy_id": vacancy_id,
                "participant_id": person.id,
                "municipality_id": person.municipality_id,
                "employer_id": employer_id,
                "reference": _uuid(rng),
                "score": score,
                "explanation": explanation,
                "status": "proposed",
                "reached_shared_on": None,
                "reason": "",
                "reason_code": "",
                "employer_reason": "",
            },
            steps,
        )

    def outcomes(self) -> None:
        rng = self.rng("outcomes")
        table = Table(self.m.Outcome, self, reason="outcome recorded")
        eligible = [p for p in self.people_list if p.employed or p.educated]

        def follow_ups(person: Person) -> list[tuple[str, str, dict[str, Any]]]:
            steps = []
            if person.exited is None:
                return steps
            for days, field, choices in (
                (28, "follow_up_4_weeks",
                 (["employed", "job_seeking", "in_education"], [80, 15, 5])),
                (182, "follow_up_6_months",
                 (["employed", "job_seeking", "in_education", "unknown"], [70, 12, 6, 12])),
            ):  # fmt: skip
                on = person.exited + _days(days)
                if on <= TODAY:
                    value = rng.choices(*choices)[0]
                    steps.append((_stamp(on, rng), "ESF follow-up recorded", {field: value}))
            return steps

        def fill() -> None:
            for person in eligible:
                row = {
                    "id": table.allocate_id(),
                    "uuid": _uuid(rng),
                    "updated_at": None,
                    "participant_id": person.id,
                    "municipality_id": person.municipality_id,
                    "employer_id": None,
                    "occupation_id": None,
                    "contract_type": "",
                    "hours_per_week": None,
                    "ends_on": None,
                    "match_id": None,
                    "follow_up_4_weeks": "",
                    "follow_up_6_months": "",
                }
                if person.employed:
                    hired = self.hired.get(person.id)
                    kind = "employment"
                    if hired is None and rng.random() < 0.15:
                        kind = "self_employment"
                    row.update(
                        kind=kind,
                        starts_on=person.employed,
                        created_at=_stamp(person.employed, rng),
                        contract_type=rng.choice(["permanent", "fixed_term", "fixed_term",
                                                  "apprenticeship", "wage_subsidy"]),
                        hours_per_week=Decimal(rng.choice([20, 25, 30, 37, 38])),
                    )  # fmt: skip
                    if hired is not None:
                        match_id, employer_id, code, _ = hired
                        row.update(match_id=match_id, employer_id=employer_id, occupation_id=code)
                else:
                    row.update(
                        kind="education",
                        starts_on=person.educated,
                        created_at=_stamp(person.educated, rng),
                    )
                table.add(row, follow_ups(person))

        self.write("outcomes", [table], len(eligible), fill)

    # Finishing ----------------------------------------------------------------------------------

    def reset_sequences(self) -> None:
        """Point every id sequence past the ids written explicitly (PostgreSQL)."""
        from django.core.management.color import no_style
        from django.db import connection

        models = [self.m.EmploymentArea, self.m.Municipality, *self.bulk_models()]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


class BulkLoad:
    """PostgreSQL bulk-load mode for the ``copy`` method: no index or foreign-key upkeep per row.

    - The secondary indexes of the loaded tables (history tables included) are dropped and built
      once at the end, which is several times faster than maintaining ten indexes per row.
      Primary keys and the indexes behind unique constraints stay. The partial unique index on
      open matches is rebuilt too, which checks it. The definitions are saved to a file as well,
      in case the run is killed before it rebuilds them.
    - Foreign-key triggers are off for the session (``session_replication_role = replica``,
      superuser only; without the right they stay on), and every foreign key of the loaded tables
      is checked with one anti-join each at the end: a violation fails the run.
    """

    def __init__(self, models: list[Any], *, out: Any) -> None:
        self.base_tables = [m._meta.db_table for m in models]
        self.tables = self.base_tables + [m.history.model._meta.db_table for m in models]
        self.out = out
        self.definitions: list[tuple[str, str]] = []
        self.triggers_off = False

    def begin(self) -> None:
        import tempfile

        from django.db import DatabaseError, connection

        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT index_class.relname, pg_get_indexdef(index_class.oid)
                FROM pg_index
                JOIN pg_class index_class ON index_class.oid = pg_index.indexrelid
                JOIN pg_class table_class ON table_class.oid = pg_index.indrelid
                WHERE table_class.relname = ANY(%s)
                  AND pg_table_is_visible(table_class.oid)
                  AND NOT EXISTS (
                      SELECT 1 FROM pg_constraint WHERE pg_constraint.conindid = pg_index.indexrelid
                  )
                ORDER BY table_class.relname, index_class.relname
                """,
                [self.tables],
            )
            self.definitions = list(cursor.fetchall())
            with tempfile.NamedTemporaryFile(
                "w", prefix="polku-deferred-indexes-", suffix=".sql", delete=False
            ) as handle:
                handle.write("".join(f"{definition};\n" for _, definition in self.definitions))
            quote = connection.ops.quote_name
            for name, _ in self.definitions:
                cursor.execute(f"DROP INDEX {quote(name)}")
            try:
                cursor.execute("SET session_replication_role TO replica")
                self.triggers_off = True
            except DatabaseError:
                self.out.write("(not a superuser: foreign keys are checked row by row)\n")
        self.out.write(
            f"Bulk-load mode: {len(self.definitions)} secondary indexes dropped until the end "
            f"(definitions saved in {handle.name})"
            + (", foreign keys checked at the end" if self.triggers_off else "")
            + ".\n"
        )

    def end(self) -> float:
        """Rebuild the indexes and check the foreign keys; returns the seconds it took."""
        from django.db import connection

        started = time.monotonic()
        with connection.cursor() as cursor:
            if self.triggers_off:
                cursor.execute("SET session_replication_role TO DEFAULT")
            cursor.execute("SET maintenance_work_mem TO '1GB'")
            for _, definition in tqdm(
                self.definitions, desc=f"{'indexes':<22}", unit=" indexes", file=sys.stderr,
                disable=None,
            ):  # fmt: skip
                cursor.execute(definition)
            built = time.monotonic() - started
            self.out.write(
                f"{'indexes':<22} {built:8.1f} s  {len(self.definitions)} secondary indexes built\n"
            )
            if self.triggers_off:
                self._check_foreign_keys(cursor)
        return time.monotonic() - started

    def _check_foreign_keys(self, cursor: Any) -> None:
        started = time.monotonic()
        cursor.execute(
            """
            SELECT child.relname, child_column.attname, parent.relname, parent_column.attname
            FROM pg_constraint
            JOIN pg_class child ON child.oid = pg_constraint.conrelid
            JOIN pg_class parent ON parent.oid = pg_constraint.confrelid
            JOIN pg_attribute child_column ON child_column.attrelid = pg_constraint.conrelid
                 AND child_column.attnum = pg_constraint.conkey[1]
            JOIN pg_attribute parent_column ON parent_column.attrelid = pg_constraint.confrelid
                 AND parent_column.attnum = pg_constraint.confkey[1]
            WHERE pg_constraint.contype = 'f' AND child.relname = ANY(%s)
              AND pg_table_is_visible(child.oid)
            ORDER BY 1, 2
            """,
            [self.base_tables],
        )
        keys = cursor.fetchall()
        broken = []
        for child, column, parent, parent_column in keys:
            cursor.execute(
                f'SELECT count(*) FROM "{child}" c WHERE c."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM "{parent}" p WHERE p."{parent_column}" = c."{column}")'
            )
            (count,) = cursor.fetchone()
            if count:
                broken.append(f"{child}.{column}: {count}")
        elapsed = time.monotonic() - started
        self.out.write(f"{'foreign keys':<22} {elapsed:8.1f} s  {len(keys)} foreign keys checked\n")
        if broken:
            raise RuntimeError(f"Rows point at nothing: {', '.join(broken)}")


def vacuum_analyze(out: Any) -> float:
    """VACUUM ANALYZE after the load (PostgreSQL): planner statistics and visibility maps as a
    running system would have them."""
    from django.db import connection

    started = time.monotonic()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elapsed = time.monotonic() - started
    out.write(f"{'vacuum analyze':<22} {elapsed:8.1f} s\n")
    return elapsed


def database_size() -> tuple[int, str]:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_database_size(current_database()), "
                "pg_size_pretty(pg_database_size(current_database()))"
            )
            size, pretty = cursor.fetchone()
        return size, pretty
    name = str(connection.settings_dict["NAME"])
    size = os.path.getsize(name) if os.path.exists(name) else 0
    return size, f"{size / 1024 / 1024:.0f} MB"


def setup_django(database_url: str | None) -> None:
    """Configure Django from ``config.settings.base`` unless it already is (as under pytest)."""
    from django.apps import apps

    if apps.ready:
        return
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.synthetic",
        description="Fill an empty, migrated database with synthetic data at docs/performance.md "
        "volumes scaled by --participants / 1,000,000.",
    )
    parser.add_argument("--participants", type=int, required=True)
    parser.add_argument(
        "--database-url", help="the database to fill (default: DATABASE_URL, else settings)"
    )
    parser.add_argument(
        "--method",
        choices=["auto", "copy", "orm"],
        default="auto",
        help="copy (PostgreSQL COPY) or orm (core.audit bulk helpers); auto: copy on PostgreSQL",
    )
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--municipalities",
        type=int,
        help="municipalities in all (default: 300 scaled, at least the nine real ones)",
    )
    parser.add_argument(
        "--identity-code-share",
        type=float,
        default=0.1,
        help="share of participants with a (temporary, encrypted) identity code (default 0.1)",
    )
    parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM ANALYZE")
    parser.add_argument(
        "--plain-load",
        action="store_true",
        help="with copy: keep indexes and foreign-key checks during the load (slower)",
    )
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None)
    progress.add_argument("--no-progress", dest="progress", action="store_false")
    arguments = parser.parse_args(argv)
    if arguments.participants < 1:
        parser.error("--participants must be at least 1")
    return arguments


def main(argv: Sequence[str] | None = None, out: Any = None) -> dict[str, Any]:
    """Run the generator; returns ``{"timings", "seconds", "database_size"}``."""
    arguments = parse_arguments(argv)
    out = out or sys.stdout
    setup_django(arguments.database_url)
    from django.db import connection

    method = arguments.method
    if method == "auto":
        method = "copy" if connection.vendor == "postgresql" else "orm"
    if method == "copy" and connection.vendor != "postgresql":
        raise SystemExit("--method copy needs PostgreSQL.")
    generator = Generator(
        participants=arguments.participants,
        method=method,
        batch_size=arguments.batch_size,
        seed=arguments.seed,
        municipalities=arguments.municipalities,
        identity_code_share=arguments.identity_code_share,
        progress=arguments.progress,
        out=out,
        bulk_load=method == "copy" and not arguments.plain_load and not connection.in_atomic_block,
    )
    result = generator.run()
    if not arguments.no_vacuum:
        result["seconds"] += vacuum_analyze(out)
    size, pretty = database_size()
    result["database_size"] = size
    rows = sum(timing["rows"] for timing in result["timings"].values())
    history = sum(timing["history"] for timing in result["timings"].values())
    out.write(
        f"Done in {result['seconds']:.1f} s: {rows:,} rows and {history:,} history rows; "
        f"database size {pretty} ({connection.vendor}).\n"
    )
    return result


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as error:
        sys.stderr.write(f"{error}\n")
        sys.exit(2)
