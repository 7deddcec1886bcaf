"""Tables for the digests feature."""

__all__: list[str] = []
