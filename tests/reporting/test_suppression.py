"""Disclosure control (reporting.suppression): the rule on small examples, then Hypothesis
properties over random data sets — random two-way tables with margins, random caseloads shaped
like a dashboard and like the ESF+ report — checked by ``check_protected``:

- no visible cell holds 1–4 persons, and every visible cell shows its true count;
- in every declared group, no hidden cell can be recovered as total − Σ visible (a group with a
  visible total hides no member, or at least two holding ≥ 5 persons together, more persons than
  cells); a hidden total is never Σ members;
- zeros are never hidden, and nothing is hidden where no count is 1–4;
- rates and medians over 1–4 persons, or made of a hidden count, are null and listed."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.language_levels import SKILLS
from casework.models import Match, Outcome, Participant
from plans.worklist.rules import Rule
from reporting import dashboards, esf, suppression
from reporting.suppression import Group, Statistic
from tests.reporting.conftest import check_protected

pytestmark = pytest.mark.django_db(transaction=False)

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _protect(cells: dict[str, int], groups: list[Group], statistics=()) -> dict[str, Any]:
    """Run the engine on a flat answer {"t": {name: count}}."""
    payload = {"t": dict(cells)}
    return suppression.protect(
        payload,
        sections=("t",),
        groups=[
            Group(f"t.{g.total}", tuple(f"t.{m}" for m in g.members), g.exhaustive) for g in groups
        ],
        statistics=statistics,
    )


# The rule on small examples ---------------------------------------------------------------------


def test_counts_of_one_to_four_are_hidden_and_zero_and_five_are_shown():
    answer = _protect({"a": 0, "b": 1, "c": 4, "d": 5, "e": 40}, [])
    assert answer["t"] == {"a": 0, "b": None, "c": None, "d": 5, "e": 40}
    assert answer["suppressed_cells"] == ["t.b", "t.c"]


def test_one_hidden_member_of_an_exhaustive_group_hides_the_smallest_other_member():
    cells = {"total": 27, "a": 3, "b": 0, "c": 9, "d": 15}
    answer = _protect(cells, [Group("total", ("a", "b", "c", "d"))])
    # total − (c + d) would give a = 3 back: c (the smallest non-zero) goes too; b stays 0.
    assert answer["suppressed_cells"] == ["t.a", "t.c"]
    assert answer["t"]["b"] == 0 and answer["t"]["total"] == 27


def test_two_hidden_members_holding_fewer_than_five_persons_hide_a_third():
    cells = {"total": 9, "a": 1, "b": 2, "c": 6}
    answer = _protect(cells, [Group("total", ("a", "b", "c"))])
    # a + b = 3 could be read off as "3 persons are a or b": c is hidden as well.
    assert answer["suppressed_cells"] == ["t.a", "t.b", "t.c"]


def test_the_total_goes_when_no_other_member_is_left():
    cells = {"total": 7, "a": 2, "b": 5, "c": 0}
    answer = _protect(cells, [Group("total", ("a", "b", "c"))])
    assert answer["suppressed_cells"] == ["t.a", "t.b"]
    cells = {"total": 6, "a": 1, "b": 0, "c": 5, "d": 0}
    answer = _protect(cells, [Group("total", ("a", "c")), Group("total", ("b", "d"))])
    assert answer["suppressed_cells"] == ["t.a", "t.c"]


def test_a_hidden_total_hides_a_member_of_every_group_it_totals():
    cells = {"total": 3, "a": 3, "b": 0, "x": 0, "y": 3, "z": 0}
    answer = _protect(cells, [Group("total", ("a", "b")), Group("total", ("x", "y", "z"))])
    assert answer["suppressed_cells"] == ["t.total", "t.a", "t.y"]


def test_secondary_suppression_runs_until_every_group_is_protected():
    # a is hidden, so group 2 hides b; b is the total of group 1, which must then hide b1.
    cells = {"total": 35, "a": 2, "b": 13, "c": 20, "b1": 6, "b2": 7}
    groups = [Group("b", ("b1", "b2")), Group("total", ("a", "b", "c"))]
    answer = _protect(cells, groups)
    assert answer["suppressed_cells"] == ["t.a", "t.b", "t.b1"]
    raw = {f"t.{name}": value for name, value in cells.items()}
    prefixed = [Group(f"t.{g.total}", tuple(f"t.{m}" for m in g.members)) for g in groups]
    check_protected(answer, raw, prefixed)


def test_a_bounded_group_with_a_rest_of_five_or_more_needs_no_second_cell():
    # employed 30, contract types 2 + 20: 8 employed persons have no contract type recorded.
    cells = {"employed": 30, "permanent": 2, "fixed_term": 20}
    answer = _protect(cells, [Group("employed", ("permanent", "fixed_term"), exhaustive=False)])
    assert answer["suppressed_cells"] == ["t.permanent"]
    # With a rest of 1, employed − fixed_term = 3 would be nearly the hidden 2.
    cells = {"employed": 23, "permanent": 2, "fixed_term": 20}
    answer = _protect(cells, [Group("employed", ("permanent", "fixed_term"), exhaustive=False)])
    assert answer["suppressed_cells"] == ["t.permanent", "t.fixed_term"]


def test_statistics_over_fewer_than_five_persons_or_made_of_hidden_counts_are_null():
    cells = {"finished": 8, "passed": 3, "n": 0}
    statistics = [
        Statistic("t.rate", population=8, made_of=("t.finished", "t.passed")),
        Statistic("t.median", population=4),
        Statistic("t.nothing", population=0),
    ]
    payload = {"t": {**cells, "rate": 3 / 8, "median": 12, "nothing": None}}
    answer = suppression.protect(payload, sections=("t",), statistics=statistics)
    assert answer["t"] == {
        "finished": 8,
        "passed": None,
        "n": 0,
        "rate": None,
        "median": None,
        "nothing": None,
    }
    assert answer["suppressed_cells"] == ["t.passed", "t.rate", "t.median"]


def test_zeros_are_never_hidden_even_when_a_group_runs_out_of_cells():
    cells = {"total": 4, "a": 4, "b": 0}
    answer = _protect(cells, [Group("total", ("a", "b"))])
    assert answer["t"]["b"] == 0
    assert answer["suppressed_cells"] == ["t.total", "t.a"]


# Property: random two-way tables with row and column totals -------------------------------------


@st.composite
def two_way_tables(draw: Any) -> tuple[dict[str, int], list[Group]]:
    rows = draw(st.integers(1, 5))
    columns = draw(st.integers(1, 5))
    small = st.integers(0, 6)
    any_count = st.one_of(small, st.integers(0, 60))
    body = [[draw(any_count) for _ in range(columns)] for _ in range(rows)]
    cells: dict[str, int] = {}
    groups: list[Group] = []
    for r in range(rows):
        for c in range(columns):
            cells[f"{r}_{c}"] = body[r][c]
        cells[f"{r}_total"] = sum(body[r])
        groups.append(Group(f"{r}_total", tuple(f"{r}_{c}" for c in range(columns))))
    for c in range(columns):
        cells[f"total_{c}"] = sum(body[r][c] for r in range(rows))
        groups.append(Group(f"total_{c}", tuple(f"{r}_{c}" for r in range(rows))))
    cells["total_total"] = sum(cells[f"{r}_total"] for r in range(rows))
    groups.append(Group("total_total", tuple(f"{r}_total" for r in range(rows))))
    groups.append(Group("total_total", tuple(f"total_{c}" for c in range(columns))))
    return cells, groups


@PROPERTY_SETTINGS
@given(two_way_tables())
def test_property_two_way_tables_are_protected(table):
    cells, groups = table
    answer = _protect(cells, groups)
    prefixed = [
        Group(f"t.{g.total}", tuple(f"t.{m}" for m in g.members), g.exhaustive) for g in groups
    ]
    check_protected(answer, {f"t.{k}": v for k, v in cells.items()}, prefixed)


# Property: random caseloads shaped like a dashboard ----------------------------------------------

CODES = ("hot_work", "hygiene_passport", "forklift")
STATUSES = tuple(Participant.Status.values)
CONTRACTS = tuple(Outcome.ContractType.values)
TREND = 24

persons = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUSES[:3]) | st.sampled_from(STATUSES),
        "levels": st.fixed_dictionaries(
            {skill: st.none() | st.sampled_from(dashboards.CEFR_LEVELS[:3]) for skill in SKILLS}
        ),
        "assessed": st.booleans(),
        "trained": st.booleans(),
        "matched": st.booleans(),
        "kinds": st.frozensets(st.sampled_from(tuple(Outcome.Kind.values))),
        "contract": st.none() | st.sampled_from(CONTRACTS[:2]) | st.sampled_from(CONTRACTS),
        "enrolled_month": st.integers(-1, TREND - 1) | st.sampled_from([TREND - 3, TREND - 2]),
        "employed_month": st.integers(-1, TREND - 1) | st.sampled_from([TREND - 2]),
        "exited_month": st.integers(-1, TREND - 1),
        "cards": st.frozensets(st.sampled_from(CODES)),
        "training": st.fixed_dictionaries(
            {code: st.sampled_from([None, "failed", "passed", "both"]) for code in CODES}
        ),
        "unmet": st.frozensets(st.sampled_from(CODES[:2])),
        "overdue": st.frozensets(st.sampled_from(tuple(Rule))),
    }
)


def raw_dashboard(people: list[dict[str, Any]], matches: dict[str, int]) -> dict[str, Any]:
    """The unsuppressed dashboard of ``people``, computed in Python (the oracle)."""
    employed = [p for p in people if p["kinds"] & {"employment", "self_employment"}]
    exited = [p for p in people if p["status"] == "exited"]
    training = {code: Counter(p["training"][code] for p in people) for code in CODES}
    return {
        "funnel": {
            "enrolled": len(people),
            "assessed": sum(p["assessed"] for p in people),
            "trained": sum(p["trained"] for p in people),
            "matched": sum(p["matched"] for p in people),
            "employed": len(employed),
        },
        "participants_by_status": {s: sum(p["status"] == s for p in people) for s in STATUSES},
        "language_levels": {
            skill: {
                **{
                    lvl: sum(p["levels"][skill] == lvl for p in people)
                    for lvl in dashboards.CEFR_LEVELS
                },
                "not_assessed": sum(p["levels"][skill] is None for p in people),
            }
            for skill in SKILLS
        },
        "licence_cards_by_type": {code: sum(code in p["cards"] for p in people) for code in CODES},
        "training_pass_rates": {
            code: {
                "finished": len(people) - training[code][None],
                "passed": training[code]["passed"] + training[code]["both"],
                "rate": (training[code]["passed"] + training[code]["both"])
                / (len(people) - training[code][None])
                if len(people) - training[code][None]
                else None,
            }
            for code in CODES
        },
        "matches_by_status": {s: matches.get(s, 0) for s in Match.Status.values},
        "outcomes_by_kind": {
            "employment": sum("employment" in p["kinds"] for p in people),
            "self_employment": sum(
                p["kinds"] >= {"self_employment"} and "employment" not in p["kinds"] for p in people
            ),
            "education": sum(p["kinds"] == frozenset({"education"}) for p in people),
        },
        "outcomes_by_contract_type": {
            c: sum(p["contract"] == c for p in employed) for c in CONTRACTS
        },
        "median_days_to_employment": 30 if employed else None,
        "monthly_trend": [
            {
                "month": f"m{i}",
                "enrolled": sum(p["enrolled_month"] == i for p in people),
                "employed": sum(p["employed_month"] == i for p in employed),
                "exited": sum(p["exited_month"] == i for p in exited),
            }
            for i in range(TREND)
        ],
        "unmet_licence_demand": {
            code: sum(code in p["unmet"] for p in people) for code in CODES[:2]
        },
        "deadlines": {rule.value: sum(rule in p["overdue"] for p in people) for rule in Rule},
    }


@pytest.mark.slow  # CI runs it once (the SQLite run); make test-fast leaves it out
@PROPERTY_SETTINGS
@given(
    st.lists(persons, max_size=30),
    st.dictionaries(st.sampled_from(tuple(Match.Status.values)), st.integers(0, 12)),
)
def test_property_dashboards_are_protected(people, matches):
    raw = raw_dashboard(people, matches)
    median_population = len([p for p in people if p["kinds"] & {"employment", "self_employment"}])
    answer = dashboards.protect_dashboard(copy.deepcopy(raw), median_population=median_population)

    cells = suppression.count_cells(raw, dashboards.COUNT_SECTIONS)
    check_protected(answer, cells, dashboards.dashboard_groups(raw))
    hidden = set(answer["suppressed_cells"])
    for code, rates in raw["training_pass_rates"].items():
        path = f"training_pass_rates.{code}"
        shown = answer["training_pass_rates"][code]["rate"]
        if rates["finished"] >= 5 and not {f"{path}.finished", f"{path}.passed"} & hidden:
            assert shown == rates["rate"]
        else:
            assert shown is None
            assert (f"{path}.rate" in hidden) == (rates["finished"] > 0)
    if 0 < median_population < 5:
        assert answer["median_days_to_employment"] is None
        assert "median_days_to_employment" in hidden


# Property: random caseloads shaped like the ESF+ report ------------------------------------------

esf_persons = st.fixed_dictionaries(
    {
        "gender": st.sampled_from(("female", "male"))
        | st.sampled_from(tuple(esf.GENDER_COLUMNS.values())),
        "labour_market_status": st.sampled_from(
            ("unemployed", "long_term_unemployed", "inactive", "employed")
        ),
        "age": st.integers(15, 70),
        "education_level": st.none() | st.integers(0, 8),
        "citizenship": st.sampled_from(("", "FI", "EE", "SY", "IQ", "XX", "NO", "UA")),
        "entered": st.booleans() | st.just(True),
        "exited": st.booleans(),
        "follow_up_4_weeks": st.sampled_from(
            ("", "employed", "job_seeking", "in_education", "inactive")
        ),
        "follow_up_6_months": st.sampled_from(("", "employed", "unknown")),
        "qualified": st.booleans(),
    }
)

_ENTRY_TESTS = {
    "total_participants": lambda p: True,
    "unemployed": lambda p: p["labour_market_status"] in ("unemployed", "long_term_unemployed"),
    "long_term_unemployed": lambda p: p["labour_market_status"] == "long_term_unemployed",
    "inactive": lambda p: p["labour_market_status"] == "inactive",
    "employed": lambda p: p["labour_market_status"] == "employed",
    "under_18": lambda p: p["age"] < 18,
    "aged_18_29": lambda p: 18 <= p["age"] <= 29,
    "aged_55_plus": lambda p: p["age"] >= 55,
    "isced_0_2": lambda p: p["education_level"] is not None and p["education_level"] <= 2,
    "isced_3_4": lambda p: p["education_level"] in (3, 4),
    "isced_5_8": lambda p: p["education_level"] is not None and p["education_level"] >= 5,
    "third_country_nationals": lambda p: p["citizenship"] not in ("", "FI", "EE", "NO"),
    "foreign_background": lambda p: True,
}
_EXIT_TESTS = {
    "job_searching_upon_leaving": lambda p: p["follow_up_4_weeks"] == "job_seeking",
    "in_education_upon_leaving": lambda p: p["follow_up_4_weeks"] == "in_education",
    "qualification_upon_leaving": lambda p: p["qualified"],
    "employed_upon_leaving": lambda p: p["follow_up_4_weeks"] == "employed",
    "employed_six_months_after_leaving": lambda p: p["follow_up_6_months"] == "employed",
}


def raw_report(people: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for indicator in esf.INDICATORS:
        if indicator.stage == "entry":
            test, group = _ENTRY_TESTS[indicator.key], [p for p in people if p["entered"]]
        else:
            test, group = _EXIT_TESTS[indicator.key], [p for p in people if p["exited"]]
        row: dict[str, Any] = {"indicator": indicator.key, "code": indicator.code}
        for column, gender in esf.GENDER_COLUMNS.items():
            row[column] = sum(1 for p in group if p["gender"] == gender and test(p))
        row["total"] = sum(row[column] for column in esf.GENDER_COLUMNS)
        rows.append(row)
    return {"columns": list(esf.COLUMNS), "rows": rows}


@PROPERTY_SETTINGS
@given(st.lists(esf_persons, max_size=40))
def test_property_esf_reports_are_protected(people):
    raw = raw_report(people)
    answer = esf.protect_report(copy.deepcopy(raw))
    check_protected(answer, suppression.count_cells(raw, ("rows",)), esf.report_groups())
    assert answer["suppression_rule"] == suppression.RULE
