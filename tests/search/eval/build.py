"""Writes the evaluation set's data files from the hand-written sources: `python -m tests.search.eval.build`.

resources.csv: the directory (the import CSV headers, plus the evaluation's own columns).
queries.json: every query with explicit graded relevance labels per need ({resource name: grade}), frozen so that
the labels are reviewable and do not change when the search code changes.
"""

import csv
import json
from pathlib import Path

from tests.search.eval.queries_source import QUERIES
from tests.search.eval.resources_source import CITIES, RESOURCES, RETIRED

HERE = Path(__file__).parent
COLUMNS = ["name", "organization", "description", "categories", "phone", "website", "address", "city", "state",
           "postal_code", "languages", "populations", "eligibility", "hours", "verified_days_ago", "mention_count",
           "helped_count", "retired"]  # fmt: skip


def resource_rows() -> list[dict]:
    rows = []
    for index, (
        name,
        org,
        cats,
        desc,
        elig,
        langs,
        pops,
        city,
        hours,
        verified,
        mentions,
        helped,
    ) in enumerate(RESOURCES, 1):
        rows.append({
            "name": name, "organization": org, "description": desc, "categories": cats,
            "phone": f"555-{index:04d}", "website": f"https://example.org/r{index}",
            "address": f"{100 + index} Main St", "city": city, "state": "OR", "postal_code": CITIES[city],
            "languages": langs, "populations": pops, "eligibility": elig, "hours": hours,
            "verified_days_ago": "" if verified is None else str(verified), "mention_count": str(mentions),
            "helped_count": str(helped), "retired": "yes" if name in RETIRED else "",
        })  # fmt: skip
    return rows


def _is_best(row: dict, best: dict | None) -> bool:
    if not best:
        return False
    if "names" in best:
        return row["name"] in best["names"]
    checks = {
        "language": lambda v: v in row["languages"].split(";"),
        "population": lambda v: v in row["populations"].split(";"),
        "city": lambda v: row["city"] == v,
        "zip": lambda v: row["postal_code"] == v,
    }
    return all(checks[key](value) for key, value in best.items())


def labels(rows: list[dict], category: str, best: dict | None) -> dict[str, int]:
    graded = {}
    for row in rows:
        if row["retired"] or category not in row["categories"].split(";"):
            continue
        graded[row["name"]] = 2 if _is_best(row, best) else 1
    if best and "names" in best:
        missing = set(best["names"]) - set(graded)
        assert not missing, f"best answers not in {category}: {missing}"
    return graded


def main() -> None:
    rows = resource_rows()
    with open(HERE / "resources.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    queries = []
    for number, (kind, text, needs) in enumerate(QUERIES, 1):
        queries.append({
            "id": f"q{number:03d}", "kind": kind, "text": text,
            "needs": [{"category": category, "relevant": labels(rows, category, best)} for category, best in needs],
        })  # fmt: skip
    (HERE / "queries.json").write_text(
        json.dumps(queries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{len(rows)} resources, {len(queries)} queries")


if __name__ == "__main__":
    main()
