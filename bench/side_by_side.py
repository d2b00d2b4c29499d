"""Polku side by side with a bare implementation of the same work (issue 15), in one invocation,
interleaved round by round:

- ``list`` and ``detail``: Polku (``config.wsgi``) against ``bench.bare_app`` (psycopg2 + orjson,
  no framework), both checking the bearer token, resolving the scope, reading the page and the
  count (or the participant) and writing the same read-access-log rows; the answers are compared
  first (identical JSON, or the run stops);
- ``post`` and ``patch``: Polku against ``bench.plain_drf`` (a ModelViewSet over the same table,
  the same history row).

    .venv/bin/python -m bench.side_by_side \\
        --database-url postgres://postgres@127.0.0.1:5432/polku_bench_100k \\
        [--workers 4] [--concurrency 8] [--rounds 3] [--duration 8] [--warmup 2]

Each system runs under its own gunicorn (sync workers, 127.0.0.1, a free port). In every round
each endpoint runs on each of its two systems in turn (the order alternates between rounds), so
both see the same load from the rest of the machine. For each it reports req/s, p50, p99 and the
server CPU per request (gunicorn workers + this database's backends, from /proc), summed over the
rounds, and the ratio Polku / baseline. Needs ``bench.synthetic`` data (``bench.counsellor``);
the writes create participants (last name ``Zz-bench-side``) and change their phone numbers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.api import (
    PASSWORD,
    USERNAME,
    CpuProbe,
    _free_port,
    _percentile,
    _server_environment,
    stop_gunicorn,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGETS = {"list": 1.5, "detail": 1.5, "post": 1.3, "patch": 1.3}
MAX_DURATION = 120.0


# Servers ------------------------------------------------------------------------------------------


def start(app: str, settings: str, database_url: str, workers: int) -> tuple[Any, int]:
    port = _free_port()
    environment = _server_environment(database_url)
    environment["DJANGO_SETTINGS_MODULE"] = settings
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--keep-alive",
        "75",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"{app} exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            connection.getresponse().read()
            return server, port
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"{app} did not answer within 60 s")


def request(
    port: int, method: str, path: str, token: str, body: Any = None, headers: Any = None
) -> tuple[int, dict[str, str], Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    all_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    all_headers.update(headers or {})
    connection.request(method, path, body=json.dumps(body) if body is not None else None,
                       headers=all_headers)  # fmt: skip
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), json.loads(payload) if payload else None


def login(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"username": USERNAME, "password": PASSWORD})
    connection.request("POST", "/api/v1/auth/token/", body=body,
                       headers={"Content-Type": "application/json"})  # fmt: skip
    response = connection.getresponse()
    payload = json.loads(response.read())
    if response.status != 201:
        raise SystemExit(f"login answered {response.status}: {payload}")
    return str(payload["token"])


# Load ---------------------------------------------------------------------------------------------


def new_participant(municipality: str, index: int) -> dict[str, Any]:
    return {
        "municipality": municipality,
        "first_name": f"Bench{index}",
        "last_name": "Zz-bench-side",
        "date_of_birth": "1990-01-01",
        "gender": "female",
        "labour_market_status": "unemployed",
        "phone": "+358401234567",
        "enrolled_on": time.strftime("%Y-%m-%d"),
    }


def _client_process(
    port: int,
    token: str,
    kind: str,
    work: list[Any],
    warmup_until: float,
    stop_at: float,
    seed: int,
) -> dict[str, Any]:
    """``len(work)`` keep-alive connections in a closed loop. ``work`` per connection: a list of
    paths (GET), a (path, municipality) pair (POST) or a [path, version] pair (PATCH)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    answered = [0]

    def worker(index: int, item: Any) -> None:
        rng = random.Random(seed * 1000 + index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        count = 0
        mine: list[float] = []
        my_statuses: dict[int, int] = {}
        while time.perf_counter() < stop_at:
            body = None
            extra: dict[str, str] = {}
            if kind in ("list", "detail"):
                method, path = "GET", item[rng.randrange(len(item))]
            elif kind == "post":
                method, path = "POST", item[0]
                body = json.dumps(new_participant(item[1], seed * 1000 + index))
            else:
                method, path = "PATCH", item[0]
                count += 1
                body = json.dumps({"phone": f"+35840{seed:02d}{index:02d}{count % 1000:03d}"})
                extra = {"If-Match": f'"{item[1]}"'}
            started = time.perf_counter()
            connection.request(method, path, body=body, headers={**headers, **extra})
            response = connection.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - started
            if kind == "patch" and response.status == 200:
                item[1] = json.loads(payload)["version"]
            with lock:
                answered[0] += 1
            if started >= warmup_until:
                mine.append(elapsed)
                my_statuses[response.status] = my_statuses.get(response.status, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for status, n in my_statuses.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=worker, args=(i, item)) for i, item in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "statuses": statuses, "answered": answered[0]}


def drive(
    port: int, token: str, kind: str, work: list[Any], probe: Any, warmup: float, duration: float
) -> dict[str, Any]:
    """One timed run: CPU of the server side over the whole run (warm-up included) per answer."""
    processes = 2 if len(work) > 1 else 1
    shares = [work[i::processes] for i in range(processes)]
    before = probe()
    start_at = time.perf_counter() + 2.0
    warmup_until = start_at + warmup
    stop_at = warmup_until + min(duration, MAX_DURATION)
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        results = pool.starmap(
            _client_process,
            [(port, token, kind, share, warmup_until, stop_at, seed)
             for seed, share in enumerate(shares)],
        )  # fmt: skip
    after = probe()
    answered = sum(r["answered"] for r in results)
    statuses: dict[int, int] = {}
    for r in results:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    cpu = sum(after.values()) - sum(before.values())
    return {
        "latencies": sorted(v for r in results for v in r["latencies"]),
        "answered": answered,
        "cpu_seconds": cpu,
        "app_cpu_seconds": after["app"] - before["app"],
        "seconds": duration,
        "statuses": statuses,
    }


# Checks -------------------------------------------------------------------------------------------


def _without_host(body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("next"), str):
        body = {**body, "next": body["next"].split("/api/", 1)[1]}
    return body


def verify_identical(polku: int, bare: int, token: str, ids: list[str]) -> int:
    paths = ["/api/v1/participants/?page_size=50", *(f"/api/v1/participants/{i}/" for i in ids)]
    for path in paths:
        a = request(polku, "GET", path, token)
        b = request(bare, "GET", path, token)
        if a[0] != 200 or a[0] != b[0] or _without_host(a[2]) != _without_host(b[2]):
            raise SystemExit(
                f"Polku and the bare app answer {path} differently:\n"
                f"{str((a[0], a[2]))[:1500]}\n{str((b[0], b[2]))[:1500]}"
            )
    return len(paths)


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


# Main ---------------------------------------------------------------------------------------------


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = sorted(v for run in runs for v in run["latencies"])
    answered = sum(run["answered"] for run in runs)
    seconds = sum(run["seconds"] for run in runs)
    statuses: dict[str, int] = {}
    for run in runs:
        for status, n in run["statuses"].items():
            statuses[str(status)] = statuses.get(str(status), 0) + n
    return {
        "rps": len(latencies) / seconds if seconds else 0.0,
        "p50_ms": _percentile(latencies, 0.5) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "cpu_ms_per_request": sum(r["cpu_seconds"] for r in runs) / answered * 1000,
        "app_cpu_ms_per_request": sum(r["app_cpu_seconds"] for r in runs) / answered * 1000,
        "requests": len(latencies),
        "statuses": statuses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--only", nargs="*", choices=list(TARGETS), default=list(TARGETS))
    options = parser.parse_args(argv)
    if not options.database_url or not options.database_url.startswith("postgres"):
        raise SystemExit("--database-url postgres://… (a bench.synthetic database)")
    servers = {
        "polku": start("config.wsgi:application", "config.settings.base", options.database_url,
                       options.workers),
        "bare": start("bench.bare_app:application", "config.settings.base",
                      options.database_url, options.workers),
        "plain_drf": start("config.wsgi:application", "bench.plain_settings",
                           options.database_url, options.workers),
    }  # fmt: skip
    try:
        return run(options, {name: port for name, (_, port) in servers.items()},
                   {name: CpuProbe(server.pid, options.database_url)
                    for name, (server, _) in servers.items()})  # fmt: skip
    finally:
        for server, _ in servers.values():
            stop_gunicorn(server)


def run(options: Any, ports: dict[str, int], probes: dict[str, Any]) -> int:
    token = login(ports["polku"])
    first = request(ports["polku"], "GET", "/api/v1/participants/?page_size=200", token)[2]
    ids = [row["id"] for row in first["results"]]
    municipality = first["results"][0]["municipality"]
    checked = verify_identical(ports["polku"], ports["bare"], token, ids[:5])
    print(f"answers identical on {checked} requests (list page and details)")
    detail_paths = [f"/api/v1/participants/{i}/" for i in ids]
    list_paths = ["/api/v1/participants/?page_size=50"]
    patch_targets: dict[str, list[list[Any]]] = {}
    for system, prefix in (
        ("polku", "/api/v1/participants/"),
        ("plain_drf", "/plain/participants/"),
    ):
        targets = []
        for index in range(options.concurrency):
            status, _, body = request(
                ports[system], "POST", prefix, token, new_participant(municipality, index)
            )
            if status != 201:
                raise SystemExit(f"{system} POST answered {status}: {body}")
            targets.append([f"{prefix}{body['id']}/", body["version"]])
        patch_targets[system] = targets
    plan = {
        "list": ("bare", [list_paths] * options.concurrency),
        "detail": ("bare", [detail_paths] * options.concurrency),
        "post": ("plain_drf", None),
        "patch": ("plain_drf", None),
    }
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    loads = []
    for round_number in range(options.rounds):
        loads.append(load_average())
        for kind in options.only:
            baseline, work = plan[kind]
            order = ["polku", baseline] if round_number % 2 == 0 else [baseline, "polku"]
            for system in order:
                if kind == "post":
                    prefix = (
                        "/api/v1/participants/" if system == "polku" else "/plain/participants/"
                    )
                    work = [(prefix, municipality)] * options.concurrency
                elif kind == "patch":
                    work = patch_targets[system]
                result = drive(ports[system], token, kind, work, probes[system],
                               options.warmup, options.duration)  # fmt: skip
                if kind == "patch":  # the versions moved on: read them again
                    for target in patch_targets[system]:
                        status, headers, body = request(ports[system], "GET", target[0], token) \
                            if system == "polku" else (200, {}, None)  # fmt: skip
                        if system == "polku" and status == 200:
                            target[1] = body["version"]
                runs.setdefault((kind, system), []).append(result)
                print(f"round {round_number + 1} {kind:6} {system:9} "
                      f"{result['answered']:6} answers, statuses {result['statuses']}")  # fmt: skip
    report = {"database": options.database_url.rsplit("/", 1)[1], "load_average": loads,
              "workers": options.workers, "concurrency": options.concurrency,
              "rounds": options.rounds, "duration": options.duration, "endpoints": {}}  # fmt: skip
    print(f"\nload average at each round: {', '.join(loads)}")
    print(f"{'endpoint':8} {'system':10} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'CPU ms/req':>10} {'app ms/req':>10}")  # fmt: skip
    failed = False
    for kind in options.only:
        baseline = plan[kind][0]
        summary = {system: summarise(runs[(kind, system)]) for system in ("polku", baseline)}
        for system, s in summary.items():
            print(f"{kind:8} {system:10} {s['rps']:7.1f} {s['p50_ms']:8.1f} {s['p99_ms']:8.1f} "
                  f"{s['cpu_ms_per_request']:10.2f} {s['app_cpu_ms_per_request']:10.2f}")  # fmt: skip
        ratio = summary["polku"]["cpu_ms_per_request"] / summary[baseline]["cpu_ms_per_request"]
        verdict = "meets" if ratio <= TARGETS[kind] else "MISSES"
        failed |= ratio > TARGETS[kind]
        print(f"{kind:8} ratio Polku / {baseline}: {ratio:.2f}× server CPU per request "
              f"({verdict} the ≤ {TARGETS[kind]}× target)")  # fmt: skip
        report["endpoints"][kind] = {**summary, "ratio": ratio, "target": TARGETS[kind]}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"side-by-side-{report['database']}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
