"""Tables the whole product shares: handled Slack events, the delivery outbox and the audit trail."""

__all__: list[str] = []
