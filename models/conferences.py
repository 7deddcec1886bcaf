"""Tables for the conferences feature."""

__all__: list[str] = []
