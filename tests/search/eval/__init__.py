"""The search evaluation set: Riverbend County's resources, questions with graded labels, and the metrics.

Used by tests/search/test_search_quality.py (keeps the figures above the targets) and benchmarks/search_quality.py
(prints them per kind next to a plain BM25 baseline). Data: resources.csv and queries.json, written by
`python -m tests.search.eval.build` from resources_source.py and queries_source.py.

Metrics, per labeled need (a multi-need question scores the mean over its needs):
- recall@5: relevant resources in the top 5 / min(relevant resources, 5) (so a perfect top 5 scores 1.0);
- reciprocal rank: 1 / rank of the first best answer (grade 2; any relevant one when no grade 2 exists), 0 if it
  is not in the top 5;
- nDCG@5 with gains 2^grade - 1.
Unanswerable questions score "answered with nothing": no resource and no partner shown.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from bot.platform import vocabulary
from models.directory import Resource, ResourceCategory

HERE = Path(__file__).parent
TEAM = "TEVAL"
KINDS = ("plain", "colloquial", "abbreviation", "misspelling", "spanish", "modifier", "multi-need", "with-phi",
         "unanswerable")  # fmt: skip


def resource_rows() -> list[dict]:
    with open(HERE / "resources.csv", newline="", encoding="utf-8") as source:
        return list(csv.DictReader(source))


def queries() -> list[dict]:
    return json.loads((HERE / "queries.json").read_text(encoding="utf-8"))


def load_resources(
    session: Session, team_id: str, now: datetime, rows: list[dict] | None = None
) -> dict[int, str]:
    """Inserts the evaluation directory with plain ORM rows (no feature code), returns id -> name."""
    names = {}
    for row in rows if rows is not None else resource_rows():
        verified = row["verified_days_ago"]
        resource = Resource(
            team_id=team_id,
            name=row["name"],
            normalized_name=vocabulary.normalize(row["name"]),
            organization=row["organization"],
            normalized_organization=vocabulary.normalize(row["organization"]),
            description=row["description"],
            categories=row["categories"],
            phone=row["phone"],
            website=row["website"],
            address=row["address"],
            city=row["city"],
            normalized_city=vocabulary.normalize(row["city"]),
            state=row["state"],
            postal_code=row["postal_code"],
            languages=row["languages"],
            populations=row["populations"],
            eligibility=row["eligibility"],
            hours=row["hours"],
            mention_count=int(row["mention_count"]),
            helped_count=int(row["helped_count"]),
            source="import",
            created_by="U0EVAL",
            created_at=now - timedelta(days=400),
            updated_at=now - timedelta(days=400),
            verified_by="U0STEWARD" if verified else None,
            verified_at=now - timedelta(days=int(verified)) if verified else None,
            retired_by="U0STEWARD" if row["retired"] else None,
            retired_at=now - timedelta(days=10) if row["retired"] else None,
        )
        session.add(resource)
        session.flush()
        for category in filter(None, row["categories"].split(";")):
            session.add(ResourceCategory(resource_id=resource.id, category=category, team_id=team_id))
        names[resource.id] = row["name"]
    session.flush()
    return names


# ---------------------------------------------------------------------------------------------------------------
# Systems under evaluation: question -> one ranked list of resource names per need it recognized


RankedNeeds = list[tuple[tuple[str, ...], list[str]]]  # (categories of the need, names best first)


def run_partnerbot(session: Session, team_id: str, question: str, per_need: int = 5) -> RankedNeeds:
    """Per-need rankings (5 each by default: this set judges each need's list); the reply itself shows fewer per
    need when a question has several (per_need=3 reads it as shown)."""
    from bot.search.service import who_can_help

    answer = who_can_help(session, team_id, question, record=False, limit_when_several=per_need)
    results = []
    for need_answer in answer.needs:
        names = [hit.name for hit in need_answer.hits]
        names += [f"partner:{partner.name}" for partner in need_answer.partners]
        results.append((need_answer.need.categories, names))
    return results


def run_plain_bm25(session: Session, team_id: str, question: str) -> RankedNeeds:
    """The baseline: the question's words OR-ed against the same full-text index, plain bm25 / ts_rank order."""
    words = [w for w in vocabulary.tokens(question) if w not in vocabulary.STOPWORDS and len(w) > 1]
    if not words:
        return []
    if session.get_bind().dialect.name == "postgresql":
        statement = text(
            "SELECT r.name FROM resource r, to_tsquery('english', :query) q "
            "WHERE r.search_vector @@ q AND r.team_id = :team AND r.retired_at IS NULL "
            "ORDER BY ts_rank(r.search_vector, q) DESC, r.id LIMIT 5"
        )
        query = " | ".join(words)
    else:
        statement = text(
            "SELECT r.name FROM fts_resource JOIN resource r ON r.id = fts_resource.rowid "
            "WHERE fts_resource MATCH :query AND r.team_id = :team AND r.retired_at IS NULL "
            "ORDER BY bm25(fts_resource), r.id LIMIT 5"
        )
        query = " OR ".join(f'"{w}"' for w in words)
    names = [row[0] for row in session.execute(statement, {"query": query, "team": team_id})]
    return [((), names)] if names else []


# ---------------------------------------------------------------------------------------------------------------
# Metrics


def recall_at_5(ranked: list[str], relevant: dict[str, int]) -> float:
    if not relevant:
        return 0.0
    found = sum(1 for name in ranked[:5] if relevant.get(name, 0) > 0)
    return found / min(len(relevant), 5)


def reciprocal_rank(ranked: list[str], relevant: dict[str, int]) -> float:
    best_grade = max(relevant.values(), default=0)
    for rank, name in enumerate(ranked[:5], 1):
        if best_grade and relevant.get(name, 0) == best_grade:
            return 1.0 / rank
    return 0.0


def ndcg_at_5(ranked: list[str], relevant: dict[str, int]) -> float:
    def dcg(grades: list[int]) -> float:
        return sum((2**grade - 1) / math.log2(position + 2) for position, grade in enumerate(grades[:5]))

    ideal = dcg(sorted(relevant.values(), reverse=True))
    return dcg([relevant.get(name, 0) for name in ranked[:5]]) / ideal if ideal else 0.0


def _ranking_for(label_category: str, relevant: dict[str, int], results: RankedNeeds) -> list[str]:
    """The system's list for a labeled need: the need it filed under that category, else its best list."""
    for categories, names in results:
        if categories and categories[0] == label_category:
            return names
    for categories, names in results:
        if label_category in categories:
            return names
    return max((names for _, names in results), key=lambda names: recall_at_5(names, relevant), default=[])


@dataclass
class Scores:
    queries: int = 0
    recall: float = 0.0
    mrr: float = 0.0
    ndcg: float = 0.0
    nothing: int = 0  # unanswerable questions answered with nothing

    def mean(self, total: float) -> float:
        return total / self.queries if self.queries else 0.0


def tuning_part(query: dict) -> bool:
    """Two questions in three are tuned on; every third is only reported, to see whether changes carry over."""
    return int(query["id"].lstrip("q") or 0) % 3 != 0


def evaluate(system: Callable[[str], RankedNeeds], selected: list[dict] | None = None) -> dict[str, Scores]:
    """Scores per kind, plus "answerable" (all answerable kinds together) and "all"."""
    by_kind: dict[str, Scores] = defaultdict(Scores)
    for query in queries() if selected is None else selected:
        results = system(query["text"])
        buckets = [query["kind"], "all"]
        if not query["needs"]:
            answered_nothing = not any(names for _, names in results)
            for bucket in buckets:
                by_kind[bucket].queries += 1
                by_kind[bucket].nothing += int(answered_nothing)
            continue
        buckets.append("answerable")
        recall = mrr = ndcg = 0.0
        for need in query["needs"]:
            ranked = _ranking_for(need["category"], need["relevant"], results)
            recall += recall_at_5(ranked, need["relevant"])
            mrr += reciprocal_rank(ranked, need["relevant"])
            ndcg += ndcg_at_5(ranked, need["relevant"])
        count = len(query["needs"])
        for bucket in buckets:
            scores = by_kind[bucket]
            scores.queries += 1
            scores.recall += recall / count
            scores.mrr += mrr / count
            scores.ndcg += ndcg / count
    return dict(by_kind)


def summary(scores: dict[str, Scores]) -> dict[str, dict[str, float]]:
    """Means per kind: recall@5, MRR, nDCG@5 (answerable kinds) or answered-with-nothing share (unanswerable)."""
    out = {}
    for kind, s in scores.items():
        row = {"queries": s.queries}
        if kind == "unanswerable":
            row["nothing"] = s.nothing / s.queries if s.queries else 0.0
        else:
            row.update(recall=s.mean(s.recall), mrr=s.mean(s.mrr), ndcg=s.mean(s.ndcg))
        out[kind] = row
    return out
