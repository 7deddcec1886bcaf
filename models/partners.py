"""Tables for the partners feature."""

__all__: list[str] = []
