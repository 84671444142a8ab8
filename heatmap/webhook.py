"""Sending alerts to a webhook: one JSON POST per new or changed alert, with retries.

The body is ``{"event": "new" | "changed" | "resolved", "alert": {…}}`` where the alert has
the contract's fields (``heatmap alerts --format json``). Only the standard library is used:
the NOC network allows no more than a plain HTTP(S) POST to an internal endpoint.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from heatmap.errors import HeatmapError


class WebhookError(HeatmapError):
    """The webhook could not be reached or refused the alert after every attempt."""


def post_json(url: str, body: dict[str, Any], attempts: int = 3, timeout: float = 10.0) -> None:
    """POST ``body`` as JSON; retry with back-off; :class:`WebhookError` if it never succeeds."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    last = ""
    for attempt in range(attempts):
        request = urllib.request.Request(
            url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if 200 <= response.status < 300:
                    return
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            last = str(getattr(exc, "reason", exc))
        if attempt + 1 < attempts:
            time.sleep(0.5 * 2**attempt)
    raise WebhookError(
        f"webhook {url} failed after {attempts} attempts ({last}); will retry next run"
    )
