"""`SettingsError`: the settings (environment or flags) do not describe a usable run; the message names what is
wrong and how to write it."""

from __future__ import annotations


class SettingsError(ValueError):
    """A setting is missing, malformed or contradicts another; the message names it. `partial`: the settings as far
    as they could be read (each bad one at its default), so a report of the refusal still goes where it was asked."""

    def __init__(self, message: str, partial: object = None) -> None:
        super().__init__(message)
        self.partial = partial
