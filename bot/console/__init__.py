"""The offline console: the real app against an in-process fake Slack, for `make run` without tokens and for tests."""
