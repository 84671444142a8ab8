"""Keyed hashes and masks: the SQL expressions against Python's hmac, the reference."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heatmap.privacy import (
    customer_columns_sql,
    customer_hash,
    customer_hash_sql,
    customer_mask_sql,
    hmac_pads,
    mask_customer,
    normalised_customer_sql,
)

KEY = b"an-example-key"


def _sql(value: str | None, key: bytes = KEY) -> tuple[str | None, str | None, str | None]:
    con = duckdb.connect()
    inner, outer = hmac_pads(key)
    normalised = normalised_customer_sql("$value")
    row = con.execute(
        f"SELECT {normalised}, {customer_hash_sql(normalised)}, {customer_mask_sql(normalised)}",
        {"value": value, "hmac_ipad": inner, "hmac_opad": outer},
    ).fetchone()
    con.close()
    assert row is not None
    return row


@pytest.mark.parametrize(
    "raw,normalised",
    [
        ("13912344220", "13912344220"),
        ("+86 139-1234-4220", "13912344220"),
        ("8613912344220", "13912344220"),
        (" 139 1234 4220 ", "13912344220"),
        ("CUST-00042", "CUST00042"),
    ],
    ids=["plain", "plus86-dashes", "86-prefix", "spaces", "customer-id"],
)
def test_normalisation_makes_one_number_one_value(raw: str, normalised: str) -> None:
    assert _sql(raw)[0] == normalised


@given(st.text(alphabet="0123456789", min_size=5, max_size=15))
@settings(max_examples=60, deadline=None)
def test_sql_hash_and_mask_equal_the_python_reference(digits: str) -> None:
    normalised, hashed, masked = _sql(digits)
    assert hashed == customer_hash(normalised, KEY)
    assert masked == mask_customer(normalised)


def test_mask_is_the_operator_form_and_hides_the_middle() -> None:
    assert _sql("13912344220")[2] == "139****4220"


def test_hash_depends_on_the_key_and_long_keys_work() -> None:
    assert _sql("13912344220", b"key-a")[1] != _sql("13912344220", b"key-b")[1]
    long_key = b"k" * 100  # longer than the SHA-256 block: hashed first, per RFC 2104
    assert _sql("13912344220", long_key)[1] == customer_hash("13912344220", long_key)


def test_empty_customer_stays_null() -> None:
    assert _sql("") == (None, None, None)
    assert _sql(None) == (None, None, None)


def test_the_staging_columns_are_the_hash_and_mask_of_the_normalised_value() -> None:
    con = duckdb.connect()
    inner, outer = hmac_pads(KEY)
    hashed, masked = customer_columns_sql("$value")
    row = con.execute(
        f"SELECT {hashed}, {masked}",
        {"value": "+86 139-1234-4220", "hmac_ipad": inner, "hmac_opad": outer},
    ).fetchone()
    con.close()
    assert row == (customer_hash("13912344220", KEY), "139****4220")
