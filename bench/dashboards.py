"""Dashboards at scale (docs/performance.md: a municipality dashboard ≤ 100 ms, the whole-pilot
dashboard ≤ 50 ms at 1M participants, rollups allowed).

    .venv/bin/python -m bench.dashboards --database-url postgres://postgres@127.0.0.1:5432/polku_bench_1m \\
        [--runs 20] [--warmup 3] [--live-runs 3] [--municipality 179 ...] [--explain]

Needs a database filled by ``bench/synthetic.py``. In this process, against that database:

1. municipality dashboards, live (``reporting.dashboards.municipality_dashboard``): the largest
   municipality, the one of median size and the smallest (or those named with
   ``--municipality``), each ``--warmup`` times untimed and then ``--runs`` times;
2. the same through the API (``GET /api/v1/municipalities/{code}/dashboard/``, Django's test
   client with a real bearer token of ``bench.coordinator``: authentication,
   scope, rendering included; no network);
3. the whole-pilot view: the live recompute (``pilot_dashboard``, ``--live-runs`` times, which is
   what ``manage.py refresh_dashboards`` does), then reads from the rollup, as the selector and
   through ``GET /api/v1/dashboard/``;
4. the number of queries of each, which must not depend on the data;
5. with ``--explain``: ``EXPLAIN (ANALYZE, BUFFERS)`` of every query of the largest
   municipality's dashboard, slowest first.

It writes the rollup (derived data; ``refresh_dashboards`` would do the same) and a bearer token
per bench user; nothing else. Prints a table and writes the figures as JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGETS = {"municipality": 100.0, "pilot": 50.0}


def setup_django(database_url: str | None) -> None:
    from django.apps import apps

    if apps.ready:
        return
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def _timed(function: Callable[[], Any], runs: int, warmup: int) -> dict[str, float]:
    for _ in range(warmup):
        function()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "runs": runs,
        "min_ms": round(timings[0], 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))], 1),
        "max_ms": round(timings[-1], 1),
        "mean_ms": round(statistics.fmean(timings), 1),
    }


def _queries(function: Callable[[], Any]) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        function()
    return list(context.captured_queries)


def _client(username: str) -> Any:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from api.authentication import token_issue

    user = get_user_model().objects.get(username=username)
    token, _ = token_issue(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _get(client: Any, path: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(
                f"GET {path} answered {response.status_code}: {response.content[:300]}"
            )
        return response

    return call


def _pick_municipalities(codes: Sequence[str]) -> list[tuple[str, Any, int]]:
    from django.db.models import Count

    from municipalities.models import Municipality

    sizes = list(
        Municipality.objects.annotate(size=Count("participants"))
        .order_by("-size", "code")
        .values_list("code", "size")
    )
    by_code = dict(sizes)
    if codes:
        chosen = [("given", code) for code in codes]
    else:
        from django.conf import settings

        live = [code for code, size in sizes if size < settings.POLKU_DASHBOARD_LIVE_LIMIT]
        chosen = [
            ("largest", sizes[0][0]),
            ("largest live", live[0] if live else sizes[-1][0]),
            ("median", sizes[len(sizes) // 2][0]),
            ("smallest", sizes[-1][0]),
        ]
    return [
        (label, Municipality.objects.get(code=code), by_code.get(code, 0)) for label, code in chosen
    ]


def _explain(sqls: list[str]) -> list[tuple[float, str, str]]:
    """EXPLAIN ANALYZE each SELECT as the dashboard runs it (serial plans)."""
    from django.db import connection

    from reporting.dashboard_sql import serial_plans

    plans = []
    with serial_plans(), connection.cursor() as cursor:
        for sql in sqls:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            total = float(plan.rsplit("Execution Time:", 1)[1].split("ms")[0])
            plans.append((total, sql, plan))
    return sorted(plans, reverse=True)


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    setup_django(arguments.database_url)
    from django.conf import settings
    from django.db import connection

    from casework.models import Participant
    from reporting.dashboards import municipality_dashboard, pilot_dashboard
    from reporting.models import DashboardRollup
    from reporting.rollups import municipality_key, pilot_dashboard_precomputed, refresh_rollups

    participants = Participant.objects.count()
    if not participants:
        raise SystemExit("The database holds no participants: fill it with bench/synthetic.py.")
    database = settings.DATABASES["default"]
    results: dict[str, Any] = {
        "database": database.get("NAME"),
        "vendor": connection.vendor,
        "participants": participants,
        "at": datetime.datetime.now(datetime.UTC).isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "targets_ms": TARGETS,
        "municipalities": [],
    }
    staff = _client("bench.coordinator")
    # What the scheduler keeps fresh: the pilot and every municipality at or above the limit.
    started = time.perf_counter()
    refreshed = refresh_rollups()
    results["refresh"] = {
        "rollups": len(refreshed),
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "live_limit": settings.POLKU_DASHBOARD_LIVE_LIMIT,
    }
    print(
        f"refresh_dashboards: {len(refreshed)} rollups in {results['refresh']['ms']} ms",
        file=sys.stderr,
    )

    for label, municipality, size in _pick_municipalities(arguments.municipality):
        selector = lambda m=municipality: municipality_dashboard(m)  # noqa: E731
        api = _get(staff, f"/api/v1/municipalities/{municipality.code}/dashboard/")
        entry = {
            "label": label,
            "code": municipality.code,
            "participants": size,
            "queries": len(_queries(selector)),
            "selector": _timed(selector, arguments.runs, arguments.warmup),
            "api": _timed(api, arguments.runs, arguments.warmup),
            "api_serves": "rollup"
            if DashboardRollup.objects.filter(key=municipality_key(municipality)).exists()
            else "live",
        }
        results["municipalities"].append(entry)
        print(
            f"municipality {municipality.code} ({label}, {size} participants): "
            f"selector p50 {entry['selector']['p50_ms']} ms, api p50 {entry['api']['p50_ms']} ms",
            file=sys.stderr,
        )

    started = time.perf_counter()
    refresh_rollups()
    first_refresh = (time.perf_counter() - started) * 1000
    results["pilot_live"] = {
        "queries": len(_queries(pilot_dashboard)),
        "selector": _timed(pilot_dashboard, arguments.live_runs, 0),
        "first_refresh_ms": round(first_refresh, 1),
    }
    print(f"pilot live p50 {results['pilot_live']['selector']['p50_ms']} ms", file=sys.stderr)
    refresh_rollups()
    coordinator = _client("bench.coordinator")
    results["pilot_rollup"] = {
        "queries": len(_queries(pilot_dashboard_precomputed)),
        "selector": _timed(pilot_dashboard_precomputed, arguments.runs, arguments.warmup),
        "api": _timed(_get(coordinator, "/api/v1/dashboard/"), arguments.runs, arguments.warmup),
    }

    if arguments.explain and connection.vendor == "postgresql":
        largest = results["municipalities"][0]["code"]
        from municipalities.models import Municipality

        municipality = Municipality.objects.get(code=largest)
        sqls = [q["sql"] for q in _queries(lambda: municipality_dashboard(municipality))]
        results["explain"] = [
            {"ms": ms, "sql": sql, "plan": plan} for ms, sql, plan in _explain(sqls)
        ]
    return results


def report(results: dict[str, Any]) -> str:
    lines = [
        f"Dashboards on {results['database']} ({results['vendor']}, "
        f"{results['participants']:,} participants)",
        f"{'what':<44} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target",
    ]

    def line(name: str, queries: int, timing: dict[str, float], target: float | None) -> None:
        verdict = ""
        if target is not None:
            verdict = f"≤ {target:.0f} ms {'met' if timing['p95_ms'] <= target else 'MISSED'}"
        lines.append(
            f"{name:<44} {queries:>7} {timing['p50_ms']:>8} {timing['p95_ms']:>8} "
            f"{timing['max_ms']:>8}  {verdict}"
        )

    for entry in results["municipalities"]:
        name = f"municipality {entry['code']} ({entry['label']}, {entry['participants']:,})"
        line(f"{name} selector", entry["queries"], entry["selector"], None)
        line(
            f"{name} API ({entry['api_serves']})",
            entry["queries"],
            entry["api"],
            TARGETS["municipality"],
        )
    refresh = results["refresh"]
    lines.append(
        f"refresh_dashboards: {refresh['rollups']} rollups (pilot + municipalities with ≥ "
        f"{refresh['live_limit']:,} participants) in {refresh['ms']:,.0f} ms"
    )
    live = results["pilot_live"]
    line("pilot live recompute (refresh_dashboards)", live["queries"], live["selector"], None)
    rollup = results["pilot_rollup"]
    line("pilot from rollup, selector", rollup["queries"], rollup["selector"], None)
    line("pilot from rollup, API", rollup["queries"], rollup["api"], TARGETS["pilot"])
    for plan in results.get("explain", [])[:3]:
        lines += ["", f"EXPLAIN ANALYZE ({plan['ms']} ms):", plan["sql"][:400] + " …", plan["plan"]]
    return "\n".join(lines)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboards", description=__doc__)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else the settings")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--live-runs", type=int, default=3)
    parser.add_argument(
        "--municipality", action="append", default=[], help="a code to time (repeatable)"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE (PostgreSQL)")
    arguments = parser.parse_args(argv)
    if not 1 <= arguments.runs <= 1000 or not 1 <= arguments.live_runs <= 50:
        parser.error("--runs is 1–1000 and --live-runs 1–50")
    return arguments


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    arguments = parse_arguments(argv)
    results = run(arguments)
    print(report(results))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"dashboards-{results['database']}-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nWritten to {path.relative_to(ROOT)}")
    return results


if __name__ == "__main__":
    main()
