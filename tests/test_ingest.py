"""Ingest: every row accounted for, every format and encoding, clear file-level errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import h3
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from heatmap import coords
from heatmap.errors import InputFileError
from heatmap.home import Home
from heatmap.ingest import ingest_file
from heatmap.mapping import Mapping, load_mapping
from heatmap.store import open_writer
from heatmap.taxonomy import default_taxonomy
from tests.conftest import write_csv

HEADER = "complaint_id,reported_at,issue_type,lat,lon,customer,severity"
GOOD = [
    "c1,2026-11-01 08:00:00,宽带光衰,39.9087,116.3975,+86 139-1234-4220,a",
    "c2,2026-11-01 09:00:00+08:00,fibre_loss,39.9087,116.3975,13912344220,B",
    "c3,2026-11-01T10:15:00Z,Area network outage,39.95,116.35,,",
]
BAD = {
    "c4,2026-11-01 09:00:00,area_outage,0,0,,": "null_island",
    "c5,bad time,fibre_loss,39.9,116.4,,": "unparseable_reported_at",
    "c6,2026-11-01 10:00:00,fibre_loss,abc,116.4,,": "non_numeric_coordinates",
    "c7,2026-11-01 10:00:00,,39.9,116.4,,": "missing_issue_type",
    ",2026-11-01 10:00:00,fibre_loss,39.9,116.4,,": "missing_complaint_id",
    "c8,2026-11-01 10:00:00,fibre_loss,95,116.4,,": "coordinates_out_of_range",
    "c9,2099-11-01 10:00:00,fibre_loss,39.9,116.4,,": "reported_at_in_future",
    "c10,1970-01-01 10:00:00,fibre_loss,39.9,116.4,,": "reported_at_too_old",
    "c11,2026-11-01 10:00:00,fibre_loss,nan,116.4,,": "non_finite_coordinates",
    "c12,2026-11-01 10:00:00,fibre_loss,,,,": "missing_coordinates",
    "c13,,fibre_loss,39.9,116.4,,": "missing_reported_at",
}
DUPLICATE = "c1,2026-11-01 08:00:00,宽带光衰,39.9087,116.3975,13912344220,a"


def _ingest(home: Home, path: Path, mapping: Mapping | None = None):  # type: ignore[no-untyped-def]
    with open_writer(home, "Asia/Shanghai") as con:
        summary = ingest_file(
            con, path, mapping or Mapping(), default_taxonomy(), b"k", home.work_dir
        )
        rows = con.execute(
            "SELECT complaint_id, reported_at, issue_type, lat, lon, cell, customer_hash, "
            "customer_masked, severity FROM store.complaints ORDER BY complaint_id"
        ).fetchall()
        quarantine = con.execute(
            "SELECT reason, raw FROM store.quarantine ORDER BY source_row"
        ).fetchall()
    return summary, rows, quarantine


def test_every_row_is_accepted_quarantined_or_duplicate(home: Home, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", HEADER, GOOD + list(BAD) + [DUPLICATE])
    summary, rows, quarantine = _ingest(home, path)
    assert (summary.rows_read, summary.accepted, summary.quarantined, summary.duplicates) == (
        15,
        3,
        11,
        1,
    )
    assert summary.quarantine_reasons == {reason: 1 for reason in BAD.values()}
    assert [r[0] for r in quarantine] == list(BAD.values())
    assert [r[2] for r in rows] == [
        "fibre_loss",
        "fibre_loss",
        "area_outage",
    ]  # zh, code and English names
    # personal data: the raw number never stored; one number, one hash, however written
    assert rows[0][6] == rows[1][6] and rows[0][7] == "139****4220"
    assert all("1234" not in json.dumps(r[1]) for r in quarantine)
    assert rows[0][5] == h3.str_to_int(h3.latlng_to_cell(39.9087, 116.3975, 8))


def test_times_are_instants_in_utc(home: Home, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", HEADER, GOOD)
    _, rows, _ = _ingest(home, path)
    utc = [r[1].astimezone(__import__("datetime").UTC).strftime("%Y-%m-%d %H:%M") for r in rows]
    assert utc == ["2026-11-01 00:00", "2026-11-01 01:00", "2026-11-01 10:15"]


def test_reingesting_the_same_file_adds_nothing(home: Home, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", HEADER, GOOD + list(BAD))
    _ingest(home, path)
    again, rows, quarantine = _ingest(home, path)
    assert (again.rows_read, again.accepted, again.quarantined, again.duplicates) == (14, 0, 0, 14)
    assert again.already_ingested and len(rows) == 3 and len(quarantine) == 11


def test_a_new_file_repeating_stored_ids_counts_them_as_duplicates(
    home: Home, tmp_path: Path
) -> None:
    _ingest(home, write_csv(tmp_path / "a.csv", HEADER, GOOD))
    summary, rows, _ = _ingest(
        home,
        write_csv(
            tmp_path / "b.csv", HEADER, [GOOD[0], "c99,2026-11-02 08:00:00,roaming,39.9,116.4,,"]
        ),
    )
    assert (summary.accepted, summary.duplicates) == (1, 1) and len(rows) == 4


def _write_all_formats(tmp_path: Path) -> dict[str, Path]:
    text = "\n".join([HEADER, *GOOD]) + "\n"
    paths = {
        "csv": tmp_path / "a.csv",
        "gzip": tmp_path / "a.csv.gz",
        "bom": tmp_path / "bom.csv",
        "gbk": tmp_path / "gbk.csv",
        "gb18030": tmp_path / "gb18030.csv",
        "parquet": tmp_path / "a.parquet",
        "jsonl": tmp_path / "a.jsonl",
    }
    paths["csv"].write_text(text, encoding="utf-8")
    paths["gzip"].write_bytes(gzip.compress(text.encode("utf-8")))
    paths["bom"].write_text(text, encoding="utf-8-sig")
    paths["gbk"].write_text(text, encoding="gbk")
    paths["gb18030"].write_text(text, encoding="gb18030")
    records = [dict(zip(HEADER.split(","), line.split(","), strict=True)) for line in GOOD]
    pq.write_table(pa.Table.from_pylist(records), paths["parquet"])
    paths["jsonl"].write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8"
    )
    return paths


@pytest.mark.parametrize("fmt", ["gzip", "bom", "gbk", "gb18030", "parquet", "jsonl"])
def test_every_format_and_encoding_gives_the_same_rows(tmp_path: Path, fmt: str) -> None:
    paths = _write_all_formats(tmp_path)
    _, reference, _ = _ingest(Home(tmp_path / "ref").ensure(), paths["csv"])
    summary, rows, _ = _ingest(Home(tmp_path / fmt).ensure(), paths[fmt])
    assert summary.accepted == 3
    assert rows == reference


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_chinese_coordinates_are_converted_to_wgs84(home: Home, tmp_path: Path, crs: str) -> None:
    true_lon, true_lat = np.array([116.3975, 116.2, 116.6]), np.array([39.9087, 40.05, 39.8])
    lon, lat = coords.from_wgs84(true_lon, true_lat, crs)
    rows = [
        f"p{i},2026-11-01 08:00:00,fibre_loss,{a:.7f},{o:.7f},,"
        for i, (a, o) in enumerate(zip(lat, lon, strict=True))
    ]
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text(f'[source]\ncrs = "{crs}"\n', encoding="utf-8")
    _, stored, _ = _ingest(
        home, write_csv(tmp_path / "a.csv", HEADER, rows), load_mapping(mapping_file)
    )
    for (_, _, _, s_lat, s_lon, cell, *_), t_lat, t_lon in zip(
        stored, true_lat, true_lon, strict=True
    ):
        metres = h3.great_circle_distance((s_lat, s_lon), (t_lat, t_lon), unit="m")
        assert metres < 2.0
        assert cell == h3.str_to_int(h3.latlng_to_cell(t_lat, t_lon, 8))


def test_naive_times_use_the_mapping_zone_with_daylight_saving(home: Home, tmp_path: Path) -> None:
    mapping_file = tmp_path / "boston.toml"
    mapping_file.write_text(
        '[source]\ntimezone = "America/New_York"\ntimestamp_format = "%m/%d/%Y %I:%M:%S %p"\n'
        '[columns]\nreported_at = "OPEN_DT"\n',
        encoding="utf-8",
    )
    path = write_csv(
        tmp_path / "b.csv",
        HEADER.replace("reported_at", "OPEN_DT"),
        [
            "w,01/15/2015 09:00:00 AM,roaming,42.36,-71.06,,",  # EST, UTC-5
            "s,07/15/2015 09:00:00 PM,roaming,42.36,-71.06,,",  # EDT, UTC-4
        ],
    )
    _, rows, _ = _ingest(home, path, load_mapping(mapping_file))
    utc = {
        r[0]: r[1].astimezone(__import__("datetime").UTC).strftime("%Y-%m-%d %H:%M") for r in rows
    }
    assert utc == {"w": "2015-01-15 14:00", "s": "2015-07-16 01:00"}


def test_a_missing_mapped_column_names_the_file_the_column_and_the_fix(
    home: Home, tmp_path: Path
) -> None:
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text('[columns]\nreported_at = "受理时间"\n', encoding="utf-8")
    path = write_csv(tmp_path / "a.csv", HEADER, GOOD)
    with pytest.raises(
        InputFileError, match=r"a\.csv: column '受理时间' \(mapped to reported_at\).*\[columns\]"
    ):
        _ingest(home, path, load_mapping(mapping_file))


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("a.xlsx", b"x", "unknown file type"),
        ("missing.csv", None, "no such file"),
        ("bad.parquet", b"not parquet at all", "cannot be read as parquet"),
        ("bad.csv", b"\xff\xfe\x00garbage\x81\x00\xff", "not valid gb18030"),
    ],
    ids=["extension", "missing", "corrupt-parquet", "undecodable-text"],
)
def test_file_level_problems_are_one_clear_error(
    home: Home, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        _ingest(home, path)
    with duckdb.connect(str(home.store_path)) as con:  # a failed file leaves no partial batch
        assert con.execute("SELECT count(*) FROM store.batches").fetchone() == (0,)
