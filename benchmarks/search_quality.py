"""Answer quality of "who can help with X?", per kind of question, next to a plain full-text baseline (the
question's words OR-ed; BM25 on SQLite, ts_rank on PostgreSQL) over the same index, in the same run.

    python benchmarks/search_quality.py [--postgres URL] [--sqlite-only] [--shared PATH] [--misses]

The data sets:
- the project's own (tests/search/eval: 159 resources of fictional Riverbend County, 175 questions), split into a
  part the vocabulary and weights are tuned on and a part that is only reported (every third question);
- six more directories and their questions, each written apart from the code and tuned on after its first
  measurement (tests/search/eval_marlow: Marlow County, 90 resources, 190 questions; eval_kettle_lake: Kettle
  Lake County, 85 resources, 145 questions; eval_orvale: Orvale County, 80 resources, 140 questions;
  eval_pemberton: Pemberton County, 80 resources, 130 questions; eval_sotol: Sotol County, 75 resources, 120
  questions; eval_bramble: Bramble County, 79 resources, 120 questions; each README has the first figures) and
  five only reported, never tuned on (eval_alder_bay: Alder Bay County, 75 resources, 120 questions;
  eval_harrowgate: Harrowgate, 75 resources, 120 questions; eval_quarry_bend: Quarry Bend, 78 resources, 120
  questions; eval_saltmarsh: Saltmarsh, 80 resources, 120 questions; eval_cresthaven: Cresthaven, 80
  resources, 120 questions); eval_cumberland_gap (Cumberland Gap, 80 resources, 120 questions) and
  eval_sunridge_valley (Sunridge Valley, 80 resources, 120 questions) were
  tuned on after their first measurement, like the six before;
- the evaluation set written apart from the code, read from ../shared/eval (directory.csv imported through the
  real importer, queries.jsonl) when that folder exists; skipped cleanly otherwise. It is scored as a stranger
  would read the answer: the resource names in the order the reply shows them, near-duplicate twins collapsed.

Targets: recall@5 >= 0.90, MRR >= 0.90, unanswerable answered with nothing >= 90%, every kind >= 0.80.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import tempfile
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


import tests.search.eval as evaluation  # noqa: E402
from bot.directory.importer import import_file  # noqa: E402
from bot.platform import clock  # noqa: E402
from bot.platform.db import Database, ScratchDatabaseUnavailable, scratch_postgres_database  # noqa: E402
from bot.search.query import parse_query  # noqa: E402
from bot.search.service import PER_NEED_WHEN_SEVERAL, redact_query  # noqa: E402

ORDER = [*evaluation.KINDS, "phi", "answerable"]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
_SETS = Path(__file__).resolve().parents[1] / "tests" / "search"
# Directories written apart from the code, each tuned on after its first measurement (see its README).
WRITTEN_APART = [(_SETS / "eval_marlow", "second directory (Marlow County"),
                 (_SETS / "eval_kettle_lake", "third directory (Kettle Lake County"),
                 (_SETS / "eval_orvale", "fourth directory (Orvale County"),
                 (_SETS / "eval_alder_bay", "fifth directory (Alder Bay County, report only: never tuned on"),
                 (_SETS / "eval_pemberton", "sixth directory (Pemberton County"),
                 (_SETS / "eval_sotol", "seventh directory (Sotol County"),
                 (_SETS / "eval_bramble", "eighth directory (Bramble County"),
                 (_SETS / "eval_harrowgate", "ninth directory (Harrowgate, report only: never tuned on"),
                 (_SETS / "eval_quarry_bend", "tenth directory (Quarry Bend, report only: never tuned on"),
                 (_SETS / "eval_cumberland_gap", "eleventh directory (Cumberland Gap"),
                 (_SETS / "eval_saltmarsh", "twelfth directory (Saltmarsh, report only: never tuned on"),
                 (_SETS / "eval_sunridge_valley", "thirteenth directory (Sunridge Valley"),
                 (_SETS / "eval_cresthaven", "fourteenth directory (Cresthaven, report only: never tuned on")]  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# The project's own set


def measure_own(db: Database) -> dict[str, tuple[dict, dict]]:
    db.upgrade()
    with db.session() as session:
        evaluation.load_resources(session, evaluation.TEAM, clock.utcnow())
    out = {}
    with db.session() as session:
        for part, selected in (("tune", True), ("report-only", False)):
            chosen = [q for q in evaluation.queries() if evaluation.tuning_part(q) == selected]
            ours = evaluation.summary(evaluation.evaluate(
                lambda q: evaluation.run_partnerbot(session, evaluation.TEAM, q), chosen))  # fmt: skip
            plain = evaluation.summary(evaluation.evaluate(
                lambda q: evaluation.run_plain_bm25(session, evaluation.TEAM, q), chosen))  # fmt: skip
            out[part] = (ours, plain)
        session.rollback()
    return out


# ---------------------------------------------------------------------------------------------------------------
# The set written apart: ranked names in reply order, twins collapsed, README's scoring rules


def _twins(folder: Path) -> dict[str, str]:
    with open(folder / "duplicates.csv", newline="", encoding="utf-8") as source:
        return {row["name_b"]: row["name_a"] for row in csv.DictReader(source)}


def _shown(results: evaluation.RankedNeeds, twins: dict[str, str]) -> list[str]:
    """Names in the order the reply shows them, each entity once."""
    seen: list[str] = []
    for _, names in results:
        for name in names:
            name = twins.get(name, name)
            if name not in seen:
                seen.append(name)
    return seen


def _score(ranked: list[str], relevant: dict[str, int]) -> tuple[float, float, float]:
    if not relevant or not ranked:
        return 0.0, 0.0, 0.0
    recall = sum(1 for name in ranked[:5] if relevant.get(name, 0) > 0) / min(5, len(relevant))
    mrr = next((1.0 / rank for rank, name in enumerate(ranked[:10], 1) if relevant.get(name, 0) > 0), 0.0)
    gains = [2 ** relevant.get(name, 0) - 1 for name in ranked[:5]]
    ideal = [2**grade - 1 for grade in sorted(relevant.values(), reverse=True)[:5]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return recall, mrr, dcg / idcg if idcg else 0.0


def _diagnose(query: dict, ranked: list[str], relevant: dict[str, int], filed: dict[str, str]) -> None:
    """What the question was read as, and where the expected resources are filed: enough to tell a missing word
    from a split that lost a need or a resource filed under a neighbouring category."""
    parsed = parse_query(redact_query(query["query"]).text)  # as the service reads it
    print(f"  miss {query['kind']:<12} {query['query']!r}")
    for need in parsed.needs:
        print(f"       need {list(need.categories)} terms={list(need.term_words)} extra={list(need.extra_words)}")
    if not parsed.needs:
        print("       no need recognized")
    if not parsed.modifiers.is_empty or parsed.modifiers.open_when:
        print(f"       modifiers: {parsed.modifiers.describe()}")
    for name, grade in sorted(relevant.items(), key=lambda item: -item[1]):
        mark = "ok " if name in ranked[:5] else "-- "
        print(f"       {mark}{grade} {name} [{filed.get(name, '?')}]")
    print(f"       shown: {ranked[:5]}")


def shared_summary(system, folder: Path, misses: bool = False, filed: dict[str, str] | None = None) -> dict[str, dict]:
    twins = _twins(folder)
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0])
    for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        query = json.loads(line)
        relevant: dict[str, int] = {}
        for name, grade in query["relevant"].items():
            relevant[twins.get(name, name)] = max(grade, relevant.get(twins.get(name, name), 0))
        ranked = _shown(system(query["query"]), twins)
        buckets = [query["kind"]] + ([] if query["kind"] == "unanswerable" else ["answerable"])
        recall, mrr, ndcg = _score(ranked, relevant)
        if misses and ((relevant and recall < 0.8) or (not relevant and ranked)):
            _diagnose(query, ranked, relevant, filed or {})
        for bucket in buckets:
            row = totals[bucket]
            row[0] += 1
            row[1] += recall
            row[2] += mrr
            row[3] += ndcg
            row[4] += int(not ranked)
    out = {}
    for kind, (count, recall, mrr, ndcg, nothing) in totals.items():
        out[kind] = {"queries": count, "recall": recall / count, "mrr": mrr / count, "ndcg": ndcg / count,
                     "nothing": nothing / count}  # fmt: skip
    return out


def measure_shared(db: Database, folder: Path, misses: bool) -> tuple[dict, dict]:
    db.upgrade()
    report = import_file(db, folder / "directory.csv", evaluation.TEAM, show_progress=False)
    if report.fatal:
        raise SystemExit(f"importing {folder / 'directory.csv'} failed: {report.fatal}")
    with db.session() as session:
        filed = dict(session.execute(text("SELECT name, categories FROM resource")).all()) if misses else {}
        # As the reply shows it: with several needs, the best three of each (PER_NEED_WHEN_SEVERAL).
        ours = shared_summary(lambda q: evaluation.run_partnerbot(session, evaluation.TEAM, q, PER_NEED_WHEN_SEVERAL),
                              folder, misses, filed)  # fmt: skip
        plain = shared_summary(lambda q: evaluation.run_plain_bm25(session, evaluation.TEAM, q), folder)
        session.rollback()
    return ours, plain


# ---------------------------------------------------------------------------------------------------------------
# Printing


def report(name: str, baseline: str, ours: dict, plain: dict) -> None:
    print(f"\n{name}: partnerbot vs {baseline} (same index, same run)")
    print(f"{'kind':<14}{'n':>4}  {'recall@5':>17}  {'MRR':>17}  {'nDCG@5':>17}")
    # Kinds a set brings of its own ("dm": full sentences sent as direct messages) come before the total.
    extra = sorted(kind for kind in ours if kind not in ORDER)
    for kind in [*ORDER[:-1], *extra, ORDER[-1]]:
        if kind not in ours:
            continue
        row, base = ours[kind], plain.get(kind, {})
        if kind == "unanswerable":
            print(f"{kind:<14}{row['queries']:>4}  answered with nothing: {row['nothing']:.0%} (baseline "
                  f"{base.get('nothing', 0):.0%})")  # fmt: skip
            continue
        cells = [f"{row[m]:.3f} vs {base.get(m, 0):.3f}" for m in ("recall", "mrr", "ndcg")]
        print(f"{kind:<14}{row['queries']:>4}  " + "  ".join(f"{c:>17}" for c in cells))
    answerable = ours["answerable"]
    kinds_ok = all(row["recall"] >= 0.8 for kind, row in ours.items() if kind != "unanswerable")
    met = (answerable["recall"] >= 0.9 and answerable["mrr"] >= 0.9 and kinds_ok
           and ours.get("unanswerable", {"nothing": 1})["nothing"] >= 0.9)  # fmt: skip
    print("targets (recall@5 >= 0.90, MRR >= 0.90, unanswerable >= 90%, every kind >= 0.80): "
          + ("met" if met else "MISSED"))  # fmt: skip


def run_all(make_db, label: str, baseline: str, shared: Path | None, misses: bool) -> None:
    with make_db() as db:
        parts = measure_own(db)
    for part, (ours, plain) in parts.items():
        report(f"{label}, own set ({part} part)", baseline, ours, plain)
    for folder, name in WRITTEN_APART:
        with make_db() as db:
            ours, plain = measure_shared(db, folder, misses and shared is None)
        tuned = "" if "never tuned on" in name else ", since tuned on"
        report(f"{label}, {name}, written apart{tuned}; see its README)", baseline, ours, plain)
    if shared is not None:
        with make_db() as db:
            ours, plain = measure_shared(db, shared, misses)
        report(f"{label}, set written apart ({shared})", baseline, ours, plain)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--shared", default=str(SHARED), help="folder of the set written apart")
    parser.add_argument("--misses", action="store_true",
                        help="list the questions answered poorly there: parsed needs, expected resources' categories")
    args = parser.parse_args()
    shared = Path(args.shared) if (Path(args.shared) / "queries.jsonl").exists() else None
    if shared is None:
        print(f"(no evaluation set at {args.shared}: only the project's own set is measured)")

    class _Sqlite:
        def __enter__(self):
            self.folder = tempfile.TemporaryDirectory()
            self.db = Database(f"sqlite:///{self.folder.name}/quality.db")
            return self.db

        def __exit__(self, *_):
            self.db.dispose()
            self.folder.cleanup()

    run_all(_Sqlite, "SQLite (FTS5)", "plain BM25", shared, args.misses)

    if args.postgres and not args.sqlite_only:
        class _Postgres:
            def __enter__(self):
                self.stack = ExitStack()
                url = self.stack.enter_context(scratch_postgres_database(args.postgres, "partnerbot_bench"))
                self.db = Database(url)
                return self.db

            def __exit__(self, *_):
                self.db.dispose()
                self.stack.close()

        try:
            run_all(_Postgres, "PostgreSQL (tsvector)", "plain ts_rank", shared, False)
        except ScratchDatabaseUnavailable as error:  # the server is optional for this script
            print(f"\nPostgreSQL skipped: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
