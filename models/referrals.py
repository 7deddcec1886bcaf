"""Tables for closed-loop referrals: a referral to a partner and its answer and outcome, and shared aims.

No patient is ever named here. The link between a referral and a patient lives only in the care team's own record
system, through the referral's short code; the note is redacted before it is stored.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["PartnerAim", "Referral"]

# The one home of the words a referral moves through: id -> what people read.
STATUSES: dict[str, str] = {
    "sent": "Waiting for an answer",
    "accepted": "Accepted",
    "declined": "Can't take",
    "info_requested": "Needs more info",
}
DECLINE_REASONS: dict[str, str] = {"capacity": "no capacity", "eligibility": "not eligible", "other": "other"}
OUTCOMES: dict[str, str] = {"connected": "Connected", "not_connected": "Not connected", "working": "Still working"}
OUTCOME_REASONS: dict[str, str] = {
    "couldnt_reach": "couldn't reach",
    "declined_services": "declined services",
    "not_eligible": "not eligible",
    "waitlisted": "waitlisted",
}
URGENCIES: dict[str, str] = {"routine": "Routine", "soon": "Within a week", "urgent": "Urgent"}
SHARE_BY: dict[str, str] = {"phone": "Phone", "secure_email": "Secure email", "fax": "Fax"}


def _in(column: str, values: dict[str, str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Referral(SQLModel, table=True):
    """A referral of one (unnamed) client to a partner for one need. `note` is already redacted."""

    __table_args__ = (
        UniqueConstraint("team_id", "code", name="uq_referral_code"),
        # Covers every column the scorecard reads, so a year of referrals is one index scan.
        Index("ix_referral_scorecard", "team_id", "sent_at", "partner_id", "need", "status", "accepted_at", "outcome",
              "decline_reason", "first_answer_seconds"),
        Index("ix_referral_team_partner_sent", "team_id", "partner_id", "sent_at"),
        Index("ix_referral_team_referrer", "team_id", "referrer_user_id", "status"),
        CheckConstraint(_in("status", STATUSES), name="ck_referral_status"),
        CheckConstraint("outcome IS NULL OR " + _in("outcome", OUTCOMES), name="ck_referral_outcome"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    code: str = Field(max_length=12)  # "R-7F3K": what the care team writes in the patient's record
    partner_id: int = Field(foreign_key="partner.id", index=True, ondelete="CASCADE")
    need: str = Field(max_length=40)  # a need category id
    urgency: str = Field(default="routine", max_length=20)  # one of URGENCIES
    share_by: str = Field(default="phone", max_length=20)  # one of SHARE_BY: how the client's details travel
    note: str = Field(default="", max_length=1000)
    referrer_user_id: str = Field(max_length=32)
    status: str = Field(default="sent", max_length=20)
    decline_reason: str | None = Field(default=None, max_length=20)
    answered_by_user_id: str | None = Field(default=None, max_length=32)
    outcome: str | None = Field(default=None, max_length=20)
    outcome_reason: str | None = Field(default=None, max_length=20)
    card_channel_id: str | None = Field(default=None, max_length=32)  # where the card is, to update it in place
    card_ts: str | None = Field(default=None, max_length=32)
    card_shared: bool = Field(default=False)  # posted in a Slack Connect channel
    sent_at: datetime
    first_answer_at: datetime | None = None
    # Seconds from sending to the first answer, kept as a number so medians are one portable SQL query.
    first_answer_seconds: int | None = None
    accepted_at: datetime | None = None
    outcome_at: datetime | None = None


class PartnerAim(SQLModel, table=True):
    """A measurable, time-bound aim shared with a partner ("house 50 shared clients by June 30")."""

    __table_args__ = (Index("ix_partneraim_team_partner", "team_id", "partner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    partner_id: int = Field(foreign_key="partner.id", ondelete="CASCADE")
    need: str | None = Field(default=None, max_length=40)  # connected referrals for this need count as progress
    target: int
    description: str = Field(default="", max_length=300)  # redacted
    due_date: date
    manual_progress: int | None = None  # overrides the counted progress when set
    created_by: str = Field(max_length=32)
    created_at: datetime
