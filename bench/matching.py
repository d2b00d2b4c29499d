"""Ranking the candidates of one vacancy at national scale (docs/performance.md: ≤ 200 ms).

    .venv/bin/python -m bench.matching --database-url postgres://postgres@127.0.0.1:5432/polku_bench_1m \\
        [--vacancies 5] [--repeat 5]

Needs a database filled by ``bench/synthetic.py``. Picks open vacancies in the bench counsellor's
municipality (the largest), ranks their candidates as that counsellor
(``casework.matching.rank_candidates`` with the counsellor's scope: the same call the
``vacancies/{id}/candidates/`` endpoint makes), and prints per vacancy the number of candidates,
the queries, and the best/median/worst time over ``--repeat`` runs of what the endpoint does for
the first page (rank, count, page 1, explain it), plus the plan of the ranking statement of the
slowest vacancy (EXPLAIN ANALYZE). Read-only: it writes nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--vacancies", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--username", default="bench.counsellor")
    parser.add_argument("--page-size", type=int, default=50)
    options = parser.parse_args(argv)
    if options.database_url:
        os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework import matching, selectors
    from casework.access import counsellor_municipality_ids, participant_scope
    from casework.models import Participant
    from core.sql import planner_settings
    from core.validation import today

    user = get_user_model().objects.get(username=options.username)
    municipality_ids = counsellor_municipality_ids(user)
    total = Participant.objects.count()
    seeking = Participant.objects.filter(status__in=matching.ELIGIBLE_STATUSES).count()
    print(f"participants: {total:,}, active or job seeking: {seeking:,}")
    vacancies = list(
        selectors.vacancy_list(user=user)  # as the endpoint reads it (licences prefetched)
        .filter(municipality_id__in=municipality_ids, status="open")
        .order_by("id")[: options.vacancies]
    )
    print(f"{'vacancy':>10} {'licences':>8} {'languages':>9} {'candidates':>10} {'eligible':>8} "
          f"{'queries':>7} {'best ms':>8} {'median ms':>9} {'worst ms':>8}")  # fmt: skip
    medians = []
    for vacancy in vacancies:
        scope = participant_scope(user)
        timings = []
        for _ in range(options.repeat):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                ranking = matching.rank_candidates(vacancy, scope=scope, today=today())
                ranking.expect(0, options.page_size)  # what the endpoint does for page 1
                total = ranking.count()
                page = ranking[0 : options.page_size]
            timings.append((time.perf_counter() - start) * 1000)
        medians.append(statistics.median(timings))
        print(
            f"{vacancy.pk:>10} {len(ranking.required_types):>8} "
            f"{len(vacancy.language_requirements):>9} {total:>10} "
            f"{sum(s.eligible for s in page):>8} {len(queries):>7} {min(timings):>8.1f} "
            f"{statistics.median(timings):>9.1f} {max(timings):>8.1f}"
        )
    if vacancies:
        print(f"median of medians: {statistics.median(medians):.1f} ms (target ≤ 200 ms)")
        slowest = vacancies[medians.index(max(medians))]
        ranking = matching.rank_candidates(slowest, scope=participant_scope(user), today=today())
        sql, params = matching.ranking_sql(ranking, offset=0, limit=options.page_size)
        if connection.vendor == "postgresql":
            with (
                planner_settings(enable_nestloop="off", work_mem="64MB"),
                connection.cursor() as cursor,
            ):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF, SUMMARY ON) " + sql, params)
                print(f"\nplan of the ranking statement (vacancy {slowest.pk}, the slowest):")
                for (line,) in cursor.fetchall():
                    print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
