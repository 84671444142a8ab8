"""Reading source files into a staging table of canonical text columns.

Formats: CSV (plain or gzip), Parquet, JSON Lines. Text: UTF-8 (with or without BOM), GBK and
GB18030; with ``encoding = "auto"`` the first MiB decides (valid UTF-8 is UTF-8, anything else
is read as GB18030, a superset of GBK). DuckDB reads UTF-8 only, so other encodings are
transcoded to a UTF-8 work file first, in a streaming pass.

File-level problems raise :class:`~heatmap.errors.InputFileError` naming the file and the fix;
row-level problems are left to validation.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
from pathlib import Path

import duckdb

from heatmap.errors import InputFileError
from heatmap.mapping import CANONICAL_COLUMNS, REQUIRED_COLUMNS, Mapping
from heatmap.privacy import customer_hash_sql, customer_mask_sql, normalised_customer_sql

SNIFF_BYTES = 1 << 20
CHUNK_BYTES = 1 << 22


def detect_format(path: Path) -> str:
    """``csv``, ``parquet`` or ``jsonl`` from the file name."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise InputFileError(f"{path}: unknown file type; name it .csv, .csv.gz, .parquet or .jsonl")


def _open_bytes(path: Path) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def detect_encoding(path: Path, declared: str) -> str:
    """The text encoding of a CSV file: ``declared`` unless it is ``auto``."""
    if declared != "auto":
        return declared
    with _open_bytes(path) as stream:
        head = stream.read(SNIFF_BYTES)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def utf8_copy(path: Path, encoding: str, work_dir: Path) -> Path:
    """A UTF-8 copy of ``path`` in ``work_dir`` (decompressed), read with ``encoding``."""
    target = work_dir / f"{path.name}.utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with _open_bytes(path) as src, target.open("w", encoding="utf-8", newline="") as out:
            while chunk := src.read(CHUNK_BYTES):
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        target.unlink(missing_ok=True)
        raise InputFileError(
            f"{path}: not valid {encoding} text (byte {exc.start}); set [source] encoding "
            "in the mapping to the file's real encoding (utf-8, gbk or gb18030)"
        ) from None
    return target


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes (re-ingesting the same file is then recognised).

    Also the first read of the file, so a missing or unreadable file stops here, clearly.
    """
    if not path.is_file():
        raise InputFileError(f"{path}: no such file; check the path")
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                digest.update(chunk)
    except OSError as exc:
        raise InputFileError(
            f"{path}: cannot be read ({exc.strerror}); check its permissions"
        ) from None
    return digest.hexdigest()


def _reader_sql(path: Path, fmt: str) -> str:
    quoted = "'" + str(path).replace("'", "''") + "'"
    if fmt == "csv":
        return f"read_csv({quoted}, header = true, all_varchar = true, null_padding = true)"
    if fmt == "parquet":
        return f"read_parquet({quoted})"
    return f"read_json({quoted}, format = 'newline_delimited')"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_staging(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    work_dir: Path,
    hmac_pads: tuple[bytes, bytes],
) -> int:
    """Create the temp table ``staging`` (``source_row`` + canonical VARCHAR columns).

    The customer column never lands in clear: it is hashed and masked in the same statement
    that reads it. Returns the number of rows read.
    """
    fmt = detect_format(path)
    readable = path
    if fmt == "csv":
        encoding = detect_encoding(path, mapping.source.encoding)
        if encoding not in ("utf-8", "utf8"):
            readable = utf8_copy(path, encoding, work_dir)
    reader = _reader_sql(readable, fmt)
    try:
        available = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        raise InputFileError(
            f"{path}: cannot be read as {fmt} ({first_line}); check the file is complete "
            "and of the type its name says"
        ) from None

    projections = []
    for canonical in CANONICAL_COLUMNS:
        source = mapping.source_column(canonical)
        if source not in available:
            if canonical in REQUIRED_COLUMNS or canonical in mapping.explicit:
                raise InputFileError(
                    f"{path}: column {source!r} (mapped to {canonical}) is not in the file; "
                    f"its columns are {', '.join(available)}. Fix [columns] in the mapping "
                    "file (--mapping)"
                )
            projections.append(f"CAST(NULL AS VARCHAR) AS {canonical}")
            continue
        value = f"CAST({_identifier(source)} AS VARCHAR)"
        if canonical == "customer":
            normalised = normalised_customer_sql(value)
            projections.append(f"{customer_hash_sql(normalised)} AS customer_hash")
            projections.append(f"{customer_mask_sql(normalised)} AS customer_masked")
        else:
            projections.append(f"{value} AS {canonical}")
    if "customer_hash" not in " ".join(projections):
        projections += [
            "CAST(NULL AS VARCHAR) AS customer_hash",
            "CAST(NULL AS VARCHAR) AS customer_masked",
        ]

    inner, outer = hmac_pads
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE staging_raw AS "
            f"SELECT {', '.join(projections)} FROM {reader}",
            {"hmac_ipad": inner, "hmac_opad": outer}
            if "hmac_ipad" in " ".join(projections)
            else None,
        )
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        raise InputFileError(
            f"{path}: reading failed ({first_line}); check the file is complete and well formed"
        ) from None
    con.execute(
        "CREATE OR REPLACE TEMP TABLE staging AS "
        "SELECT rowid + 1 AS source_row, * FROM staging_raw ORDER BY rowid"
    )
    con.execute("DROP TABLE staging_raw")
    result = con.execute("SELECT count(*) FROM staging").fetchone()
    return int(result[0]) if result else 0
