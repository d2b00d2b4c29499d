"""The data lifecycle at scale (docs/domain.md#data-lifecycle, issue 13 item 7): the participant import of 10,000
rows, the caseload export of the largest municipality (memory flat in rows), and the retention
job. Each part runs in its own process so that its peak memory is its own:

    .venv/bin/python -m bench.lifecycle import  --database-url URL [--rows 10000] [--commit]
    .venv/bin/python -m bench.lifecycle export  --database-url URL [--format csv|xlsx]
    .venv/bin/python -m bench.lifecycle retention --database-url URL [--dry-run]

Needs a database filled by ``bench/synthetic.py`` (it acts as ``bench.counsellor``, a counsellor
of the largest municipality). ``import --commit`` and ``retention`` without ``--dry-run`` WRITE:
run them on a copy (``createdb -T polku_bench_100k polku_bench_100k_copy``). Prints one JSON line
of figures: wall time, peak resident memory of the process (``ru_maxrss``) and, for the export,
the Python heap peak (tracemalloc) at a tenth of the rows and at all of them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import sys
import time
import tracemalloc
from typing import Any

from bench.dashboards import setup_django

USERNAME = "bench.counsellor"


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _identity_code(index: int) -> tuple[str, str]:
    from casework import identity_codes

    day, month, year = 1 + index % 28, 1 + (index // 28) % 12, 1960 + (index // 336) % 40
    number = 2 + index % 897
    digits = f"{day:02d}{month:02d}{year % 100:02d}"
    check = identity_codes.CHECK_CHARACTERS[int(f"{digits}{number:03d}") % 31]
    return f"{digits}-{number:03d}{check}", f"{year}-{month:02d}-{day:02d}"


def _import_file(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        ["first_name", "last_name", "date_of_birth", "gender", "labour_market_status",
         "personal_identity_code", "external_id", "phone", "email", "native_language"]
    )  # fmt: skip
    seen = set()
    index = 0
    while len(seen) < rows:
        code, born = _identity_code(index + 500_000)
        index += 1
        if code in seen:
            continue
        seen.add(code)
        writer.writerow(
            [f"Bench{index}", "Tuonti", born, ("female", "male")[index % 2], "unemployed", code,
             f"BENCH-{index}", "+358401234567", f"bench{index}@example.fi", "ar"]
        )  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def bench_import(rows: int, commit: bool) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from api.lifecycle import importer
    from casework.access import counsellor_municipality_ids
    from municipalities.models import Municipality

    actor = get_user_model().objects.get(username=USERNAME)
    municipality = Municipality.objects.filter(id__in=counsellor_municipality_ids(actor)).first()
    content = _import_file(rows)
    started = time.perf_counter()
    report = importer.import_participants(
        actor=actor,
        municipality=municipality,
        content=content,
        filename="bench.csv",
        dry_run=not commit,
    )
    elapsed = time.perf_counter() - started
    result = report.as_dict()
    return {
        "part": "import",
        "rows": rows,
        "bytes": len(content),
        "commit": commit,
        "created": result["created"],
        "updated": result["updated"],
        "unchanged": result["unchanged"],
        "errors": len(result["errors"]),
        "seconds": round(elapsed, 1),
        "rows_per_second": round(rows / elapsed),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _stream(client: Any, export_format: str, **params: Any) -> tuple[int, float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/api/v1/participants/", {"format": export_format, **params})
    size = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, elapsed, peak / 1024 / 1024


def bench_export(export_format: str) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from api.authentication import token_issue
    from casework import selectors

    actor = get_user_model().objects.get(username=USERNAME)
    token, _ = token_issue(user=actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    scope = selectors.participant_list(user=actor)
    total = scope.count()
    # A tenth of the caseload: those enrolled in the most recent tenth of the time.
    dates = scope.order_by("-enrolled_on").values_list("enrolled_on", flat=True)
    tenth_after = dates[max(total // 10 - 1, 0)]
    tenth = scope.filter(enrolled_on__gte=tenth_after).count()
    client.get("/api/v1/participants/", {"page_size": 1})  # warm-up: middleware, imports
    small = _stream(client, export_format, enrolled_on_after=tenth_after.isoformat())
    full = _stream(client, export_format)
    return {
        "part": "export",
        "format": export_format,
        "rows_small": tenth,
        "rows_full": total,
        "bytes_full": full[0],
        "seconds_small": round(small[1], 2),
        "seconds_full": round(full[1], 2),
        "heap_peak_mb_small": round(small[2], 1),
        "heap_peak_mb_full": round(full[2], 1),
        "peak_rss_mb": _peak_rss_mb(),
    }


def bench_retention(dry_run: bool, limit: int | None) -> dict[str, Any]:
    from django.core.management import call_command

    from core import retention
    from core.validation import today

    due = retention.due_participants(today()).count()
    done = min(due, limit) if limit else due
    started = time.perf_counter()
    call_command("apply_retention", dry_run=dry_run, limit=limit, stdout=io.StringIO())
    elapsed = time.perf_counter() - started
    return {
        "part": "retention",
        "dry_run": dry_run,
        "due": due,
        "anonymised": 0 if dry_run else done,
        "seconds": round(elapsed, 1),
        "participants_per_second": round(done / elapsed, 1) if done and not dry_run else None,
        "peak_rss_mb": _peak_rss_mb(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", choices=["import", "export", "retention"])
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--commit", action="store_true")
    parser.add_argument("--format", default="csv", choices=["csv", "xlsx"])
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--limit", type=int, help="retention: anonymise at most this many")
    options = parser.parse_args(argv)
    setup_django(options.database_url)
    if options.part == "import":
        result = bench_import(options.rows, options.commit)
    elif options.part == "export":
        result = bench_export(options.format)
    else:
        result = bench_retention(options.dry_run, options.limit)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
