"""``manage.py seed_demo``: the demo data of docs/api.md.

Users of every role for the nine Central Finland municipalities, two employers and, unless
``--users-only``, a caseload that the services move through its whole life (assessments,
trainings, cards, consents, notes, matches, outcomes), so every record has its history naming the
system actor and a reason. Deterministic: a fixed random seed, dates relative to today.

It loads an empty migrated database, or completes its own ``--users-only`` load. On a demo
database it changes nothing; any other data makes it refuse (CommandError), so it can never mix
invented people into a real register. Two marker groups record what was loaded.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import language_levels
from assessments import services as assessment_services
from assessments.models import LicenceType, Training
from casework import identity_codes
from casework import services as casework_services
from casework.models import (
    Employer,
    EmployerMembership,
    Match,
    Participant,
    Vacancy,
)
from core.actors import SYSTEM_USERNAME, system_actor
from core.models import AuditedModel
from core.validation import today
from municipalities.models import Municipality, RoleGrant
from municipalities.services import role_grant

SEED = 2020  # Kotopaikka2 started in 2020.
DEFAULT_PASSWORD = "polku-demo"
DEFAULT_PER_MUNICIPALITY = 15
USERS_MARKER = "polku-demo:users"
CASEWORK_MARKER = "polku-demo:casework"

#: Slug → Statistics Finland code of the pilot municipalities.
MUNICIPALITIES = {
    "jamsa": "182",
    "keuruu": "249",
    "kyyjarvi": "312",
    "laukaa": "410",
    "pihtipudas": "601",
    "saarijarvi": "729",
    "viitasaari": "931",
    "aanekoski": "992",
    "jyvaskyla": "179",
}

EMPLOYERS = {
    "employer1": {
        "business_id": "0112038-9",
        "name": "Jämsän Kiinteistö- ja Hoivapalvelut Oy",
        "municipality": "182",
        "industry": "Cleaning, catering and home care services",
    },
    "employer2": {
        "business_id": "1572860-0",
        "name": "Äänekosken Teollisuus- ja Logistiikkapalvelut Oy",
        "municipality": "992",
        "industry": "Manufacturing, construction and logistics",
    },
}

DEMO_USERNAMES = frozenset(
    {"admin", "coordinator", *EMPLOYERS}
    | {f"{role}.{slug}" for slug in MUNICIPALITIES for role in ("counsellor", "manager")}
)


@dataclass(frozen=True)
class VacancySpec:
    employer: str
    municipality: str
    title: str
    occupation: str
    licences: tuple[str, ...]
    language: dict[str, str]
    positions: int
    closes_at_end: bool = False


VACANCIES = (
    VacancySpec("employer1", "182", "Siivooja", "9112", ("occupational_safety",),
                {"speaking": "A2.1", "listening": "A2.1"}, 3),
    VacancySpec("employer1", "182", "Kokki", "5120", ("hygiene_passport",),
                {"speaking": "A2.2", "listening": "A2.2", "reading": "A2.1"}, 1),
    VacancySpec("employer1", "249", "Kotihoidon hoiva-avustaja", "5322", ("first_aid_1",),
                {"speaking": "B1.1", "listening": "B1.1", "reading": "A2.2", "writing": "A2.1"},
                2),
    VacancySpec("employer1", "249", "Kesäsiivooja", "9112", ("occupational_safety",),
                {"speaking": "A1.3"}, 1, closes_at_end=True),
    VacancySpec("employer2", "992", "Tuotantotyöntekijä", "9329",
                ("occupational_safety", "forklift"), {"speaking": "A2.1"}, 4),
    VacancySpec("employer2", "729", "Yhdistelmäajoneuvon kuljettaja", "8332",
                ("occupational_safety", "road_safety_1"), {"speaking": "A2.2", "reading": "A2.2"},
                1),
    VacancySpec("employer2", "410", "Muurari", "7112", ("occupational_safety", "hot_work"),
                {"speaking": "A2.1"}, 2),
    VacancySpec("employer2", "931", "Teollisuussiivooja", "9112", ("occupational_safety",),
                {"speaking": "A2.1", "listening": "A2.1"}, 2),
    VacancySpec("employer2", "179", "Varastotyöntekijä", "9333", ("forklift",),
                {"speaking": "A1.3", "listening": "A2.1"}, 2),
    VacancySpec("employer2", "179", "Tuotantotyöntekijä", "9329", ("occupational_safety",),
                {"speaking": "A2.1"}, 3),
)  # fmt: skip

#: Licence-card courses each municipality runs: (licence type, provider-independent length in
#: days). The first two ran in the past, the third is coming up.
TRAININGS = {
    "pohjoinen-keski-suomi": (("occupational_safety", 1), ("forklift", 3), ("hot_work", 1)),
    "etelainen-keski-suomi": (("hygiene_passport", 1), ("first_aid_1", 2),
                              ("occupational_safety", 1)),
    "jyvaskyla": (("forklift", 3), ("occupational_safety", 1), ("hygiene_passport", 1)),
}  # fmt: skip
PROVIDERS = {
    "pohjoinen-keski-suomi": "POKE Pohjoisen Keski-Suomen oppimiskeskus",
    "etelainen-keski-suomi": "Gradia Jämsä",
    "jyvaskyla": "Gradia",
}


@dataclass(frozen=True)
class Background:
    """Where a participant comes from: native language, citizenships and names."""

    language: str
    citizenships: tuple[str, ...]
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    weight: int
    feminine_suffix: str = ""


BACKGROUNDS = (
    Background("ar", ("SY", "SY", "IQ", "XX"),
               ("Amal", "Fatima", "Rania", "Huda", "Noor", "Layla", "Salma", "Yasmin"),
               ("Ahmad", "Mohammed", "Omar", "Khaled", "Yousef", "Hassan", "Ali", "Samir"),
               ("Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Darwish",
                "Ibrahim", "Hamdan"), 5),
    Background("so", ("SO",), ("Hodan", "Amina", "Faduma", "Sahra", "Ifrah", "Ayaan"),
               ("Abdi", "Mahad", "Liban", "Abdirahman", "Said", "Yusuf"),
               ("Warsame", "Abdullahi", "Farah", "Hersi", "Jama", "Mohamud", "Aden"), 3),
    Background("prs", ("AF",), ("Zahra", "Maryam", "Shabnam", "Farzana", "Nilufar"),
               ("Mohammad", "Farid", "Hamid", "Jawad", "Mustafa"),
               ("Ahmadi", "Rahimi", "Karimi", "Sultani", "Noori", "Haidari"), 3),
    Background("fa", ("AF", "XX"), ("Parisa", "Maryam", "Zahra", "Roya"),
               ("Reza", "Ahmad", "Ali", "Mehdi"), ("Hosseini", "Rezaei", "Mohammadi", "Jafari"),
               2),
    Background("uk", ("UA",), ("Olena", "Iryna", "Oksana", "Nataliia", "Kateryna", "Yuliia"),
               ("Andrii", "Oleksandr", "Dmytro", "Serhii", "Vasyl", "Taras"),
               ("Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko",
                "Boiko"), 5),
    Background("ru", ("UA",), ("Svetlana", "Anastasia", "Ekaterina", "Tatiana"),
               ("Aleksei", "Sergei", "Nikolai", "Ivan"),
               ("Ivanov", "Smirnov", "Petrov", "Volkov", "Sokolov"), 2, feminine_suffix="a"),
    Background("ti", ("ER",), ("Helen", "Selam", "Tsega", "Luwam", "Saba"),
               ("Dawit", "Yonas", "Tesfay", "Samuel", "Merhawi"),
               ("Tesfamariam", "Gebremedhin", "Haile", "Berhane", "Kidane", "Woldu"), 2),
    Background("en", ("NG",), ("Ngozi", "Chiamaka", "Funmilayo", "Blessing"),
               ("Chinedu", "Oluwaseun", "Adebayo", "Emeka"),
               ("Okafor", "Adeyemi", "Eze", "Balogun", "Okonkwo"), 1),
)  # fmt: skip

#: ISCO-08 unit groups of the participants' work histories, with weights.
OCCUPATIONS = (("9112", 5), ("5120", 3), ("8332", 2), ("9329", 4), ("5322", 3), ("7112", 2),
               ("9412", 2), ("9333", 2), ("7115", 1))  # fmt: skip

#: Each municipality's caseload is a mix of these life stories (the status it ends in).
STORIES = ("job_seeking", "active", "employed_match", "exited_employed", "job_seeking",
           "in_education", "referred", "job_seeking", "active", "exited_other",
           "employed_direct", "job_seeking")  # fmt: skip
#: How the matches of job seekers end, in turn (still open ones included).
JOB_SEEKER_MATCHES = (("interview", "rejected"), ("shared", "declined"),
                      ("interview", "proposed"), ("rejected", "shared"))  # fmt: skip
ENROLLED_DAYS_AGO = {
    "referred": (1, 25),
    "active": (60, 400),
    "job_seeking": (120, 500),
    "employed_match": (120, 500),
    "employed_direct": (200, 600),
    "in_education": (150, 500),
    "exited_employed": (400, 720),
    "exited_other": (250, 650),
}

NOTES = {
    "first": (
        "First guidance meeting with an interpreter: mapped work history and Finnish skills, "
        "agreed on the next steps.",
        "Referred by the integration programme. Went through the pilot, consent practice and "
        "the licence-card courses available nearby.",
    ),
    "later": (
        "Follow-up meeting: the Finnish course is going well; practised a job interview.",
        "Phone call: asked about the next occupational safety card course.",
        "Helped to update the CV and to register on Työmarkkinatori.",
        "Discussed childcare arrangements that make shift work possible.",
        "Visited an employer together; the participant is interested in the sector.",
        "Group session on Finnish working life: contracts, pay slips, trade unions.",
    ),
}
NOTE_KINDS = ("meeting", "phone", "message", "group_session")


def temporary_identity_code(date_of_birth: datetime.date, individual_number: int) -> str:
    """A temporary personal identity code (individual number 900–999, docs/domain.md#identity-codes-and-business-ids)."""
    if not 900 <= individual_number <= 999:
        raise ValueError("Temporary codes use individual numbers 900–999.")
    sign = "-" if date_of_birth.year < 2000 else "A"
    digits = f"{date_of_birth:%d%m%y}{individual_number:03d}"
    check = identity_codes.CHECK_CHARACTERS[int(digits) % 31]
    return f"{date_of_birth:%d%m%y}{sign}{individual_number:03d}{check}"


def audited_models() -> list[type[AuditedModel]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AuditedModel) and not model._meta.abstract
    ]


def record_counts() -> dict[str, int]:
    """Rows per audited model, plus ``history`` (all their history rows) and ``users``."""
    counts = {
        str(model._meta.verbose_name_plural): model.objects.count() for model in audited_models()
    }
    counts["history rows"] = sum(
        model.history.model.objects.count()  # type: ignore[attr-defined]
        for model in audited_models()
    )
    counts["users"] = get_user_model().objects.count()
    return counts


def foreign_data(*, users_loaded: bool) -> list[str]:
    """What the database holds that seed_demo did not put there (empty: safe to load)."""
    allowed_users = {SYSTEM_USERNAME} | (set(DEMO_USERNAMES) if users_loaded else set())
    demo_employers = [spec["business_id"] for spec in EMPLOYERS.values()] if users_loaded else []
    checks = {
        "users": get_user_model().objects.exclude(username__in=allowed_users),
        "participants": Participant.objects.all(),
        "employers": Employer.objects.exclude(business_id__in=demo_employers),
        "vacancies": Vacancy.objects.all(),
        "trainings": Training.objects.all(),
    }
    if not users_loaded:
        checks["role grants"] = RoleGrant.objects.all()
        checks["employer memberships"] = EmployerMembership.objects.all()
    found = []
    for label, queryset in checks.items():
        count = queryset.count()
        if count:
            found.append(f"{count} {label}")
    return found


def _days(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


@dataclass
class Person:
    """What the loader remembers of a participant while it writes their story."""

    participant: Participant
    levels: dict[str, int]
    occupations: list[str]
    cards: set[str] = field(default_factory=set)
    matched: set[int] = field(default_factory=set)
    can_share: bool = False


@dataclass
class OpenVacancy:
    vacancy: Vacancy
    spec: VacancySpec
    area_id: int
    hires: int = 0


class DemoLoader:
    def __init__(self, *, actor: Any) -> None:
        self.actor = actor
        self.rng = random.Random(SEED)
        self.today = today()
        self.municipalities = {
            slug: Municipality.objects.select_related("employment_area").get(code=code)
            for slug, code in MUNICIPALITIES.items()
        }
        self.area_of = {m.pk: m.employment_area_id for m in self.municipalities.values()}
        self.area_of_employer = {
            username: Municipality.objects.get(code=spec["municipality"]).employment_area_id
            for username, spec in EMPLOYERS.items()
        }
        self.licence_types = {lt.code: lt for lt in LicenceType.objects.all()}
        self.users: dict[str, Any] = {}
        self.employers: dict[str, Employer] = {}
        self.vacancies: list[OpenVacancy] = []
        self.trainings: dict[int, list[Training]] = {}
        self.seats_taken: Counter[int] = Counter()
        self.identity_codes: set[str] = set()
        self.card_serial = 0
        self.stories: Counter[str] = Counter()

    # Users and employers ----------------------------------------------------------------------

    def load_users(self, password: str) -> None:
        user_model = get_user_model()
        # One hash for every demo user: they share the password anyway, and hashing it twenty
        # times with the production hasher would take seconds.
        hashed = make_password(password)

        def user(username: str, **extra: Any) -> Any:
            created = user_model.objects.create(
                username=username, password=hashed, email=f"{username}@example.org", **extra
            )
            self.users[username] = created
            return created

        user("admin", is_staff=True, is_superuser=True, first_name="Demo", last_name="Admin")
        role_grant(
            actor=self.actor,
            user=user("coordinator", first_name="Pilot", last_name="Coordinator"),
            role="coordinator",
            municipality=None,
            reason="demo data: pilot coordinator",
        )
        for slug, municipality in self.municipalities.items():
            for role in ("counsellor", "manager"):
                role_grant(
                    actor=self.actor,
                    user=user(
                        f"{role}.{slug}",
                        first_name=role.capitalize(),
                        last_name=municipality.name_fi,
                    ),
                    role=role,
                    municipality=municipality,
                    reason=f"demo data: {role} of {municipality.name_fi}",
                )
        for username, spec in EMPLOYERS.items():
            employer = casework_services.employer_create(
                actor=self.actor,
                business_id=spec["business_id"],
                name=spec["name"],
                municipality=Municipality.objects.get(code=spec["municipality"]),
                industry=spec["industry"],
            )
            self.employers[username] = employer
            casework_services.employer_membership_set(
                actor=self.actor,
                user=user(username, first_name="Demo", last_name=employer.name),
                employer=employer,
            )

    def find_users(self) -> None:
        """Pick up the users of an earlier ``--users-only`` load."""
        for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES):
            self.users[user.username] = user
        for username, spec in EMPLOYERS.items():
            self.employers[username] = Employer.objects.get(business_id=spec["business_id"])

    # Casework ---------------------------------------------------------------------------------

    def load_casework(self, per_municipality: int) -> None:
        self._load_trainings()
        self._load_vacancies()
        for index, (slug, municipality) in enumerate(self.municipalities.items()):
            stories = [STORIES[(k + 5 * index) % len(STORIES)] for k in range(per_municipality)]
            self.rng.shuffle(stories)
            for story in stories:
                self._participant(slug, municipality, story)
        self._close_vacancies()

    def _load_trainings(self) -> None:
        for municipality in self.municipalities.values():
            area = municipality.employment_area.code
            courses = TRAININGS[area]
            trainings = []
            for position, (licence_code, length) in enumerate(courses):
                if position < 2:
                    starts = self.today - _days(self.rng.randint(40, 220))
                else:
                    starts = self.today + _days(self.rng.randint(10, 60))
                trainings.append(
                    assessment_services.training_create(
                        actor=self.actor,
                        licence_type=self.licence_types[licence_code],
                        municipality=municipality,
                        provider="Suomen Punainen Risti"
                        if licence_code == "first_aid_1"
                        else PROVIDERS[area],
                        starts_on=starts,
                        ends_on=starts + _days(length - 1),
                        seats=12,
                        language="fi",
                    )
                )
            self.trainings[municipality.pk] = trainings

    def _load_vacancies(self) -> None:
        for spec in VACANCIES:
            municipality = Municipality.objects.get(code=spec.municipality)
            vacancy = casework_services.vacancy_create(
                actor=self.actor,
                employer=self.employers[spec.employer],
                municipality=municipality,
                title=spec.title,
                occupation_code=spec.occupation,
                starts_on=self.today + _days(self.rng.randint(14, 45)),
                positions=spec.positions,
                language="fi",
                language_requirements=spec.language,
                required_licences=list(spec.licences),
            )
            self.vacancies.append(OpenVacancy(vacancy, spec, municipality.employment_area_id))

    def _close_vacancies(self) -> None:
        for open_vacancy in self.vacancies:
            vacancy = open_vacancy.vacancy
            if open_vacancy.spec.closes_at_end:
                for match in Match.objects.filter(
                    vacancy=vacancy, status__in=Match.OPEN_STATUSES
                ).order_by("pk"):
                    casework_services.match_transition(
                        actor=self.actor,
                        match=match,
                        to="withdrawn",
                        as_employer=False,
                        reason="The summer season ended before a start was agreed.",
                        reason_code="position_filled",
                    )
                casework_services.vacancy_transition(
                    actor=self.actor, vacancy=vacancy, to="closed", reason="summer season over"
                )
            # a vacancy whose hires took every position moved to filled with the last hire

    # One participant's story ------------------------------------------------------------------

    def _on(self, day: datetime.date, after: datetime.date) -> datetime.date:
        """``day`` moved into [after, today]: nothing in the future, nothing out of order."""
        return min(max(day, after), self.today)

    def _participant(self, slug: str, municipality: Municipality, story: str) -> None:
        rng = self.rng
        self.stories[story] += 1
        background = rng.choices(BACKGROUNDS, weights=[b.weight for b in BACKGROUNDS])[0]
        gender = rng.choices(["female", "male", "undisclosed", "non_binary"], [48, 48, 3, 1])[0]
        names = {"female": background.female, "male": background.male}.get(
            gender, background.female + background.male
        )
        first_name = rng.choice(names)
        last_name = rng.choice(background.surnames)
        if gender == "female":
            last_name += background.feminine_suffix
        born = self.today - _days(rng.randint(20 * 365, 58 * 365))
        low, high = ENROLLED_DAYS_AGO[story]
        enrolled = self.today - _days(rng.randint(low, high))
        earliest_arrival = max(born + _days(16 * 365), self.today - _days(9 * 365))
        arrival = earliest_arrival + _days(
            rng.randint(0, max(0, (enrolled - earliest_arrival).days - 30))
        )
        code = None
        if sum(self.stories.values()) % 4 == 1:  # a temporary identity code for every fourth
            code = self._temporary_code(born)
        email = ""
        if rng.random() < 0.8:
            email = f"{first_name}.{last_name}.{rng.randint(1, 99)}@example.org".lower()
        participant = casework_services.participant_create(
            actor=self.actor,
            municipality=municipality,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=born,
            gender=gender,
            labour_market_status=rng.choices(
                ["unemployed", "long_term_unemployed", "inactive", "employed"], [45, 30, 20, 5]
            )[0],
            personal_identity_code=code,
            native_language=background.language,
            citizenship=rng.choice(background.citizenships),
            arrival_date=arrival,
            education_level=rng.choice([None, 0, 1, 2, 2, 3, 3, 4, 5, 6, 7]),
            phone=f"+358 4{rng.choice('0145')} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            email=email,
            available_from=self._on(enrolled + _days(rng.randint(0, 60)), enrolled)
            if rng.random() < 0.6
            else None,
            enrolled_on=enrolled,
            counsellor=self.users[f"counsellor.{slug}"],
            # DESIGN §10 fields, derived from the story's dates so that the random sequence
            # (and with it the rest of the demo) stays as it was.
            first_permit_on=max(born, arrival - _days(enrolled.toordinal() % 60)),
            service_language="sv" if born.toordinal() % 25 == 0 else "fi",
            interpreter_language=background.language if born.toordinal() % 3 else None,
        )
        base = rng.randint(0, 6)  # A1.1 … B1.2 on arrival in the pilot
        person = Person(
            participant=participant,
            levels={
                "reading": base + rng.randint(-1, 1),
                "listening": base + rng.randint(0, 1),
                "speaking": base + rng.randint(-1, 1),
                "writing": base - rng.randint(0, 1),
            },
            occupations=self._work_history(),
        )
        self._note(person, enrolled, "first")
        self._language_assessment(
            person, self._on(enrolled + _days(rng.randint(0, 10)), enrolled), "counsellor_estimate"
        )
        if story == "referred":
            return

        active_on = self._on(enrolled + _days(rng.randint(3, 21)), enrolled)
        self._step(person, "active", active_on, "guidance plan agreed")
        for occupation in person.occupations:
            assessment_services.skill_assessment_create(
                actor=self.actor,
                participant=person.participant,
                occupation_code=occupation,
                level=rng.choice([1, 2, 2, 3, 3, 4]),
                evidence=rng.choice(["work_history", "work_history", "demonstration"]),
                assessed_on=self._on(active_on + _days(rng.randint(0, 20)), active_on),
                years_experience=Decimal(rng.randint(0, 30)) / 2,
            )
        self._earlier_cards(person, arrival, enrolled)
        if story == "employed_match" or (story != "in_education" and rng.random() < 0.9):
            self._consent(person, active_on, may_withdraw=story in ("active", "job_seeking"))

        # Key dates of the story, in order and never after today.
        seeking_on = self._on(active_on + _days(rng.randint(20, 120)), active_on)
        employed_on = self._on(seeking_on + _days(rng.randint(20, 120)), seeking_on)
        exit_on = {
            "exited_employed": self._on(employed_on + _days(rng.randint(1, 30)), employed_on),
            "exited_other": self._on(seeking_on + _days(rng.randint(20, 150)), seeking_on),
        }.get(story, self.today)

        self._trainings(person, active_on, exit_on, upcoming=story in ("active", "job_seeking"))
        if rng.random() < 0.7 and (exit_on - active_on).days > 90:
            self._improve(person)
            self._language_assessment(
                person,
                self._on(active_on + _days(rng.randint(90, 200)), active_on),
                rng.choice(["course_test", "yki"]),
                before=exit_on,
            )
        self._note(person, min(active_on + _days(rng.randint(10, 90)), exit_on), "later")

        if story == "active":
            if rng.random() < 0.5:
                self._matches(person, ["proposed"])
        elif story == "job_seeking":
            self._step(person, "job_seeking", seeking_on, "ready to apply for work")
            person.participant = casework_services.participant_update(
                actor=self.actor,
                participant=person.participant,
                data={"job_seeker_since": person.participant.status_changed_on},
                reason="registered as a job seeker",
            )
            self._matches(
                person, list(JOB_SEEKER_MATCHES[self.stories[story] % len(JOB_SEEKER_MATCHES)])
            )
        elif story == "employed_match":
            self._step(person, "job_seeking", seeking_on, "ready to apply for work")
            self._matches(person, ["rejected"] if rng.random() < 0.4 else [])
            self._matches(person, ["hired"])
        elif story == "employed_direct":
            self._step(person, "job_seeking", seeking_on, "ready to apply for work")
            self._step(person, "employed", employed_on, "found work on their own")
            self._outcome(person, employed_on, employer=None)
        elif story == "in_education":
            on = self._on(active_on + _days(rng.randint(20, 90)), active_on)
            self._step(person, "in_education", on, "started vocational training")
            casework_services.outcome_create(
                actor=self.actor,
                participant=person.participant,
                kind="education",
                starts_on=on,
            )
        elif story == "exited_employed":
            self._step(person, "job_seeking", seeking_on, "ready to apply for work")
            self._step(person, "employed", employed_on, "employed")
            outcome = self._outcome(person, employed_on, employer=self._local_employer(person))
            self._step(person, "exited", exit_on, "left the pilot for work", "employed")
            self._follow_ups(outcome, exit_on)
        elif story == "exited_other":
            self._step(person, "job_seeking", seeking_on, "ready to apply for work")
            if rng.random() < 0.5:
                self._matches(person, ["withdrawn"])
            self._step(
                person,
                "exited",
                exit_on,
                "left the pilot",
                rng.choice(["moved_away", "declined_services", "health", "family_leave", "other"]),
            )

    def _temporary_code(self, born: datetime.date) -> str:
        """A temporary code for ``born`` that no other demo participant holds."""
        for offset in range(100):
            number = 900 + (len(self.identity_codes) + offset) % 100
            code = temporary_identity_code(born, number)
            if code not in self.identity_codes:
                self.identity_codes.add(code)
                return code
        raise CommandError(f"No temporary identity code left for {born}.")

    def _work_history(self) -> list[str]:
        codes = [code for code, _ in OCCUPATIONS]
        weights = [weight for _, weight in OCCUPATIONS]
        first = self.rng.choices(codes, weights)[0]
        second = self.rng.choices(codes, weights)[0]
        return [first] if second == first or self.rng.random() < 0.6 else [first, second]

    def _step(
        self, person: Person, to: str, on: datetime.date, reason: str, exit_reason: str = ""
    ) -> None:
        participant = person.participant
        person.participant = casework_services.participant_transition(
            actor=self.actor,
            participant=participant,
            to=to,
            on=self._on(on, participant.status_changed_on),
            reason=reason,
            exit_reason=exit_reason,
        )

    def _note(self, person: Person, day: datetime.date, kind: str) -> None:
        day = min(day, self.today - _days(1))
        at = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(8, 15), self.rng.choice([0, 15, 30, 45]))
        )
        casework_services.case_note_create(
            actor=self.actor,
            participant=person.participant,
            kind="meeting" if kind == "first" else self.rng.choice(NOTE_KINDS),
            occurred_at=timezone.make_aware(at),
            text=self.rng.choice(NOTES[kind]),
        )

    def _language_assessment(
        self,
        person: Person,
        day: datetime.date,
        instrument: str,
        before: datetime.date | None = None,
    ) -> None:
        if before is not None:
            day = min(day, before)
        levels = {
            skill: language_levels.LEVELS[max(0, min(12, rank))]
            for skill, rank in person.levels.items()
        }
        if instrument == "counsellor_estimate" and self.rng.random() < 0.3:
            levels["writing"] = None  # not estimated in the first meeting
        assessment_services.language_assessment_create(
            actor=self.actor,
            participant=person.participant,
            language="fi",
            assessed_on=day,
            instrument=instrument,
            **levels,
        )

    def _improve(self, person: Person) -> None:
        for skill in person.levels:
            person.levels[skill] += self.rng.randint(0, 2)

    def _card_number(self, prefix: str, year: int) -> str:
        self.card_serial += 1
        return f"{prefix}-{year}-{self.card_serial:05d}"

    def _earlier_cards(self, person: Person, arrival: datetime.date, enrolled: datetime.date):
        """Cards gained before the pilot (a hygiene passport from a restaurant job, an expired
        first-aid card), some checked against the issuer's register."""
        rng = self.rng
        span = max(0, (enrolled - arrival).days)
        for code, chance in (("hygiene_passport", 0.25), ("occupational_safety", 0.15)):
            if rng.random() < chance:
                issued = arrival + _days(rng.randint(0, span))
                card = assessment_services.licence_card_create(
                    actor=self.actor,
                    participant=person.participant,
                    licence_type=self.licence_types[code],
                    issued_on=issued,
                    card_number=self._card_number(code[:3].upper(), issued.year),
                )
                if card.is_valid_on(self.today):
                    person.cards.add(code)
                if rng.random() < 0.5:
                    assessment_services.licence_card_verify(actor=self.actor, card=card)
        if span > 4 * 365 and rng.random() < 0.5:
            issued = arrival + _days(rng.randint(0, span - 3 * 365 - 30))
            assessment_services.licence_card_create(
                actor=self.actor,
                participant=person.participant,
                licence_type=self.licence_types["first_aid_1"],
                issued_on=issued,
                card_number=self._card_number("EA1", issued.year),
            )

    def _consent(self, person: Person, active_on: datetime.date, *, may_withdraw: bool) -> None:
        rng = self.rng
        granted = self._on(active_on + _days(rng.randint(0, 14)), active_on)
        consent = casework_services.consent_create(
            actor=self.actor,
            participant=person.participant,
            purpose="share_with_employers",
            granted_on=granted,
            expires_on=granted + _days(730) if rng.random() < 0.5 else None,
        )
        person.can_share = consent.is_valid_on(self.today)
        if may_withdraw and rng.random() < 0.12:
            casework_services.consent_withdraw(
                actor=self.actor,
                consent=consent,
                on=self._on(granted + _days(rng.randint(10, 60)), granted),
                reason="The participant no longer wants employers to see their details.",
            )
            person.can_share = False

    def _trainings(
        self, person: Person, active_on: datetime.date, until: datetime.date, *, upcoming: bool
    ) -> None:
        rng = self.rng
        municipality_id = person.participant.municipality_id
        for training in self.trainings[municipality_id]:
            past = training.ends_on < self.today
            if self.seats_taken[training.pk] >= training.seats:
                continue
            if past and not (active_on <= training.starts_on and training.ends_on <= until):
                continue
            if not past and not upcoming:
                continue
            if rng.random() < (0.5 if past else 0.35):
                continue
            enrolment = assessment_services.enrolment_create(
                actor=self.actor, training=training, participant=person.participant
            )
            self.seats_taken[training.pk] += 1
            if not past:
                continue
            result = rng.choices(["passed", "failed", "no_show", "cancelled"], [65, 10, 15, 10])[0]
            if result in ("no_show", "cancelled"):
                assessment_services.enrolment_transition(
                    actor=self.actor, enrolment=enrolment, to=result, reason=f"enrolment {result}"
                )
                continue
            enrolment = assessment_services.enrolment_transition(
                actor=self.actor, enrolment=enrolment, to="attended", reason="attended the course"
            )
            code = training.licence_type.code
            assessment_services.enrolment_transition(
                actor=self.actor,
                enrolment=enrolment,
                to=result,
                reason="passed the test" if result == "passed" else "failed the test",
                issued_on=training.ends_on if result == "passed" else None,
                card_number=self._card_number(code[:3].upper(), training.ends_on.year)
                if result == "passed"
                else "",
            )
            if result == "passed":
                person.cards.add(code)

    def _local_employer(self, person: Person) -> Employer | None:
        area_id = self.area_of[person.participant.municipality_id]
        for username, employer in self.employers.items():
            if self.area_of_employer[username] == area_id:
                return employer
        return None

    def _outcome(self, person: Person, starts_on: datetime.date, employer: Employer | None):
        rng = self.rng
        return casework_services.outcome_create(
            actor=self.actor,
            participant=person.participant,
            kind="employment",
            starts_on=starts_on,
            employer=employer,
            occupation_code=person.occupations[0],
            contract_type=rng.choice(["permanent", "fixed_term", "fixed_term", "wage_subsidy"]),
            hours_per_week=rng.choice([20, 25, 30, 37.5, 37.5]),
        )

    def _follow_ups(self, outcome: Any, exit_on: datetime.date) -> None:
        rng = self.rng
        data = {}
        if exit_on + _days(28) <= self.today:
            data["follow_up_4_weeks"] = rng.choices(["employed", "job_seeking"], [85, 15])[0]
        if exit_on + _days(182) <= self.today:
            data["follow_up_6_months"] = rng.choices(
                ["employed", "job_seeking", "in_education", "unknown"], [70, 15, 5, 10]
            )[0]
        if data:
            casework_services.outcome_update(
                actor=self.actor,
                outcome=outcome,
                data=data,
                reason="ESF follow-up recorded",
            )

    # Matches ----------------------------------------------------------------------------------

    def _matches(self, person: Person, ends: list[str]) -> None:
        """Propose the participant for the best-fitting vacancies of their employment area and
        move each match to the given end; a hire goes where a position is still free."""
        area_id = self.area_of[person.participant.municipality_id]
        candidates = [
            vacancy
            for vacancy in self.vacancies
            if vacancy.area_id == area_id
            and vacancy.vacancy.pk not in person.matched
            and vacancy.hires < vacancy.spec.positions  # the last hire filled it
        ]
        candidates.sort(key=lambda vacancy: -self._fit(person, vacancy))
        for end in ends:
            usable = candidates
            if end == "hired":
                usable = [
                    v for v in candidates if not v.spec.closes_at_end and v.hires < v.spec.positions
                ]
                if not usable:  # every position is taken: the interview is as far as it gets
                    usable, end = candidates, "interview"
            if not usable:
                return
            chosen = usable[0]
            candidates.remove(chosen)
            person.matched.add(chosen.vacancy.pk)
            self._match(person, chosen, end)

    def _fit(self, person: Person, vacancy: OpenVacancy) -> int:
        """A rough score to pick the best-fitting vacancies by (the match's own score and
        explanation are computed by the matching service)."""
        occupation = vacancy.spec.occupation
        if occupation in person.occupations:
            occupation_points = 40  # same ISCO-08 unit group
        elif any(code[:2] == occupation[:2] for code in person.occupations):
            occupation_points = 25  # same sub-major group
        else:
            occupation_points = 5
        short = [
            skill
            for skill, level in vacancy.spec.language.items()
            if person.levels[skill] < language_levels.rank(level)
        ]
        missing = [code for code in vacancy.spec.licences if code not in person.cards]
        return occupation_points + (30 if not short else 10) + (30 if not missing else 0)

    def _match(self, person: Person, open_vacancy: OpenVacancy, end: str) -> None:
        if end not in ("proposed", "withdrawn") and not person.can_share:
            end = "proposed"  # without consent nothing is shared
        match = casework_services.match_create(
            actor=self.actor,
            vacancy=open_vacancy.vacancy,
            participant=person.participant,
            reason="proposed by the counsellor",
        )

        def move(to: str, as_employer: bool, reason: str, reason_code: str = "", **extra: Any):
            nonlocal match
            match = casework_services.match_transition(
                actor=self.actor,
                match=match,
                to=to,
                as_employer=as_employer,
                reason=reason,
                reason_code=reason_code,
                **extra,
            )

        if end == "withdrawn":
            move("withdrawn", False, "The participant chose another path.", "candidate_withdrew")
            return
        if end == "proposed":
            return
        move("shared", False, "shared with the employer")
        if end == "declined":
            move("declined", False, "The commute would be too long.", "other")
        elif end == "rejected":
            code = self.rng.choice(["language_insufficient", "skills_mismatch", "position_filled"])
            move("rejected", True, "Another candidate was chosen.", code)
        elif end in ("interview", "hired"):
            move("interview", True, "invited to an interview")
            if end == "hired":
                move(
                    "hired",
                    True,
                    "hired after the interview",
                    starts_on=open_vacancy.vacancy.starts_on,
                    contract_type=self.rng.choice(["permanent", "fixed_term", "apprenticeship"]),
                    hours_per_week=self.rng.choice([30, 37.5]),
                )
                open_vacancy.hires += 1


class Command(BaseCommand):
    help = (
        "Load the demo data (docs/api.md): users of every role, two employers and a realistic "
        "caseload. Loads an empty database only; on a demo database it changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every demo user (default {DEFAULT_PASSWORD}); "
            "users that already exist keep theirs",
        )
        parser.add_argument(
            "--users-only",
            action="store_true",
            help="create the users and the employers, but no participants",
        )
        parser.add_argument(
            "--per-municipality",
            type=int,
            default=DEFAULT_PER_MUNICIPALITY,
            help=f"participants per municipality (default {DEFAULT_PER_MUNICIPALITY})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users_only: bool = options["users_only"]
        per_municipality: int = options["per_municipality"]
        if per_municipality < 1 and not users_only:
            raise CommandError(_("--per-municipality must be at least 1."))
        missing = set(MUNICIPALITIES.values()) - set(
            Municipality.objects.filter(code__in=MUNICIPALITIES.values()).values_list(
                "code", flat=True
            )
        )
        if missing or not LicenceType.objects.exists():
            raise CommandError(_("The reference data is missing: run `manage.py migrate` first."))

        with transaction.atomic():
            markers = set(
                Group.objects.filter(name__in=[USERS_MARKER, CASEWORK_MARKER]).values_list(
                    "name", flat=True
                )
            )
            if CASEWORK_MARKER in markers or (users_only and USERS_MARKER in markers):
                self.stdout.write(_("The demo data is already loaded; nothing changed."))
                return
            users_loaded = USERS_MARKER in markers
            found = foreign_data(users_loaded=users_loaded)
            if found:
                raise CommandError(
                    "This database holds data that seed_demo did not load "
                    f"({', '.join(found)}). The demo data goes into an empty, migrated "
                    "database only; nothing changed."
                )
            before = record_counts()
            loader = DemoLoader(actor=system_actor())
            if users_loaded:
                loader.find_users()
            else:
                loader.load_users(options["password"])
                Group.objects.create(name=USERS_MARKER)
            if not users_only:
                loader.load_casework(per_municipality)
                for config in apps.get_app_configs():  # apps above casework add their story
                    if hasattr(config, "demo_story"):
                        loader.stories.update(
                            config.demo_story(actor=system_actor(), today=today())
                        )
                Group.objects.create(name=CASEWORK_MARKER)
            after = record_counts()

        self._summary(before, after, loader, users_loaded=users_loaded)

    def _summary(
        self, before: dict[str, int], after: dict[str, int], loader: DemoLoader, *, users_loaded
    ) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS("Demo data loaded."))
        if not users_loaded:
            slugs = ", ".join(MUNICIPALITIES)
            write(
                "Users (password from --password): admin, coordinator, counsellor.<m> and "
                f"manager.<m> for m in {slugs}, employer1 (Jämsä), employer2 (Äänekoski)."
            )
        for label, count in after.items():
            created = count - before.get(label, 0)
            if created:
                write(f"  {label:<32} {created:>6}")
        if loader.stories:
            stories = ", ".join(f"{story} {n}" for story, n in sorted(loader.stories.items()))
            write(f"  participant stories: {stories}")
