"""What the package root re-exports next to the generated client (filled in by the SDK work)."""

from ._timestamps import parse_timestamp

__all__ = ["parse_timestamp"]
