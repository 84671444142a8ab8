"""Personal data: customer numbers and ids are kept only as keyed hashes and masked text.

The hash is HMAC-SHA256 with the deployment's secret key (see :meth:`heatmap.home.Home.hash_key`),
computed inside DuckDB so that clear numbers never reach a stored table. The same number gives
the same hash under the same key, so repeat complaints stay detectable. Masks keep the first
three and last four characters (``139****4220``), the form Chinese operators show agents.
"""

from __future__ import annotations

import hashlib
import hmac

HASH_HEX_CHARS = 32


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer HMAC-SHA256 pads of ``key`` (RFC 2104), for the SQL expression."""
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def normalised_customer_sql(column: str) -> str:
    """SQL that reduces a customer number to its digits and letters, without a +86/86 prefix."""
    digits = f"regexp_replace(trim({column}), '[^0-9A-Za-z]', '', 'g')"
    return (
        f"CASE WHEN length({digits}) = 13 AND starts_with({digits}, '86') "
        f"THEN substr({digits}, 3) ELSE nullif({digits}, '') END"
    )


def customer_hash_sql(normalised: str) -> str:
    """SQL for the keyed hash of a normalised value; binds ``$hmac_ipad`` and ``$hmac_opad``."""
    return (
        f"left(sha256($hmac_opad || unhex(sha256($hmac_ipad || encode({normalised})))), "
        f"{HASH_HEX_CHARS})"
    )


def customer_mask_sql(normalised: str) -> str:
    """SQL for the masked form: first 3 and last 4 characters kept, the rest hidden."""
    return (
        f"CASE WHEN length({normalised}) >= 8 "
        f"THEN left({normalised}, 3) || '****' || right({normalised}, 4) "
        f"WHEN {normalised} IS NOT NULL THEN '****' || right({normalised}, 2) END"
    )


def customer_columns_sql(value: str) -> tuple[str, str]:
    """SQL for ``(customer_hash, customer_masked)`` of a raw customer value ``value``.

    Both expressions repeat the normalisation; DuckDB evaluates a repeated subexpression of a
    projection once. Binds ``$hmac_ipad`` and ``$hmac_opad``.
    """
    normalised = normalised_customer_sql(value)
    return customer_hash_sql(normalised), customer_mask_sql(normalised)


def customer_hash(value: str, key: bytes) -> str:
    """The keyed hash of one already-normalised value (the reference the SQL is tested against).

    >>> customer_hash("13912344220", b"k")[:8]
    'fef85a2c'
    """
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:HASH_HEX_CHARS]


def mask_customer(value: str) -> str:
    """The masked form of one normalised value.

    >>> mask_customer("13912344220")
    '139****4220'
    """
    if len(value) >= 8:
        return f"{value[:3]}****{value[-4:]}"
    return "****" + value[-2:]
