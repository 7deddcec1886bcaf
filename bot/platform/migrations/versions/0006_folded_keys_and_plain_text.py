"""Text stored as typed, and resource keys in the Unicode-aware folded form.

1. Slack's escaping undone in stored text: before text was unescaped where it enters, `&` was stored as `&amp;`
   (sometimes cut to `&amp` at the semicolon), `<` as `&lt;` and `>` as `&gt;`. Resource details, conference
   titles and agenda items, partner names and notes, partner contacts, celebrations and unmet needs are fixed.
2. A resource's normalized name, organization and city, and a partner's normalized name, recomputed with
   bot.platform.folding (words of every script kept, accents folded, `&` read as "and"). Resources whose keys now
   match are merged into the oldest: counts added up, empty details filled, categories, log entries, feedback and
   watched messages moved over. A partner whose new key another partner already has keeps its name and old key.

No downgrade for the data: the old keys dropped every non-Latin letter, and escaped text is not worth restoring.

Revision ID: 0006
Revises: 0005
"""

import re
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from bot.platform.folding import comparison_key

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PLAIN_TEXT = {
    "resource": ("name", "organization", "description", "address", "city", "hours", "eligibility"),
    "conference_series": ("title",),
    "conference_agenda_item": ("text",),
    "partner": ("eligibility_notes",),
    "partnercontact": ("name", "details"),
    "success": ("text",),
    "unmetneed": ("phrase",),
}
_ENTITY = re.compile(r"&(amp|lt|gt);?")
_CHARACTER = {"amp": "&", "lt": "<", "gt": ">"}
KEYS = (("normalized_name", "name", 200), ("normalized_organization", "organization", 200),
        ("normalized_city", "city", 100))
COUNTS = ("mention_count", "helped_count", "outdated_count")
FILLABLE = ("organization", "description", "phone", "phone_key", "email", "website", "website_key",
            "address", "city", "state", "postal_code", "hours", "languages", "eligibility", "populations")


def plain(text: str) -> str:
    return _ENTITY.sub(lambda match: _CHARACTER[match.group(1)], text)


def upgrade() -> None:
    connection = op.get_bind()
    for table, columns in PLAIN_TEXT.items():
        _unescape_columns(connection, table, columns)
    _refold_partners(connection)
    _refold_resources(connection)


def downgrade() -> None:
    pass


def _escaped(column: str) -> str:
    return f"({column} LIKE '%&amp%' OR {column} LIKE '%&lt%' OR {column} LIKE '%&gt%')"


def _unescape_columns(connection, table: str, columns: tuple[str, ...]) -> None:
    where = " OR ".join(_escaped(column) for column in columns)
    rows = connection.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table} WHERE {where}")).all()
    for row in rows:
        values = {column: plain(getattr(row, column) or "") for column in columns}
        assignments = ", ".join(f"{column} = :{column}" for column in columns)
        connection.execute(sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id"), {**values, "id": row.id})


def _refold_partners(connection) -> None:
    rows = connection.execute(sa.text("SELECT id, team_id, name, normalized_name FROM partner ORDER BY id")).all()
    connection.execute(sa.text("UPDATE partner SET normalized_name = '#' || CAST(id AS VARCHAR(20))"))
    taken: set[tuple[str, str]] = set()
    for row in rows:
        name = plain(row.name)
        key = comparison_key(name)[:200]
        if (row.team_id, key) in taken:  # another partner already reads the same: this one stays as it was
            name, key = row.name, row.normalized_name
            if (row.team_id, key) in taken:
                key = f"{key[:190]} #{row.id}"
        taken.add((row.team_id, key))
        connection.execute(sa.text("UPDATE partner SET name = :name, normalized_name = :key WHERE id = :id"),
                           {"name": name, "key": key, "id": row.id})


def _refold_resources(connection) -> None:
    rows = connection.execute(sa.text("SELECT * FROM resource ORDER BY id")).mappings().all()
    groups: dict[tuple, list] = defaultdict(list)
    for row in rows:
        keys = tuple(comparison_key(row[source] or "")[:length] for _, source, length in KEYS)
        groups[(row["team_id"], *keys)].append(row)
    # Every key moves out of the way first, so no update meets a key another row still holds.
    connection.execute(sa.text("UPDATE resource SET normalized_name = '#' || CAST(id AS VARCHAR(20))"))
    for (_team, *keys), members in groups.items():
        keeper, merged = members[0], members[1:]
        values = {column: key for (column, _, _), key in zip(KEYS, keys, strict=True)}
        if merged:
            values.update(_merged_details(keeper, merged))
            for row in merged:
                _move_children(connection, row["id"], keeper["id"], keeper["team_id"])
            connection.execute(sa.text("DELETE FROM resource WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)), {"ids": [row["id"] for row in merged]})
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        connection.execute(sa.text(f"UPDATE resource SET {assignments} WHERE id = :id"),
                           {**values, "id": keeper["id"]})


def _merged_details(keeper, merged) -> dict:
    values = {column: keeper[column] + sum(row[column] for row in merged) for column in COUNTS}
    for column in FILLABLE:
        if not keeper[column]:
            values[column] = next((row[column] for row in merged if row[column]), keeper[column])
    categories = [c for row in (keeper, *merged) for c in (row["categories"] or "").split(";") if c]
    values["categories"] = ";".join(dict.fromkeys(categories))[:500]
    return values


def _move_children(connection, old: int, new: int, team_id: str) -> None:
    ids = {"old": old, "new": new}
    connection.execute(sa.text(
        "INSERT INTO resourcecategory (resource_id, category, team_id) SELECT :new, category, :team FROM "
        "resourcecategory WHERE resource_id = :old AND category NOT IN "
        "(SELECT category FROM resourcecategory WHERE resource_id = :new)"), {**ids, "team": team_id})
    connection.execute(sa.text("DELETE FROM resourcecategory WHERE resource_id = :old"), ids)
    for table in ("resourcelogentry", "resourcefeedback", "watchedmessage"):
        connection.execute(sa.text(f"UPDATE {table} SET resource_id = :new WHERE resource_id = :old"), ids)
