"""Tables for the search feature."""

__all__: list[str] = []
