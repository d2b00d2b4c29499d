"""Participant list and detail under gunicorn: latency (p50/p95/p99), throughput and query counts,
plus the cost of audit history on a write (docs/performance.md).

    .venv/bin/python -m bench.api --database-url postgres://postgres@127.0.0.1:5432/polku_bench_100k \\
        [--concurrency 8] [--duration 20] [--workers 4]

Needs a database filled by ``bench/synthetic.py`` (it logs in as ``bench.counsellor``, password
``bench-pass``). What it does, all on this machine:

1. starts gunicorn (``config.wsgi``, sync workers, bound to 127.0.0.1 on a free port) with
   ``DATABASE_URL``, ``DEBUG=0`` and a user throttle high enough never to answer 429;
2. obtains a bearer token through ``POST /api/v1/auth/token/``: every request is authenticated,
   and every read appends to Polku's read-access log, as in production;
3. picks participants of the counsellor's municipalities spread over the table;
4. for each endpoint, a closed-loop load generator (``--client-processes`` processes with
   ``--concurrency`` keep-alive ``http.client`` connections in all, to 127.0.0.1 only) warms up
   for ``--warmup`` seconds, then measures for ``--duration`` seconds or ``--max-requests``
   requests, whichever comes first, and stops;
   - ``list``: ``GET /api/v1/participants/?page_size=50`` (the first page, by last name);
   - ``detail``: ``GET /api/v1/participants/{id}/`` over the picked participants;
5. counts the queries of one list and one detail request in-process (Django test client with
   ``CaptureQueriesContext``, same database, same token), and of a list page of 1 row to check
   that a page's query count does not grow with its size;
6. times ``--audit-writes`` calls of ``casework.services.participant_update`` (a PATCH's service
   call: re-read, version claim, save, one history row, one commit) with history on, and the
   same calls with simple-history switched off (``SIMPLE_HISTORY_ENABLED=False``, its documented
   global switch, only inside this process), alternating write by write; then the same change as
   whole PATCH requests (in-process test client), history on and off. The writes go to participants
   the benchmark creates itself (last name ``Zz-bench-audit``, reused by later runs); the writes
   made with history off leave those rows without history for that change, so run it only on a
   benchmark database (``--skip-audit`` leaves the database alone apart from tokens and the
   read-access log).

It prints one table and writes the same figures as JSON to ``bench/results/`` (git-ignored).
The load generator shares the machine with gunicorn and PostgreSQL, as in docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import multiprocessing
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
USERNAME = "bench.counsellor"
PASSWORD = "bench-pass"
LIST_PATH = "/api/v1/participants/?page_size=50"
TARGETS = {
    "list": "p99 ≤ 40 ms at ≥ 400 req/s",
    "detail": "p99 ≤ 30 ms",
    "audit": "history adds ≤ 30 % to a write",
}
#: Hard bounds, whatever the options say.
MAX_DURATION = 300.0
MAX_REQUESTS = 2_000_000


# Load generator -----------------------------------------------------------------------------------


def _client_process(
    port: int,
    token: str,
    paths: list[str],
    connections: int,
    warmup_until: float,
    stop_at: float,
    max_requests: int,
    seed: int,
) -> dict[str, Any]:
    """One load-generator process: ``connections`` threads, each a keep-alive connection that
    sends the next request as soon as the previous answer is read (closed loop)."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()
    counter = {"sent": 0, "answered": 0}
    cpu_started = time.process_time()

    def worker(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local_latencies: list[float] = []
        local_statuses: dict[int, int] = {}
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                break
            with lock:
                if counter["sent"] >= max_requests:
                    break
                counter["sent"] += 1
            path = paths[rng.randrange(len(paths))]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(f"{type(error).__name__}: {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                counter["answered"] += 1
            if started >= warmup_until:
                local_latencies.append(elapsed)
                local_statuses[response.status] = local_statuses.get(response.status, 0) + 1
        connection.close()
        with lock:
            latencies.extend(local_latencies)
            for status, count in local_statuses.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "latencies": latencies,
        "statuses": statuses,
        "errors": errors[:20],
        "answered": counter["answered"],
        "cpu_seconds": time.process_time() - cpu_started,
    }


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def drive(
    *,
    port: int,
    token: str,
    paths: list[str],
    concurrency: int,
    processes: int,
    warmup: float,
    duration: float,
    max_requests: int,
    cpu_probe: Any = None,
) -> dict[str, Any]:
    """Run the closed-loop load against 127.0.0.1:port and summarise the measured window.

    ``cpu_probe()`` returns the CPU seconds used so far by the server side (gunicorn workers,
    database backends); with it, the CPU cost per request is reported too, a figure that depends
    much less than latency on how busy the rest of the machine is."""
    cpu_before = cpu_probe() if cpu_probe else None
    processes = max(1, min(processes, concurrency))
    shares = [
        concurrency // processes + (1 if i < concurrency % processes else 0)
        for i in range(processes)
    ]
    # perf_counter is system-wide (CLOCK_MONOTONIC) on Linux, so the processes share deadlines.
    start = time.perf_counter() + 3.0  # spawned processes need a moment to start
    warmup_until = start + warmup
    stop_at = warmup_until + duration
    # spawn, not fork: no database connection of this process is inherited by the clients.
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        results = pool.starmap(
            _client_process,
            [
                (port, token, paths, share, warmup_until, stop_at, max_requests, seed)
                for seed, share in enumerate(shares)
            ],
        )
    latencies = sorted(value for result in results for value in result["latencies"])
    statuses: dict[int, int] = {}
    for result in results:
        for status, count in result["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    errors = [error for result in results for error in result["errors"]]
    measured = len(latencies)
    answered = sum(result["answered"] for result in results)
    cpu: dict[str, float] = {}
    if cpu_before is not None and answered:
        cpu_after = cpu_probe()
        for part, seconds in cpu_after.items():
            cpu[f"{part}_ms_per_request"] = (seconds - cpu_before.get(part, 0.0)) / answered * 1000
        cpu["client_ms_per_request"] = (
            sum(result["cpu_seconds"] for result in results) / answered * 1000
        )
        total = sum(cpu.values())
        cpu["total_ms_per_request"] = total
        cpu["cpu_bound_capacity_rps_on_all_cores"] = (os.cpu_count() or 1) * 1000 / total
    return {
        "requests": measured,
        "seconds": duration,
        "throughput_rps": measured / duration if duration else 0.0,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p95_ms": _percentile(latencies, 0.95) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "max_ms": (latencies[-1] * 1000) if latencies else float("nan"),
        "mean_ms": (statistics.fmean(latencies) * 1000) if latencies else float("nan"),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": errors,
        "answered_including_warmup": answered,
        "cpu": cpu,
    }


# CPU accounting -----------------------------------------------------------------------------------

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime + stime


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


class CpuProbe:
    """CPU seconds of gunicorn's workers and of this database's other backends (Linux /proc;
    the database must run on this machine, as it does for the benchmark)."""

    def __init__(self, server_pid: int, database_url: str) -> None:
        self.server_pid = server_pid
        self.database_url = database_url
        self.seen: dict[str, dict[int, float]] = {"app": {}, "database": {}}

    def _backend_pids(self) -> list[int]:
        import psycopg2

        with psycopg2.connect(self.database_url) as connection, connection.cursor() as cursor:
            cursor.execute(
                "select pid from pg_stat_activity "
                "where datname = current_database() and pid <> pg_backend_pid()"
            )
            pids = [row[0] for row in cursor.fetchall()]
        connection.close()
        return pids

    def __call__(self) -> dict[str, float]:
        workers = [self.server_pid, *_children(self.server_pid)]
        backends = self._backend_pids() if self.database_url.startswith("postgres") else []
        totals = {}
        for part, pids in (("app", workers), ("database", backends)):
            for pid in pids:
                self.seen[part][pid] = _cpu_seconds(pid)
            totals[part] = sum(self.seen[part].values())
        return totals


# gunicorn -----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_environment(database_url: str) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "POLKU_THROTTLE_USER": "1000000000/hour",
            "POLKU_THROTTLE_TOKEN": "1000000/minute",
            "DB_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "ERROR",
        }
    )
    return environment


def start_gunicorn(database_url: str, workers: int, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        "sync",
        "--keep-alive",
        "75",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=_server_environment(database_url))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def obtain_token(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": USERNAME, "password": PASSWORD})
    connection.request(
        "POST", "/api/v1/auth/token/", body=body, headers={"Content-Type": "application/json"}
    )
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    if response.status != 201:
        raise SystemExit(f"POST /api/v1/auth/token/ answered {response.status}: {payload[:300]!r}")
    return str(json.loads(payload)["token"])


# In-process parts (Django set up against the same database) ---------------------------------------


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ["POLKU_THROTTLE_USER"] = "1000000000/hour"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def describe_database() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from casework.access import counsellor_municipality_ids
    from casework.models import Participant

    user = get_user_model().objects.filter(username=USERNAME).first()
    if user is None:
        raise SystemExit(f"{USERNAME} does not exist: fill the database with bench/synthetic.py")
    municipality_ids = sorted(counsellor_municipality_ids(user))
    info: dict[str, Any] = {
        "vendor": connection.vendor,
        "participants": Participant.objects.count(),
        "counsellor_municipalities": municipality_ids,
        "counsellor_participants": Participant.objects.filter(
            municipality_id__in=municipality_ids
        ).count(),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("select pg_database_size(current_database()), version()")
            size, version = cursor.fetchone()
        info["database_bytes"] = size
        info["server_version"] = version
    return info


def pick_participants(count: int, seed: int) -> list[str]:
    """Participants the counsellor may read, spread over the table (random points in the id
    range of the counsellor's participants, each the next participant at or after it)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Max, Min

    from casework.selectors import participant_list

    user = get_user_model().objects.get(username=USERNAME)
    scoped = participant_list(user=user).order_by("id")
    bounds = scoped.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        raise SystemExit(f"{USERNAME} has no participants to read")
    rng = random.Random(seed)
    picked: dict[str, None] = {}
    for _ in range(count * 2):
        point = rng.randint(bounds["low"], bounds["high"])
        found = scoped.filter(id__gte=point).values_list("uuid", flat=True).first()
        if found is not None:
            picked[str(found)] = None
        if len(picked) >= count:
            break
    return list(picked)


def count_queries(token: str, participant_id: str) -> dict[str, Any]:
    """Queries of one request each, through the Django test client against the same database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    result: dict[str, Any] = {}
    for name, path in (
        ("list", LIST_PATH),
        ("list_1_row", "/api/v1/participants/?page_size=1"),
        ("detail", f"/api/v1/participants/{participant_id}/"),
    ):
        client.get(path)  # warm the connection and caches first
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        result[name] = {
            "status": response.status_code,
            "queries": len(captured.captured_queries),
            "sql": [query["sql"][:500] for query in captured.captured_queries],
            "db_ms": round(
                sum(float(query["time"]) for query in captured.captured_queries) * 1000, 2
            ),
        }
    return result


AUDIT_LAST_NAME = "Zz-bench-audit"


def audit_participants(count: int) -> list[Any]:
    """The benchmark's own participants for the write test (created once, with history)."""
    from django.contrib.auth import get_user_model

    from casework import services
    from casework.access import counsellor_municipality_ids
    from casework.models import Participant
    from municipalities.models import Municipality

    user = get_user_model().objects.get(username=USERNAME)
    municipality = Municipality.objects.get(pk=min(counsellor_municipality_ids(user)))
    existing = list(
        Participant.objects.filter(municipality=municipality, last_name=AUDIT_LAST_NAME).order_by(
            "id"
        )[:count]
    )
    for index in range(len(existing), count):
        existing.append(
            services.participant_create(
                actor=user,
                municipality=municipality,
                first_name=f"Audit{index}",
                last_name=AUDIT_LAST_NAME,
                date_of_birth=datetime.date(1990, 1, 1),
                gender="undisclosed",
                labour_market_status="unemployed",
            )
        )
    return existing


def audit_overhead(writes: int, seed: int) -> dict[str, Any]:
    """``participant_update`` with history on against the same call with history off.

    The two kinds alternate write by write (in a random order within each pair), so that both
    meet the same machine; the switch itself happens outside the timed call."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import override_settings

    from casework import services
    from casework.models import Participant

    user = get_user_model().objects.get(username=USERNAME)
    participants = audit_participants(20)
    history_model = Participant.history.model
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {"history": [], "no_history": []}
    cpu: dict[str, list[float]] = {"history": [], "no_history": []}
    ids = [participant.pk for participant in participants]
    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("select pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]

    def cpu_now() -> float:
        database = _cpu_seconds(backend_pid) if backend_pid else 0.0
        return time.process_time() + database

    history_rows_before = history_model.objects.filter(id__in=ids).count()
    no_history = override_settings(SIMPLE_HISTORY_ENABLED=False)

    def one_write(index: int, mode: str | None = None) -> None:
        participant = participants[index % len(participants)]
        phone = f"+35840{rng.randrange(10**7):07d}"
        cpu_started = cpu_now()
        started = time.perf_counter()
        services.participant_update(
            actor=user,
            participant=participant,
            data={"phone": phone},
            reason="bench: audit overhead",
        )
        elapsed = time.perf_counter() - started
        if mode is not None:
            timings[mode].append(elapsed)
            cpu[mode].append(cpu_now() - cpu_started)

    for index in range(3 * len(participants)):  # warm-up, not measured
        one_write(index)
    for pair in range(max(1, writes // 2)):
        order = ["history", "no_history"]
        rng.shuffle(order)
        for position, mode in enumerate(order):
            index = 2 * pair + position
            if mode == "history":
                one_write(index, mode)
            else:
                no_history.enable()
                try:
                    one_write(index, mode)
                finally:
                    no_history.disable()
    # The same change as a whole PATCH request (authentication, selector, If-Match, service,
    # answer), through the Django test client in this process.
    from django.test import Client

    from api.authentication import token_issue

    token, _ = token_issue(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    versions = dict(Participant.objects.filter(id__in=ids).values_list("uuid", "version"))
    requests: dict[str, list[float]] = {"history": [], "no_history": []}

    def one_patch(index: int, mode: str | None) -> None:
        participant = participants[index % len(participants)]
        body = json.dumps({"phone": f"+35840{rng.randrange(10**7):07d}"})
        started = time.perf_counter()
        response = client.patch(
            f"/api/v1/participants/{participant.uuid}/",
            body,
            content_type="application/json",
            HTTP_IF_MATCH=f'"{versions[participant.uuid]}"',
        )
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"PATCH answered {response.status_code}: {response.content[:300]!r}")
        versions[participant.uuid] = int(response["ETag"].strip('"'))
        if mode is not None:
            requests[mode].append(elapsed)

    for index in range(2 * len(participants)):
        one_patch(index, None)
    for pair in range(max(1, writes // 2)):
        order = ["history", "no_history"]
        rng.shuffle(order)
        for position, mode in enumerate(order):
            if mode == "history":
                one_patch(2 * pair + position, mode)
            else:
                no_history.enable()
                try:
                    one_patch(2 * pair + position, mode)
                finally:
                    no_history.disable()
    history_rows_after = history_model.objects.filter(id__in=ids).count()

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        trimmed = ordered[len(ordered) // 10 : len(ordered) - len(ordered) // 10] or ordered
        return {
            "n": len(ordered),
            "median_ms": statistics.median(ordered) * 1000,
            "mean_ms": statistics.fmean(ordered) * 1000,
            "trimmed_mean_ms": statistics.fmean(trimmed) * 1000,
            "p95_ms": _percentile(ordered, 0.95) * 1000,
        }

    with_history = summary(timings["history"])
    without = summary(timings["no_history"])
    cpu_with = statistics.fmean(cpu["history"]) * 1000
    cpu_without = statistics.fmean(cpu["no_history"]) * 1000
    patch_with = summary(requests["history"])
    patch_without = summary(requests["no_history"])
    return {
        "patch_request_with_history": patch_with,
        "patch_request_without_history": patch_without,
        "overhead_patch_request_median_pct": (
            patch_with["median_ms"] / patch_without["median_ms"] - 1
        )
        * 100,
        "cpu_ms_with_history": cpu_with,
        "cpu_ms_without_history": cpu_without,
        "overhead_cpu_pct": (cpu_with / cpu_without - 1) * 100 if cpu_without else None,
        "service": "casework.services.participant_update (phone changed, own transaction)",
        "vendor": connection.vendor,
        "with_history": with_history,
        "without_history": without,
        "overhead_median_pct": (with_history["median_ms"] / without["median_ms"] - 1) * 100,
        "overhead_mean_pct": (with_history["mean_ms"] / without["mean_ms"] - 1) * 100,
        "overhead_trimmed_mean_pct": (
            with_history["trimmed_mean_ms"] / without["trimmed_mean_ms"] - 1
        )
        * 100,
        "history_rows_added": history_rows_after - history_rows_before,
        "writes_per_mode": {mode: len(values) for mode, values in timings.items()},
    }


# Report -------------------------------------------------------------------------------------------


def _row(cells: list[str], widths: list[int]) -> str:
    return (
        "| "
        + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        + " |"
    )


def print_report(result: dict[str, Any]) -> None:
    database = result["database"]
    print()
    print(
        f"Polku API benchmark — {database['participants']:,} participants "
        f"({database['counsellor_participants']:,} readable by {USERNAME}), "
        f"gunicorn {result['settings']['workers']} workers, "
        f"{result['settings']['concurrency']} connections, {result['settings']['duration']} s"
    )
    header = [
        "endpoint",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "queries",
        "CPU ms/req app+db+client",
        "CPU-bound req/s",
        "statuses",
        "target (§8)",
    ]
    rows = []
    for name in ("list", "detail"):
        load = result["load"].get(name)
        if load is None:
            continue
        queries = result.get("queries", {}).get(name, {}).get("queries", "–")
        cpu = load.get("cpu") or {}
        rows.append(
            [
                name,
                f"{load['throughput_rps']:.0f}",
                f"{load['p50_ms']:.1f}",
                f"{load['p95_ms']:.1f}",
                f"{load['p99_ms']:.1f}",
                f"{load['max_ms']:.1f}",
                str(queries),
                (
                    f"{cpu['app_ms_per_request']:.1f}+{cpu['database_ms_per_request']:.1f}"
                    f"+{cpu['client_ms_per_request']:.1f}"
                    if cpu
                    else "–"
                ),
                f"{cpu['cpu_bound_capacity_rps_on_all_cores']:.0f}" if cpu else "–",
                ", ".join(f"{k}×{v}" for k, v in load["statuses"].items()),
                TARGETS[name],
            ]
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print(_row(header, widths))
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for row in rows:
        print(_row(row, widths))
    queries = result.get("queries")
    if queries:
        print(
            f"queries per request: list page of 50 = {queries['list']['queries']}, "
            f"list page of 1 = {queries['list_1_row']['queries']}, "
            f"detail = {queries['detail']['queries']} (read-access log and authentication included)"
        )
    audit = result.get("audit")
    if audit:
        print(
            f"audit: participant_update median {audit['with_history']['median_ms']:.2f} ms with "
            f"history vs {audit['without_history']['median_ms']:.2f} ms without "
            f"→ +{audit['overhead_median_pct']:.1f} % (trimmed mean "
            f"+{audit['overhead_trimmed_mean_pct']:.1f} %; CPU app+db "
            f"{audit['cpu_ms_with_history']:.2f} vs {audit['cpu_ms_without_history']:.2f} ms "
            f"→ +{audit['overhead_cpu_pct']:.1f} %), "
            f"n = {audit['with_history']['n']} each; target: {TARGETS['audit']}"
        )
        print(
            f"audit: whole PATCH request (in-process) median "
            f"{audit['patch_request_with_history']['median_ms']:.2f} ms with history vs "
            f"{audit['patch_request_without_history']['median_ms']:.2f} ms without "
            f"→ +{audit['overhead_patch_request_median_pct']:.1f} %"
        )
    load_average = result.get("load_average_after")
    if load_average:
        print(
            "load average after the load runs: "
            + " ".join(f"{value:.2f}" for value in load_average)
            + f" on {os.cpu_count()} CPUs (other processes share the machine)"
        )
    print(f"results: {result['output']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--concurrency", type=int, default=8, help="connections in all (8)")
    parser.add_argument(
        "--duration", type=float, default=20.0, help="measured seconds per endpoint"
    )
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--client-processes", type=int, default=2, help="load-generator processes")
    parser.add_argument("--max-requests", type=int, default=500_000, help="per endpoint")
    parser.add_argument("--participants", type=int, default=1000, help="ids for the detail reads")
    parser.add_argument("--endpoints", default="list,detail", help="comma-separated: list,detail")
    parser.add_argument("--audit-writes", type=int, default=2000, help="half with, half without")
    parser.add_argument("--skip-audit", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    duration = min(max(args.duration, 1.0), MAX_DURATION)
    max_requests = min(args.max_requests, MAX_REQUESTS)
    endpoints = [name.strip() for name in args.endpoints.split(",") if name.strip()]

    setup_django(args.database_url)
    database = describe_database()
    participant_ids = pick_participants(args.participants, args.seed)
    print(
        f"database: {database['participants']:,} participants; {USERNAME} reads "
        f"{database['counsellor_participants']:,}; {len(participant_ids)} picked for detail reads",
        flush=True,
    )

    from django.db import connections

    connections.close_all()  # no open connection is inherited by the forked load generator

    port = _free_port()
    server = start_gunicorn(args.database_url, args.workers, port)
    load: dict[str, Any] = {}
    cpu_probe = CpuProbe(server.pid, args.database_url)
    try:
        token = obtain_token(port)
        paths = {
            "list": [LIST_PATH],
            "detail": [f"/api/v1/participants/{uuid}/" for uuid in participant_ids],
        }
        for name in endpoints:
            print(f"driving {name} for {args.warmup:.0f}+{duration:.0f} s …", flush=True)
            load[name] = drive(
                port=port,
                token=token,
                paths=paths[name],
                concurrency=args.concurrency,
                processes=args.client_processes,
                warmup=args.warmup,
                duration=duration,
                max_requests=max_requests,
                cpu_probe=cpu_probe,
            )
    finally:
        stop_gunicorn(server)

    result: dict[str, Any] = {
        "benchmark": "bench.api",
        "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "host": {
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "database_url": urllib.parse.urlsplit(args.database_url)._replace(netloc="").geturl(),
        "database": database,
        "settings": {
            "workers": args.workers,
            "concurrency": args.concurrency,
            "client_processes": args.client_processes,
            "duration": duration,
            "warmup": args.warmup,
            "list_path": LIST_PATH,
            "detail_participants": len(participant_ids),
        },
        "targets": TARGETS,
        "load": load,
        "load_average_after": os.getloadavg(),
    }
    result["queries"] = count_queries(token, participant_ids[0])
    if not args.skip_audit:
        print(f"timing {args.audit_writes} participant writes (history on / off) …", flush=True)
        result["audit"] = audit_overhead(args.audit_writes, seed=args.seed)

    RESULTS.mkdir(parents=True, exist_ok=True)
    name = urllib.parse.urlsplit(args.database_url).path.strip("/") or "database"
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    output = args.output or RESULTS / f"api-{name}-{stamp}.json"
    result["output"] = str(output)
    output.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    print_report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
