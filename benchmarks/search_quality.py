"""Answer quality of "who can help with X?" on the evaluation set, per kind of question, next to a plain full-text
baseline (the question's words OR-ed; BM25 on SQLite, ts_rank on PostgreSQL) over the same index, in the same run.

    python benchmarks/search_quality.py [--postgres URL] [--sqlite-only]

Data: tests/search/eval (159 resources of fictional Riverbend County, 175 questions with graded labels). Runs on a
temporary SQLite file and, when --postgres or TEST_DATABASE_URL reaches a server, on a throwaway PostgreSQL
database. Metric definitions are in tests/search/eval/__init__.py. Targets: recall@5 >= 0.95, MRR >= 0.85 (answerable),
unanswerable answered with nothing >= 90%.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


import tests.search.eval as evaluation  # noqa: E402
from bot.platform import clock  # noqa: E402
from bot.platform.db import Database, ScratchDatabaseUnavailable, scratch_postgres_database  # noqa: E402

ORDER = [*evaluation.KINDS, "answerable"]


def measure(db: Database) -> tuple[dict, dict]:
    db.upgrade()
    with db.session() as session:
        evaluation.load_resources(session, evaluation.TEAM, clock.utcnow())
    with db.session() as session:
        ours = evaluation.summary(
            evaluation.evaluate(lambda q: evaluation.run_partnerbot(session, evaluation.TEAM, q))
        )
        plain = evaluation.summary(
            evaluation.evaluate(lambda q: evaluation.run_plain_bm25(session, evaluation.TEAM, q))
        )
        session.rollback()
    return ours, plain


def report(name: str, baseline: str, ours: dict, plain: dict) -> None:
    print(f"\n{name}: partnerbot vs {baseline} (same index, same run)")
    print(f"{'kind':<14}{'n':>4}  {'recall@5':>17}  {'MRR':>17}  {'nDCG@5':>17}")
    for kind in ORDER:
        if kind not in ours:
            continue
        row, base = ours[kind], plain[kind]
        if kind == "unanswerable":
            print(
                f"{kind:<14}{row['queries']:>4}  answered with nothing: {row['nothing']:.0%} (baseline "
                f"{base['nothing']:.0%})"
            )
            continue
        cells = [f"{row[m]:.3f} vs {base[m]:.3f}" for m in ("recall", "mrr", "ndcg")]
        print(f"{kind:<14}{row['queries']:>4}  " + "  ".join(f"{c:>17}" for c in cells))
    answerable = ours["answerable"]
    met = (
        answerable["recall"] >= 0.95 and answerable["mrr"] >= 0.85 and ours["unanswerable"]["nothing"] >= 0.9
    )
    print(
        f"targets (recall@5 >= 0.95, MRR >= 0.85, nothing for unanswerable >= 90%): {'met' if met else 'MISSED'}"
    )



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()

    print(
        f"evaluation set: {len(evaluation.resource_rows())} resources, {len(evaluation.queries())} questions"
    )
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/quality.db")
        ours, plain = measure(db)
        db.dispose()
    report("SQLite (FTS5)", "plain BM25", ours, plain)

    if args.postgres and not args.sqlite_only:
        with ExitStack() as stack:
            try:
                url = stack.enter_context(scratch_postgres_database(args.postgres, "partnerbot_bench"))
            except ScratchDatabaseUnavailable as error:  # the server is optional for this script
                print(f"\nPostgreSQL skipped: {error}")
                return 0
            db = Database(url)
            try:
                ours, plain = measure(db)
                report("PostgreSQL (tsvector)", "plain ts_rank (PostgreSQL has no BM25)", ours, plain)
            finally:
                db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
