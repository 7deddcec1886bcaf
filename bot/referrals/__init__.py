"""Closed-loop referrals: send a referral to a partner, its one-click answer, the outcome, nudges, shared aims and
the partnership scorecard."""
