"""Shared aims with a partner and the partner scorecard: `/partner aim PARTNER TARGET by DATE`,
`/partner aim PARTNER progress N` and `/partner scorecard PARTNER`.

An aim is measurable and time-bound ("house 50 shared clients by June 30"): its progress counts the partner's
connected referrals for the aim's need (any need when the aim names none), unless someone records a figure.
People from another organization may read only their own partner's scorecard, and set no aim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.partners.dates import read_date
from bot.partners.details import find_partner, require_partner
from bot.partners.names import echo
from bot.platform import vocabulary
from bot.platform.actor import Actor
from bot.platform.audit import record as audit
from bot.platform.clock import utcnow
from bot.platform.errors import FeatureError
from bot.platform.privacy import redact
from bot.referrals.scorecard import PartnerScorecard, partner_scorecard
from bot.referrals.service import visible_partner_ids
from models.referrals import PartnerAim

AIM_EXAMPLE = "`/partner aim Harbor Housing house 50 shared clients by June 30`"
_BY = re.compile(r"\s+by\s+", re.IGNORECASE)
_NUMBER = re.compile(r"\b(\d{1,6})\b")
_PROGRESS = re.compile(r"^(?P<name>.+?)\s+progress\s+(?P<n>\d{1,6})$", re.IGNORECASE)


@dataclass(frozen=True)
class SetAim:
    words: str  # "<partner> <what, with a number>"
    due: date


@dataclass(frozen=True)
class SetProgress:
    partner_name: str
    progress: int


@dataclass(frozen=True)
class AimSaved:
    partner_name: str
    description: str
    target: int
    due: date
    need: str | None
    progress: int | None = None


def parse_aim(text: str, today: date) -> SetAim | SetProgress:
    """What follows `/partner aim`."""
    text = " ".join(text.split())
    if match := _PROGRESS.match(text):
        return SetProgress(match["name"], int(match["n"]))
    parts = _BY.split(text)
    if len(parts) < 2 or not _NUMBER.search(parts[0]):
        raise FeatureError(f"Say the partner, a number to reach and a date. For example: {AIM_EXAMPLE}")
    due = read_date(parts[-1], today)
    if due < today:
        raise FeatureError("That date has passed; an aim looks ahead.")
    return SetAim(" by ".join(parts[:-1]), due)


def _split_partner(session: Session, team_id: str, words: str):
    """The registered partner the words start with (longest name first), and the rest."""
    before_number = words[: _NUMBER.search(words).start()].split()
    tokens = words.split()
    for size in range(len(before_number), 0, -1):
        partner = find_partner(session, team_id, " ".join(tokens[:size]))
        if partner is not None:
            return partner, " ".join(tokens[size:])
    guess = " ".join(before_number[:-1] or before_number)
    return require_partner(session, team_id, guess), " ".join(tokens[len(guess.split()):])


def set_aim(session: Session, actor: Actor, command: SetAim | SetProgress, *,
            now: datetime | None = None) -> AimSaved:
    if actor.is_external:
        raise FeatureError("Aims are set by the care team with the partner; ask your contact there.")
    now = now or utcnow()
    if isinstance(command, SetProgress):
        partner = require_partner(session, actor.team_id, command.partner_name)
        aim = session.exec(select(PartnerAim).where(PartnerAim.partner_id == partner.id)
                           .order_by(col(PartnerAim.created_at).desc())).first()
        if aim is None:
            raise FeatureError(f"{echo(partner.name)} has no aim yet. For example: {AIM_EXAMPLE}")
        aim.manual_progress = command.progress
        session.add(aim)
        audit(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="partner_aim", entity_id=aim.id,
              action="progress", fields=["manual_progress"])
        return AimSaved(partner.name, aim.description, aim.target, aim.due_date, aim.need, command.progress)
    partner, rest = _split_partner(session, actor.team_id, command.words)
    description = redact(rest).text.strip(" ,:;-")[:300]
    number = _NUMBER.search(description)
    if not number:
        raise FeatureError(f"Which number should {echo(partner.name)} reach? For example: {AIM_EXAMPLE}")
    needs = vocabulary.detect_categories(description)
    aim = PartnerAim(team_id=actor.team_id, partner_id=partner.id, need=needs[0] if needs else None,
                     target=int(number.group(1)), description=description, due_date=command.due,
                     created_by=actor.user_id, created_at=now)
    session.add(aim)
    session.flush()
    audit(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="partner_aim", entity_id=aim.id,
          action="create", fields=["target", "due_date", "need"])
    return AimSaved(partner.name, description, aim.target, aim.due_date, aim.need)


def scorecard_for(session: Session, actor: Actor, partner_name: str, *, now: datetime | None = None
                  ) -> PartnerScorecard:
    """A partner's scorecard; someone from another organization sees only their own partner's."""
    partner = require_partner(session, actor.team_id, partner_name)
    visible = visible_partner_ids(session, actor)
    if visible is not None and partner.id not in visible:
        raise FeatureError("You can see your own organization's scorecard here, not other partners'.")
    return partner_scorecard(session, partner, now or utcnow())
