"""Mapping files: the contract's form, and clear errors for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from heatmap.errors import MappingError
from heatmap.mapping import CANONICAL_COLUMNS, load_mapping

CONTRACT_EXAMPLE = """
[source]
encoding = "auto"
crs = "wgs84"
timezone = "Asia/Shanghai"
timestamp_format = "%m/%d/%Y %I:%M:%S %p"

[columns]
complaint_id = "CASE_ENQUIRY_ID"
reported_at = "OPEN_DT"
issue_type = "TYPE"
lat = "LATITUDE"
lon = "LONGITUDE"
address = "Location"
customer = "caller_phone"
channel = "Source"
severity = "emotion_grade"

[issue_types]
"宽带光衰" = "fibre_loss"
"""


def test_the_contract_example_parses(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(CONTRACT_EXAMPLE, encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.source_column("reported_at") == "OPEN_DT"
    assert mapping.source_column("text") == "text"  # unmapped columns keep canonical names
    assert mapping.issue_types["宽带光衰"] == "fibre_loss"
    assert mapping.source.timestamp_format == "%m/%d/%Y %I:%M:%S %p"
    assert "customer" in mapping.explicit and "text" not in mapping.explicit


def test_no_mapping_is_the_identity() -> None:
    mapping = load_mapping(None)
    assert all(mapping.source_column(c) == c for c in CANONICAL_COLUMNS)


@pytest.mark.parametrize(
    "text,message",
    [
        ("[source\n", "not valid TOML"),
        ('[source]\ncrs = "utm"\n', "crs 'utm' is not one of wgs84, gcj02, bd09"),
        ('[source]\nencoding = "latin-9"\n', "encoding 'latin-9' is not one of"),
        ('[source]\ntimezone = "Mars/Olympus"\n', "not an IANA zone"),
        ('[source]\nzone = "x"\n', "unknown \\[source\\] key"),
        ('[columns]\nphone = "x"\n', "unknown canonical column"),
        ('[colums]\nlat = "y"\n', "unknown section"),
        ("[columns]\nlat = 3\n", "must be column names"),
    ],
    ids=[
        "toml-syntax",
        "crs",
        "encoding",
        "timezone",
        "source-key",
        "column-name",
        "section-typo",
        "column-type",
    ],
)
def test_mistakes_are_named_with_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message) as caught:
        load_mapping(path)
    assert str(path) in str(caught.value)


def test_a_missing_mapping_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="mapping file not found"):
        load_mapping(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    "text,message",
    [
        ("[source]\nencoding = 5\n", "encoding must be a text value"),
        ('[source]\ntimestamp_format = "YYYY-MM-DD"\n', "has no % directive"),
        ('[source]\ndelimiter = ";;"\n', "must be one character"),
        ("[source]\nservice_area = [1, 2, 3]\n", "not four numbers"),
        ('[source]\nservice_area = [1, 2, "3", 4]\n', "holds a non-number"),
        ("[source]\nservice_area = [117.5, 39.4, 115.4, 41.1]\n", "is not a box"),
        ("[source]\nservice_area = [0, 0, 200, 1]\n", "is not a box"),
        ('[columns]\nlat = "xy"\nlon = "xy"\n', "map it as coordinates instead"),
        ('[issue_types]\n"宽带光衰" = 3\n', "must map source values to type codes"),
        ('source = "x"\n', r"\[source\] must be a table"),
    ],
    ids=[
        "encoding-type",
        "format-without-directive",
        "long-delimiter",
        "area-three-numbers",
        "area-text",
        "area-west-east-reversed",
        "area-out-of-range",
        "lat-lon-one-column",
        "issue-type-number",
        "source-not-a-table",
    ],
)
def test_more_mistakes_are_named_with_the_file_and_the_fix(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message) as caught:
        load_mapping(path)
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


def test_service_area_delimiter_and_a_coordinates_column(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(
        '[source]\ndelimiter = ";"\nservice_area = [115.4, 39.4, 117.5, 41.1]\n'
        '[columns]\ncoordinates = "Geocoded_Location"\n',
        encoding="utf-8",
    )
    mapping = load_mapping(path)
    assert mapping.source.delimiter == ";"
    area = mapping.source.service_area
    assert area is not None and area.contains(39.9, 116.4) and not area.contains(31.2, 121.5)
    assert mapping.source_column("coordinates") == "Geocoded_Location"


def test_a_folder_given_as_the_mapping_says_so(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="is a folder"):
        load_mapping(tmp_path)
