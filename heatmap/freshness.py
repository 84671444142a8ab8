"""How fresh the published data is, and when to warn that it is stale.

Two things go stale independently: the *publication* (the scheduled run stopped: nothing has
been published for a while) and the *data* (runs go on, but no complaint has arrived for a
while: the feed from the ticket system stopped). The wall shows the stamp always and a warning
when either is older than its limit (``HEATMAP_STALE_MINUTES``, default 30, for both).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

STALE_ENV = "HEATMAP_STALE_MINUTES"
DEFAULT_STALE_MINUTES = 30


def stale_limit() -> timedelta:
    """The age beyond which data is called stale (``HEATMAP_STALE_MINUTES``, default 30)."""
    return timedelta(minutes=float(os.environ.get(STALE_ENV, DEFAULT_STALE_MINUTES)))


@dataclass(frozen=True)
class Freshness:
    """The latest run's stamps and how old they are at ``now``.

    >>> now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    >>> f = Freshness.of({"finished_at": now - timedelta(minutes=5),
    ...                   "data_until": now - timedelta(hours=2)}, now, timedelta(minutes=30))
    >>> f.publication_stale, f.data_stale
    (False, True)
    """

    finished_at: pd.Timestamp
    data_until: pd.Timestamp
    publication_age: timedelta
    data_age: timedelta
    limit: timedelta

    @classmethod
    def of(
        cls, run: dict[str, Any], now: datetime | None = None, limit: timedelta | None = None
    ) -> Freshness:
        """From a row of the ``runs`` view (``finished_at``, ``data_until``)."""
        now = now or datetime.now(UTC)
        finished = pd.Timestamp(run["finished_at"])
        until = pd.Timestamp(run["data_until"])
        return cls(
            finished_at=finished,
            data_until=until,
            publication_age=max(now - finished.to_pydatetime(), timedelta(0)),
            data_age=max(now - until.to_pydatetime(), timedelta(0)),
            limit=limit if limit is not None else stale_limit(),
        )

    @property
    def publication_stale(self) -> bool:
        return self.publication_age > self.limit

    @property
    def data_stale(self) -> bool:
        return self.data_age > self.limit
