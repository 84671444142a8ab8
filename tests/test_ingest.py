"""Ingest: every row accounted for, every format and encoding, clear file-level errors."""

from __future__ import annotations

import csv
import gzip
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import h3
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from heatmap import coords
from heatmap.errors import InputFileError
from heatmap.home import Home
from heatmap.ingest import ingest_file
from heatmap.mapping import Mapping, load_mapping
from heatmap.store import open_writer
from heatmap.taxonomy import default_taxonomy
from tests.conftest import read_rows, write_csv

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
        ("bad.csv", b"\x81\x30garbage\x81\x00\xff", "not valid gb18030"),
        ("bad16.csv", b"\xff\xfe\x00\xd8garbage", "not valid utf-16"),
    ],
    ids=["extension", "missing", "corrupt-parquet", "undecodable-text", "undecodable-utf16"],
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


# --- the bad-row corpus -----------------------------------------------------------------------
CORPUS = Path(__file__).with_name("ingest_corpus")


def _quarantine_rows(home: Home) -> list[tuple[int, str, str | None, dict]]:
    with duckdb.connect(str(home.store_path), read_only=True) as con:
        rows = con.execute(
            "SELECT source_row, reason, detail, raw FROM store.quarantine ORDER BY source_row"
        ).fetchall()
    return [(r[0], r[1], r[2], json.loads(r[3]) if r[3] else {}) for r in rows]


def test_every_bad_row_of_the_corpus_gets_its_reason(home: Home) -> None:
    mapping = load_mapping(CORPUS / "bad_rows.toml")
    summary, rows, _ = _ingest(home, CORPUS / "bad_rows.csv", mapping)
    quarantined = _quarantine_rows(home)
    # Each row says what should happen to it in its text column ("expect: <reason>"); the last
    # two rows are broken in their structure and cannot say it.
    expected = {
        row: raw["text"].removeprefix("expect: ").split("\n")[0]
        for row, _, _, raw in quarantined
        if raw.get("text")
    }
    assert {row: reason for row, reason, _, _ in quarantined if row in expected} == expected
    assert [(row, reason) for row, reason, _, raw in quarantined if not raw.get("text")] == [
        (33, "too_many_fields"),
        (34, "too_few_fields"),
    ]
    assert (summary.rows_read, summary.accepted, summary.quarantined, summary.duplicates) == (
        34,
        9,
        24,
        1,
    )
    assert summary.repaired == {"swapped_coordinates": 1}
    assert summary.geocoded == {"locality": 1}
    assert sum(summary.quarantine_reasons.values()) == summary.quarantined
    assert all(raw for _, _, _, raw in quarantined)  # the row as read is kept for every one
    by_id = {r[0]: r for r in rows}
    assert by_id["ok-spaces"][6] == by_id["ok-plain"][6]  # stray spaces do not split a customer
    for repaired in ("ok-wkt", "ok-pair", "ok-swapped"):
        assert by_id[repaired][3:5] == (39.9087, 116.3975)


def test_the_bad_rows_say_what_to_fix(home: Home) -> None:
    _ingest(home, CORPUS / "bad_rows.csv", load_mapping(CORPUS / "bad_rows.toml"))
    details = {reason: detail for _, reason, detail, _ in _quarantine_rows(home)}
    assert "set [source] timestamp_format" in details["unparseable_reported_at"]
    assert "4 of the header's 9 fields" in details["too_few_fields"]
    assert "service_area" in details["outside_service_area"]


# --- formats and text -------------------------------------------------------------------------
def test_crlf_quoted_newlines_and_a_truncated_last_line(home: Home, tmp_path: Path) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes(
        b"complaint_id,reported_at,issue_type,lat,lon,text\r\n"
        b'q1,2026-11-01 08:00:00,fibre_loss,39.9,116.4,"line one\r\nline two, ""quoted"""\r\n'
        b"q2,2026-11-01 08:00:00,fibre_loss,39.9,116.4,short\r\n"
        b"q3,2026-11-01 08:00:00,fibre_lo"
    )
    summary, rows, quarantine = _ingest(home, path)
    assert (summary.rows_read, summary.accepted, summary.quarantined) == (3, 2, 1)
    assert [r[0] for r in quarantine] == ["too_few_fields"]
    with duckdb.connect(str(home.store_path), read_only=True) as con:
        text = con.execute("SELECT text FROM store.complaints WHERE complaint_id = 'q1'").fetchone()
    assert text == ('line one\r\nline two, "quoted"',)


def test_header_names_with_stray_spaces_still_match(home: Home, tmp_path: Path) -> None:
    path = tmp_path / "spaces.csv"
    path.write_text(
        " complaint_id , reported_at,issue_type ,lat, lon\n a1 ,2026-11-01 08:00:00,x,39.9,116.4\n",
        encoding="utf-8",
    )
    summary, rows, _ = _ingest(home, path)
    assert summary.accepted == 1 and rows[0][0] == "a1"


@pytest.mark.parametrize(
    "name,delimiter,mapping_text",
    [("tab.tsv", "\t", ""), ("semi.csv", ";", '[source]\ndelimiter = ";"\n')],
    ids=["tab-separated", "semicolon-declared"],
)
def test_other_delimiters(
    home: Home, tmp_path: Path, name: str, delimiter: str, mapping_text: str
) -> None:
    fields = [HEADER.split(",")[:5], ["t1", "2026-11-01 08:00", "x", "39,9", "116.4"]]
    path = tmp_path / name
    path.write_text("\n".join(delimiter.join(f) for f in fields) + "\n", encoding="utf-8")
    mapping = Mapping()
    if mapping_text:
        (tmp_path / "m.toml").write_text(mapping_text, encoding="utf-8")
        mapping = load_mapping(tmp_path / "m.toml")
    summary, _, quarantine = _ingest(home, path, mapping)
    assert summary.rows_read == 1
    assert summary.accepted + len(quarantine) == 1  # 39,9 is not a number: quarantined, not lost


def test_json_lines_with_broken_lines_account_for_every_line(home: Home, tmp_path: Path) -> None:
    good = {"complaint_id": "j1", "reported_at": "2026-11-01 08:00:00", "issue_type": "x"}
    lines = [
        json.dumps({**good, "lat": 39.9, "lon": 116.4}),
        "",
        "[1, 2]",
        json.dumps({**good, "complaint_id": "j2", "lat": "39.9", "lon": "116.4"}),
        '{"complaint_id": "j3", "reported_at": "2026-11',
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    summary, rows, quarantine = _ingest(home, path)
    assert (summary.rows_read, summary.accepted) == (4, 2)  # the blank line is not a row
    assert [r[0] for r in quarantine] == ["malformed_json", "malformed_json"]


def test_a_json_array_file_and_typed_parquet_columns(home: Home, tmp_path: Path) -> None:
    record = {"complaint_id": "a1", "reported_at": "2026-11-01 08:00:00", "issue_type": "x"}
    array = tmp_path / "a.json"
    array.write_text(json.dumps([{**record, "lat": 39.9, "lon": 116.4}]), encoding="utf-8")
    typed = pa.table(
        {
            "complaint_id": ["p1"],
            "reported_at": pa.array([datetime(2026, 11, 1, 0, 0, tzinfo=UTC)]),
            "issue_type": ["x"],
            "lat": [39.9],
            "lon": [116.4],
        }
    )
    pq.write_table(typed, tmp_path / "typed.parquet")
    assert _ingest(home, array)[0].accepted == 1
    summary, rows, _ = _ingest(home, tmp_path / "typed.parquet")
    assert summary.accepted == 1
    assert rows[-1][1] == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)  # an instant stays the instant


def test_auto_encoding_finds_gbk_after_the_first_mebibyte(home: Home, tmp_path: Path) -> None:
    ascii_rows = [f"a{i},2026-11-01 08:00:00,fibre_loss,39.9,116.4" for i in range(30_000)]
    path = write_csv(
        tmp_path / "late.csv",
        "complaint_id,reported_at,issue_type,lat,lon",
        [*ascii_rows, "zh,2026-11-01 08:00:00,宽带光衰,39.9,116.4"],
        encoding="gbk",
    )
    assert path.stat().st_size > (1 << 20)
    summary, rows, _ = _ingest(home, path)
    assert summary.accepted == 30_001
    assert not list(home.work_dir.iterdir())  # the transcoded copy is removed


# --- positions --------------------------------------------------------------------------------
def test_swaps_are_repaired_only_when_the_service_area_makes_them_certain(
    home: Home, tmp_path: Path
) -> None:
    rows = ["s1,2026-11-01 08:00:00,x,116.4,39.9,,"]  # latitude 116.4 is impossible
    path = write_csv(tmp_path / "swap.csv", HEADER, rows)
    _, _, quarantine = _ingest(home, path)
    assert [r[0] for r in quarantine] == ["swapped_coordinates"]
    area = tmp_path / "area.toml"
    area.write_text("[source]\nservice_area = [115.4, 39.4, 117.5, 41.1]\n", encoding="utf-8")
    summary, stored, _ = _ingest(Home(tmp_path / "other").ensure(), path, load_mapping(area))
    assert summary.repaired == {"swapped_coordinates": 1}
    assert stored[0][3:5] == (39.9, 116.4)


def test_geocoded_rows_store_their_precision_district_and_a_coarse_cell(
    home: Home, tmp_path: Path
) -> None:
    header = "complaint_id,reported_at,issue_type,address"
    rows = [
        "g1,2026-11-01 08:00:00,x,北京市丰台区卢沟桥街道程庄南里10号楼3单元",
        "g2,2026-11-01 08:00:00,x,北京市密云县",
        "g3,2026-11-01 08:00:00,x,客户未提供",
    ]
    summary, _, quarantine = _ingest(home, write_csv(tmp_path / "g.csv", header, rows))
    assert summary.geocoded == {"point": 1, "district": 1}
    assert [r[0] for r in quarantine] == ["address_not_found"]
    with duckdb.connect(str(home.store_path), read_only=True) as con:
        stored = con.execute(
            "SELECT complaint_id, precision, resolution, district, cell FROM store.complaints "
            "ORDER BY complaint_id"
        ).fetchall()
    assert [s[:4] for s in stored] == [
        ("g1", "point", 8, "丰台区"),
        ("g2", "district", 5, "密云区"),
    ]
    assert h3.get_resolution(h3.int_to_str(stored[1][4])) == 5  # never in a res-8 cell


def test_a_row_quarantined_first_does_not_make_its_corrected_repeat_a_duplicate(
    home: Home, tmp_path: Path
) -> None:
    rows = ["d1,2026-11-01 08:00:00,x,abc,116.4,,", "d1,2026-11-01 08:00:00,x,39.9,116.4,,"]
    summary, _, _ = _ingest(home, write_csv(tmp_path / "d.csv", HEADER, rows))
    assert (summary.accepted, summary.quarantined, summary.duplicates) == (1, 1, 0)


def test_repeat_callers_are_flagged_within_30_days(home: Home, tmp_path: Path) -> None:
    rows = [
        "r1,2026-10-01 08:00:00,x,39.9,116.4,13912344220,",
        "r2,2026-10-20 08:00:00,x,39.9,116.4,+86 139 1234 4220,",
        "r3,2026-11-20 08:00:00,x,39.9,116.4,13912344220,",  # 31 days on
    ]
    _ingest(home, write_csv(tmp_path / "r.csv", HEADER, rows))
    with duckdb.connect(str(home.store_path), read_only=True) as con:
        flags = con.execute(
            "SELECT complaint_id, is_repeat, customer_masked FROM complaints ORDER BY 1"
        ).fetchall()
    assert flags == [
        ("r1", False, "139****4220"),
        ("r2", True, "139****4220"),
        ("r3", False, "139****4220"),
    ]


# --- file-level errors ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name,content,message",
    [
        ("empty.csv", b"", "is empty"),
        ("cut.csv.gz", gzip.compress(b"complaint_id,reported_at\n" * 2000)[:-40], "gzip"),
        ("plain.csv.gz", b"complaint_id\n1\n", "not a readable gzip file"),
        ("nopos.csv", b"complaint_id,reported_at,issue_type\n1,2,3\n", "no position columns"),
        ("halfpos.csv", b"complaint_id,reported_at,issue_type,lat\n1,2,3,4\n", "'lon'"),
        ("bad.json", b'[{"complaint_id": 1', "cannot be read as a JSON array"),
    ],
    ids=["empty", "truncated-gzip", "not-gzip", "no-position", "half-position", "broken-json"],
)
def test_more_file_level_problems_are_one_clear_line(
    home: Home, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message) as caught:
        _ingest(home, path)
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


def test_a_folder_or_a_declared_wrong_encoding_is_named(home: Home, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="is a folder"):
        _ingest(home, tmp_path)
    path = write_csv(tmp_path / "gbk.csv", HEADER, GOOD, encoding="gbk")
    declared = tmp_path / "utf8.toml"
    declared.write_text('[source]\nencoding = "utf-8"\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"not valid utf-8 text at line 2; set \[source\]"):
        _ingest(home, path, load_mapping(declared))


def test_a_header_only_file_reads_zero_rows(home: Home, tmp_path: Path) -> None:
    summary, _, _ = _ingest(home, write_csv(tmp_path / "h.csv", HEADER, []))
    assert (summary.rows_read, summary.accepted) == (0, 0)


def test_progress_is_reported_by_phase(home: Home, tmp_path: Path) -> None:
    phases: list[str] = []
    with open_writer(home, "Asia/Shanghai") as con:
        ingest_file(
            con,
            write_csv(tmp_path / "a.csv", HEADER, GOOD),
            Mapping(),
            default_taxonomy(),
            b"k",
            home.work_dir,
            lambda phase, _: phases.append(phase),
        )
    assert list(dict.fromkeys(phases)) == ["reading", "placing", "storing"]


# --- Chinese exports whose true positions are known --------------------------------------------
# Published (WGS-84, GCJ-02, BD-09) triples, as (lon, lat), of hujiulong/gcoord
# @ fedbaa105f198d5afc23fec2d60c0a0df32ef663, test/fixtures/china-cities.json: independent of
# our converters. Their GCJ-02
# values are a map provider's answers, ~0.6 m from the public formula (see tests/test_coords.py).
KNOWN_POSITIONS = {
    "驻马店": ((114.0164322, 33.0133556), (114.022306, 33.0115324), (114.0287781, 33.0176697)),
    "那曲": ((92.0499619, 31.4784436), (92.0512438, 31.4762063), (92.0576832, 31.4824421)),
    "阿克苏": ((80.2584377, 41.1677969), (80.2606106, 41.1687815), (80.2670534, 41.1749125)),
    "深圳福田": ((114.0527534, 22.5458236), (114.0578659, 22.5431014), (114.064418, 22.5487584)),
    "拉萨": ((91.1706414, 29.655277), (91.1721167, 29.6524954), (91.1786184, 29.6585294)),
    "鹤岗": ((130.2901208, 47.3474834), (130.2979644, 47.3499192), (130.3043975, 47.3560741)),
    "沈阳": ((123.4253306, 41.8032629), (123.4314787, 41.8057023), (123.438095, 41.8114013)),
}
EXPORT_MAPPING = """
[source]
encoding = "auto"
crs = "{crs}"
timestamp_format = "%Y年%m月%d日 %H:%M:%S"

[columns]
complaint_id = "工单编号"
reported_at = "受理时间"
issue_type = "投诉类型"
lat = "纬度"
lon = "经度"
address = "投诉地址"
customer = "主叫号码"
"""


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_chinese_exports_land_within_two_metres_of_the_truth(
    home: Home, tmp_path: Path, encoding: str, crs: str
) -> None:
    column = {"gcj02": 1, "bd09": 2}[crs]
    rows = []
    for i, (city, points) in enumerate(KNOWN_POSITIONS.items()):
        lon, lat = points[column]
        # GB18030 also carries characters GBK lacks (䶮, in CJK extension A), as names do.
        place = f"{city}市某路{i}号" + ("䶮" if encoding == "gb18030" else "")
        rows.append(f"T{i},2026年11月01日 08:00:00,宽带光衰,{lat},{lon},{place},13912344220")
    path = write_csv(
        tmp_path / f"{encoding}.csv",
        "工单编号,受理时间,投诉类型,纬度,经度,投诉地址,主叫号码",
        rows,
        encoding=encoding,
    )
    (tmp_path / "m.toml").write_text(EXPORT_MAPPING.format(crs=crs), encoding="utf-8")
    summary, stored, _ = _ingest(home, path, load_mapping(tmp_path / "m.toml"))
    assert (summary.rows_read, summary.accepted) == (len(KNOWN_POSITIONS), len(KNOWN_POSITIONS))
    for (_, _, _, lat, lon, *_), (wgs_lon, wgs_lat) in zip(
        stored, [p[0] for p in KNOWN_POSITIONS.values()], strict=True
    ):
        assert h3.great_circle_distance((lat, lon), (wgs_lat, wgs_lon), unit="m") < 2.0
    with duckdb.connect(str(home.store_path), read_only=True) as con:
        addresses = [r[0] for r in con.execute("SELECT address FROM store.complaints").fetchall()]
    assert addresses[0].startswith("驻马店市") and (encoding == "gbk") != addresses[0].endswith(
        "䶮"
    )


# --- property: any rows of any text are accounted for -----------------------------------------
_PLAUSIBLE = st.sampled_from(
    ["", " ", "39.9", "116.4", "-71.06", "NaN", "inf", "0", "1e3", "POINT (116.4 39.9)",
     "(39.9, 116.4)", "2026-11-01 08:00:00", "2026-02-30 08:00", "宽带光衰", "北京市朝阳区",
     "13912344220", "A", "\"quoted\"", "a,b", "x\ny", "\r\n"]
)  # fmt: skip
_FIELD = st.one_of(
    _PLAUSIBLE,
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from('\n\t,";'), max_size=12
    ),
    st.floats().map(repr),
)
_COLUMNS = ["complaint_id", "reported_at", "issue_type", "lat", "lon", "address", "customer"]


@pytest.fixture(scope="module")
def shared_writer(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Home, duckdb.DuckDBPyConnection]]:
    """One store for many small property-test files (opening a store is the slow part)."""
    home = Home(tmp_path_factory.mktemp("shared") / "home").ensure()
    with open_writer(home, "Asia/Shanghai") as con:
        yield home, con


@given(rows=st.lists(st.tuples(*[_FIELD] * len(_COLUMNS)), min_size=1, max_size=12))
@example(rows=[("",) * 7] * 3 + [("",) * 6 + ("'",), ("",) * 6 + ("'\xa0",)])  # not a quote
@example(rows=[("",) * 6 + ("\\",), ("",) * 6 + ("(39.9, 116.4)",)])  # not an escape
@settings(max_examples=30, deadline=None)
def test_any_rows_of_any_text_are_accounted_for_without_a_traceback(
    shared_writer: tuple[Home, duckdb.DuckDBPyConnection], rows: list[tuple[str, ...]]
) -> None:
    home, con = shared_writer
    path = home.root / f"any-{uuid.uuid4().hex}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(_COLUMNS)
        writer.writerows(rows)
    summary = ingest_file(con, path, Mapping(), default_taxonomy(), b"k", home.work_dir)
    assert summary.rows_read == len(rows)
    assert summary.accepted + summary.quarantined + summary.duplicates == len(rows)
    batch = {"batch": summary.batch_id}
    stored = con.execute(
        "SELECT lat, lon FROM store.complaints WHERE batch_id = $batch", batch
    ).fetchall()
    reasons = con.execute(
        "SELECT reason FROM store.quarantine WHERE batch_id = $batch", batch
    ).fetchall()
    assert len(stored) == summary.accepted and len(reasons) == summary.quarantined
    assert all(reason for (reason,) in reasons)
    for lat, lon in stored:
        assert abs(lat) <= 90 and abs(lon) <= 180 and (lat, lon) != (0, 0)


def test_excel_unicode_text_utf16_is_read(home: Home, tmp_path: Path) -> None:
    path = tmp_path / "excel.txt"
    text = "\n".join([HEADER, *GOOD]).replace(",", "\t") + "\n"
    path.write_bytes(text.encode("utf-16"))  # with its BOM, as Excel writes it
    summary, rows, _ = _ingest(home, path)
    assert summary.accepted == 3 and rows[0][2] == "fibre_loss"


def test_source_row_is_the_row_of_the_file_in_a_large_parallel_read(
    home: Home, tmp_path: Path
) -> None:
    """Lineage and quarantine lines must name the file's own row, however DuckDB reads it."""
    rows = 300_000
    path = tmp_path / "large.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("complaint_id,reported_at,issue_type,lat,lon,address\n")
        for i in range(1, rows + 1):
            lat = "not-a-number" if i % 1000 == 0 else f"{39.8 + (i % 997) / 5000:.5f}"
            types = ("fibre_loss", "宽带光衰", "area_outage", "停电", "roaming")
            address = f"北京市朝阳区望京街道{i % 89}号院{i % 7}号楼;阜通东大街与望京街交叉口" * 2
            out.write(
                f"R{i},2026-11-20 10:{i % 60:02d}:00,{types[i % 5]},{lat},116.40000,{address}\n"
            )
    summary, _, _ = _ingest(home, path)
    assert summary.rows_read == rows and summary.quarantined == rows // 1000
    con = duckdb.connect(str(home.store_path), read_only=True)
    try:
        wrong = con.execute(
            "SELECT count(*) FROM store.complaints WHERE 'R' || source_row <> complaint_id"
        ).fetchone()
        lines = con.execute("SELECT source_row FROM store.quarantine ORDER BY 1").fetchall()
    finally:
        con.close()
    assert wrong == (0,)
    assert [row[0] for row in lines] == list(range(1000, rows + 1, 1000))


def test_a_batch_is_stored_in_time_order_however_the_file_is_ordered(
    home: Home, tmp_path: Path
) -> None:
    """A time range then reads only the row groups of its own stretch of time (zone maps)."""
    rng = np.random.default_rng(7)
    minutes = rng.permutation(3000)
    lines = [
        f"T{i},2026-11-{1 + m // 1440:02d} {m % 1440 // 60:02d}:{m % 60:02d}:00,fibre_loss,"
        f"39.9,116.4,,"
        for i, m in enumerate(minutes)
    ]
    lines.insert(1500, "bad,2026-11-01 10:00:00,fibre_loss,abc,116.4,,")
    for name in ("first.csv", "second.csv"):
        path = write_csv(tmp_path / name, HEADER, lines)
        _ingest(home, path)
        lines = [line.replace("T", "U", 1) for line in lines]
    rows = read_rows(
        home.store_path,
        "SELECT batch_id, reported_at, source_row FROM store.complaints ORDER BY rowid",
    )
    assert len(rows) == 6000
    for batch in {row[0] for row in rows}:
        stored = [(at, line) for b, at, line in rows if b == batch]
        assert [at for at, _ in stored] == sorted(at for at, _ in stored)
        # every row keeps its row of the file (the bad one is row 1501)
        assert sorted(line for _, line in stored) == [n for n in range(1, 3002) if n != 1501]
