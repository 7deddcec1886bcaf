"""What knows no feature: database, outbox, audit trail, privacy, clock, need vocabulary and Slack text helpers."""
