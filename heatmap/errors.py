"""Errors a user can act on: each says what is wrong, where, and how to fix it.

The CLI prints the message of a :class:`HeatmapError` on one line and exits non-zero, with no
traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class HeatmapError(Exception):
    """A problem with the input or the environment that the user can fix."""


class InputFileError(HeatmapError):
    """A source file cannot be read as mapped (unreadable, wrong format, missing column)."""


class MappingError(HeatmapError):
    """A mapping file is missing, malformed, or names something that does not exist."""


class RunInProgressError(HeatmapError):
    """Another job holds the writer lock of this home."""


class NotPublishedError(HeatmapError):
    """Readers asked for published data before any run has published it."""
