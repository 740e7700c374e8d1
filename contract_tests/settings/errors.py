"""`SettingsError`: the settings (environment or flags) do not describe a usable run; the message names what is
wrong and how to write it."""

from __future__ import annotations


class SettingsError(ValueError):
    """A setting is missing, malformed or contradicts another; the message names it."""
