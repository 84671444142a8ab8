"""The notify job: send new and changed alerts to the webhook, remembering what was sent."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from heatmap.alerts import fetch_alerts
from heatmap.home import Home
from heatmap.sqlfiles import query_file
from heatmap.store import open_writer
from heatmap.webhook import post_json

log = logging.getLogger("heatmap.notify")


def notify(home: Home, url: str, timezone: str) -> int:
    """POST every new or changed alert to ``url``; returns how many were sent.

    An alert is remembered only once the webhook accepted it, so a failure is retried on the
    next run; the first failure stops this run's sending (raising ``WebhookError``).
    """
    sent = 0
    with open_writer(home, timezone) as con:
        pending = query_file(con, "pipelines", "alerts_to_notify", {})
        if pending.empty:
            return 0
        by_id = {a["cluster_id"]: a for a in fetch_alerts(con, include_closed=True)}
        for cluster_id, event in zip(pending["cluster_id"], pending["event"], strict=True):
            alert = by_id[cluster_id]
            post_json(url, {"event": event, "alert": alert})
            con.execute(
                "DELETE FROM store.notifications WHERE cluster_id = $id", {"id": cluster_id}
            )
            con.execute(
                "INSERT INTO store.notifications VALUES ($id, $status, $observed, $cells, $at)",
                {
                    "id": cluster_id,
                    "status": alert["status"],
                    "observed": alert["observed"],
                    "cells": len(alert["cells"]),
                    "at": datetime.now(UTC),
                },
            )
            sent += 1
            log.info("webhook: %s %s (%s)", event, cluster_id, alert["label"])
    return sent
