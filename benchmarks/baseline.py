"""The straightforward pipeline the engine is measured against: pandas, an h3-py loop, groupby.

What a data engineer writes first for "complaints per 500 m cell, per hour and per day":

1. ``pandas.read_csv`` of the export (the columns the mapping names);
2. ``pandas.to_datetime`` with the mapping's format, localised to its zone, in UTC;
3. GCJ-02 → WGS-84 with the engine's own vectorised converter (a fair start: the baseline is
   not made slow by a slow converter);
4. ``h3.latlng_to_cell(lat, lon, 8)`` for each row, in a Python loop;
5. ``groupby([cell, hour, issue_type]).size()`` and the same per day.

Rows with a coordinate that is not a number or a time that is not a date are coerced to
missing and dropped, as such code usually does. It validates nothing else, geocodes nothing,
scores nothing and publishes nothing: it is a lower bound on what the straightforward
approach costs for the counting alone. Run it as
``python -m benchmarks.baseline EXPORT.csv MAPPING.toml``; it prints its row and group counts
as JSON (so that the benchmark can check that it did the work).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import h3
import numpy as np
import pandas as pd

from heatmap import coords
from heatmap.mapping import load_mapping


def count(export: Path, mapping_path: Path) -> dict[str, int | float]:
    """Hourly and daily counts per cell and issue type; the sizes of what was computed."""
    mapping = load_mapping(mapping_path)
    columns = mapping.columns
    names = {
        columns["reported_at"]: "reported_at",
        columns["issue_type"]: "issue_type",
        columns["lat"]: "lat",
        columns["lon"]: "lon",
    }
    began = time.perf_counter()
    frame = pd.read_csv(export, usecols=list(names)).rename(columns=names)
    # the usual shortcut with bad rows: coerce them to missing and drop them, silently
    for axis in ("lat", "lon"):
        frame[axis] = pd.to_numeric(frame[axis], errors="coerce")
    frame = frame.dropna(subset=["lat", "lon"])
    read = time.perf_counter()
    local = pd.to_datetime(
        frame["reported_at"], format=mapping.source.timestamp_format, errors="coerce"
    )
    frame = frame[local.notna()]
    local = local[local.notna()]
    frame["reported_at"] = local.dt.tz_localize(mapping.source.timezone).dt.tz_convert("UTC")
    lat = frame["lat"].to_numpy(dtype=np.float64)
    lon = frame["lon"].to_numpy(dtype=np.float64)
    if mapping.source.crs != "wgs84":
        lon, lat = coords.to_wgs84(lon, lat, mapping.source.crs)
    indexed = time.perf_counter()
    frame["cell"] = [h3.latlng_to_cell(a, o, 8) for a, o in zip(lat, lon, strict=True)]
    celled = time.perf_counter()
    frame["hour"] = frame["reported_at"].dt.floor("h")
    frame["day"] = frame["reported_at"].dt.floor("D")
    hourly = frame.groupby(["cell", "hour", "issue_type"]).size()
    daily = frame.groupby(["cell", "day", "issue_type"]).size()
    grouped = time.perf_counter()
    return {
        "rows": len(frame),
        "hourly_groups": len(hourly),
        "daily_groups": len(daily),
        "hourly_total": int(hourly.sum()),
        "read_s": round(read - began, 2),
        "times_and_coordinates_s": round(indexed - read, 2),
        "h3_loop_s": round(celled - indexed, 2),
        "groupby_s": round(grouped - celled, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.baseline", description=__doc__)
    parser.add_argument("export", type=Path)
    parser.add_argument("mapping", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(count(args.export, args.mapping)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
