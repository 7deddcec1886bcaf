"""Tables for the directory feature."""

__all__: list[str] = []
