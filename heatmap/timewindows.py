"""Which stored windows the map shows: "now" (1 h, 3 h, 24 h), a chosen day, playback frames.

"Now" is the newest hourly window that has data, not the wall clock: a dashboard replaying a
backlog, or reading a publication a few minutes old, still shows the latest hour it knows. A
range of hourly windows is drawn as their sum (its score is the strongest window's); a chosen
day is the stored daily window (a calendar day in the engine zone), with its own daily scores.

Times are ``pandas.Timestamp`` instants with a zone; the window bounds are window *starts*:
``start <= window_start < end``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

WINDOW_CHOICES = ("1h", "3h", "24h", "day")
HOURS = {"1h": 1, "3h": 3, "24h": 24}
SPANS = {"24h": 24, "7d": 7 * 24}
STEPS = {"24h": (1, 3), "7d": (1, 3, 6, 24)}
HOUR = pd.Timedelta(hours=1)


@dataclass(frozen=True)
class MapWindow:
    """A range of stored windows of one length: ``start <= window_start < end``."""

    window_len: str
    start: pd.Timestamp
    end: pd.Timestamp

    def label(self, timezone: str) -> str:
        """``2026-11-20 14:00–18:00`` (or ``2026-11-20`` for a day), in ``timezone``.

        >>> tz = "Asia/Shanghai"
        >>> MapWindow("1h", pd.Timestamp("2026-11-20 14:00", tz=tz),
        ...           pd.Timestamp("2026-11-20 18:00", tz=tz)).label(tz)
        '2026-11-20 14:00–18:00'
        """
        start, end = self.start.tz_convert(timezone), self.end.tz_convert(timezone)
        if self.window_len == "1d" and end - start <= pd.Timedelta(days=1):
            return f"{start:%Y-%m-%d}"
        if start.date() == (end - pd.Timedelta(seconds=1)).date():
            return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


def latest_hour(window_starts: pd.Series) -> pd.Timestamp:
    """The newest hourly window start among ``window_starts`` (the map's "now")."""
    return pd.Timestamp(window_starts.max())


def map_window(
    choice: str, latest: pd.Timestamp, day: pd.Timestamp | None, timezone: str
) -> MapWindow:
    """The windows behind a window choice: the last 1, 3 or 24 hours up to ``latest``, or ``day``.

    >>> tz = "Asia/Shanghai"
    >>> w = map_window("3h", pd.Timestamp("2026-11-20 17:00", tz=tz), None, tz)
    >>> w.window_len, w.label(tz)
    ('1h', '2026-11-20 15:00–18:00')
    >>> map_window("day", w.end, pd.Timestamp("2026-11-19", tz=tz), tz).label(tz)
    '2026-11-19'
    """
    if choice == "day":
        if day is None:
            raise ValueError("a chosen day is needed for the 'day' window")
        start = pd.Timestamp(day).tz_convert(timezone).normalize()
        return MapWindow("1d", start, start + pd.DateOffset(days=1))
    hours = HOURS[choice]
    return MapWindow("1h", latest - (hours - 1) * HOUR, latest + HOUR)


@dataclass(frozen=True)
class Frame:
    """One playback frame: what it shows (``start``–``end``) and what it sums (``since``–``end``).

    ``since`` equals ``start`` unless playback is cumulative, when it is the span's start.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    since: pd.Timestamp

    def label(self, timezone: str) -> str:
        return MapWindow("1h", self.since, self.end).label(timezone)


def playback_frames(
    latest: pd.Timestamp, span: str, step_hours: int, cumulative: bool
) -> list[Frame]:
    """The frames of a playback over the last ``span`` (``24h`` or ``7d``) up to ``latest``.

    Frames are ``step_hours`` long and end with the latest hour, oldest first.

    >>> tz = "Asia/Shanghai"
    >>> frames = playback_frames(pd.Timestamp("2026-11-20 17:00", tz=tz), "24h", 3, True)
    >>> len(frames), frames[0].label(tz), frames[-1].label(tz)
    (8, '2026-11-19 18:00–21:00', '2026-11-19 18:00 – 2026-11-20 18:00')
    """
    if step_hours not in STEPS[span]:
        raise ValueError(f"a {span} playback steps by {STEPS[span]} hours, not {step_hours}")
    end = latest + HOUR
    first = end - SPANS[span] * HOUR
    step = step_hours * HOUR
    frames = []
    start = first
    while start < end:
        frames.append(Frame(start, start + step, first if cumulative else start))
        start += step
    return frames


def span_start(latest: pd.Timestamp, span: str) -> pd.Timestamp:
    """The first hourly window of a playback span."""
    return latest + HOUR - SPANS[span] * HOUR
