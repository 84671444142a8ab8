"""Reading source files: a SELECT that turns any export into canonical text columns.

Formats: CSV (plain or gzip), Parquet, JSON Lines (or a JSON array). Text: UTF-8 (with or
without BOM), GBK and GB18030; with ``encoding = "auto"`` the first MiB decides (valid UTF-8 is
UTF-8, a UTF-16 byte-order mark is UTF-16 (Excel's "Unicode text"), anything else is read as
GB18030, a superset of GBK), and a file that turns out not to be UTF-8 further on is read again
as GB18030. DuckDB reads UTF-8 only, so other encodings are transcoded to a UTF-8 work file
first, in a streaming pass.

The reader never drops a row. A CSV line with more fields than the header, or fewer (a
truncated last line), and a JSON line that is not an object, come through flagged in
``row_problem`` and are quarantined with that reason. Blank lines are not rows.

File-level problems raise :class:`~heatmap.errors.InputFileError` naming the file and the fix;
row-level problems are left to validation.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import re
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from heatmap.errors import InputFileError
from heatmap.mapping import CANONICAL_COLUMNS, REQUIRED_COLUMNS, Mapping
from heatmap.privacy import customer_columns_sql

SNIFF_BYTES = 1 << 20
CHUNK_BYTES = 1 << 22
# Fields the CSV reader would otherwise call NULL are read as '' unless they are missing from a
# short row: only padding yields NULL, which is how a row with too few fields is recognised.
_NEVER_NULL = "\x01\x02heatmap-null\x02\x01"
_EXTRA_FIELD = "extra_field"
# JSON Lines are read one line a row, split on a byte that valid JSON never holds unescaped.
_LINE_DELIMITER = "\x1f"
_SERIAL_ONLY = "quoted new lines"


@dataclass(frozen=True)
class Staging:
    """A SELECT over one source file, giving the canonical columns as text.

    ``sql`` yields ``complaint_id, reported_at, issue_type, lat, lon, coordinates, address,
    customer_hash, customer_masked, channel, severity, text`` (VARCHAR; NULL where the file has
    no such column), ``row_problem`` and ``row_problem_detail``, one row per source row in file
    order. The customer column is hashed and masked in the same expression that reads it: its
    clear value never reaches a table. ``serial_sql`` is the same read without parallelism,
    needed when a CSV with rows of varying length also has line breaks inside quotes;
    ``params`` are its bind parameters besides the hash keys; ``work_file`` is the UTF-8 copy of
    a transcoded file, for the caller to remove once the file is read.
    """

    sql: str
    serial_sql: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    work_file: Path | None = None


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


def read_head(path: Path) -> bytes:
    """The first MiB of the file's content (decompressed); a damaged gzip stops here."""
    try:
        with _open_bytes(path) as stream:
            return stream.read(SNIFF_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(
            f"{path}: not a readable gzip file ({exc}); check the download or copy is complete, "
            "or remove the .gz ending if it is not compressed"
        ) from None


def detect_encoding(head: bytes, declared: str) -> str:
    """The text encoding of a file starting with ``head``: ``declared`` unless it is ``auto``.

    >>> detect_encoding("工单".encode("gbk"), "auto"), detect_encoding(b"id,time", "auto")
    ('gb18030', 'utf-8')
    """
    if declared != "auto":
        return declared
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"; its BOM says so, and which byte order
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def utf8_copy(path: Path, encoding: str, work_dir: Path) -> Path:
    """A UTF-8 copy of ``path`` in ``work_dir`` (decompressed), read with ``encoding``."""
    target = work_dir / f"{path.name.removesuffix('.gz')}.utf8"
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    try:
        with _open_bytes(path) as src, target.open("w", encoding="utf-8", newline="") as out:
            while chunk := src.read(CHUNK_BYTES):
                out.write(decoder.decode(chunk))
                offset += len(chunk)
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        target.unlink(missing_ok=True)
        raise InputFileError(
            f"{path}: not valid {encoding} text (byte {offset + exc.start}); set [source] "
            "encoding in the mapping to the file's real encoding (utf-8, gbk or gb18030)"
        ) from None
    except (OSError, EOFError, zlib.error) as exc:
        target.unlink(missing_ok=True)
        raise InputFileError(
            f"{path}: cannot be read to the end ({exc}); check the file is complete"
        ) from None
    return target


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes (re-ingesting the same file is then recognised).

    Also the first read of the file, so a missing or unreadable file stops here, clearly.
    """
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder; give the export files inside it")
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


def sql_text(value: str) -> str:
    """A SQL string literal, for the file paths and options of DuckDB's reader functions."""
    return "'" + value.replace("'", "''") + "'"


def quoted_identifier(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def duckdb_message(exc: duckdb.Error) -> str:
    """The first line of a DuckDB error, without its class prefix."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return re.sub(r"^[A-Za-z ]+Error: ", "", first)


def _is_text_start(head: bytes) -> bool:
    return bool(head.lstrip(codecs.BOM_UTF8).strip())


class _NotUtf8(Exception):
    """DuckDB met bytes that are not UTF-8 while sniffing: read again, or say so."""

    def __init__(self, error: duckdb.Error) -> None:
        super().__init__(str(error))
        self.error = error


class _Projection:
    """Builds the canonical projection over the columns a source file has."""

    def __init__(self, path: Path, mapping: Mapping, available: dict[str, str]) -> None:
        self.path = path
        self.mapping = mapping
        self.available = available  # source column name → SQL expression giving its text
        self.present: set[str] = set()

    def column(self, canonical: str) -> str | None:
        source = self.mapping.source_column(canonical)
        expression = self.available.get(source)
        if expression is None and source.strip() != source:
            expression = self.available.get(source.strip())
        if expression is None:
            if canonical in REQUIRED_COLUMNS or canonical in self.mapping.explicit:
                self._missing(source, canonical)
            return None
        self.present.add(canonical)
        return expression

    def _missing(self, source: str, canonical: str) -> None:
        names = ", ".join(self.available) or "none"
        raise InputFileError(
            f"{self.path}: column {source!r} (mapped to {canonical}) is not in the file; its "
            f"columns are {names}. Fix [columns] in the mapping file (--mapping)"
        )

    def select_list(self) -> list[str]:
        values = {c: self.column(c) for c in CANONICAL_COLUMNS}
        if ("lat" in self.present) != ("lon" in self.present):
            lack = "lon" if "lat" in self.present else "lat"
            self._missing(self.mapping.source_column(lack), lack)
        if not {"lat", "coordinates", "address"} & self.present:
            raise InputFileError(
                f"{self.path}: no position columns: the file has neither "
                f"{self.mapping.source_column('lat')!r} and {self.mapping.source_column('lon')!r}, "
                f"nor {self.mapping.source_column('coordinates')!r} (one text column with both), "
                f"nor {self.mapping.source_column('address')!r}; map one of them in [columns]"
            )
        projections = []
        for canonical, expression in values.items():
            if canonical == "customer":
                hashed, masked = customer_columns_sql(
                    f"CAST({expression} AS VARCHAR)" if expression else "CAST(NULL AS VARCHAR)"
                )
                projections += [f"{hashed} AS customer_hash", f"{masked} AS customer_masked"]
            elif expression is None:
                projections.append(f"CAST(NULL AS VARCHAR) AS {canonical}")
            else:
                projections.append(f"CAST({expression} AS VARCHAR) AS {canonical}")
        return projections


def _describe(con: duckdb.DuckDBPyConnection, path: Path, reader: str, fmt: str) -> list[str]:
    try:
        return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    except duckdb.Error as exc:
        raise InputFileError(
            f"{path}: cannot be read as {fmt} ({duckdb_message(exc)}); check the file is "
            "complete and of the type its name says"
        ) from None


def _header(readable: Path, delimiter: str, quote: str) -> list[str]:
    """The header row's names, trimmed: its own field count, whatever later rows hold."""
    text = read_head(readable).decode("utf-8", errors="replace").removeprefix("\ufeff")
    first = next(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quote), [])
    return [name.strip() or f"column{i}" for i, name in enumerate(first)]


def _csv_staging(
    con: duckdb.DuckDBPyConnection, path: Path, readable: Path, mapping: Mapping
) -> Staging:
    # Quotes are RFC 4180's: double quotes, a quote inside them doubled. An apostrophe in a
    # value (O'Brien St) is text, never a quote the sniffer may take it for, and a backslash
    # ending a value (C:\) is text, never an escape that would swallow the line break after
    # it and merge two rows into one. Only the delimiter is sniffed.
    options = [
        "header = true",
        "null_padding = true",
        "strict_mode = false",
        "quote = '\"'",
        "escape = '\"'",
    ]
    if mapping.source.delimiter is not None:
        options.append(f"delim = {sql_text(mapping.source.delimiter)}")
    try:
        sniffed = con.execute(
            f"SELECT Delimiter, Quote, Escape, Columns FROM sniff_csv({sql_text(str(readable))}, "
            f"{', '.join(options)})"
        ).fetchone()
    except duckdb.Error as exc:
        if is_encoding_error(exc):
            raise _NotUtf8(exc) from None
        raise InputFileError(
            f"{path}: cannot be read as CSV ({duckdb_message(exc)}); check it is a text export "
            "with a header row, or set [source] delimiter in the mapping"
        ) from None
    assert sniffed is not None
    delimiter, quote, escape, _ = sniffed
    quote = '"' if quote in ("", "(empty)") else quote
    escape = quote
    names = _header(readable, delimiter, quote)
    fields = [f"f{i}" for i in range(len(names))]
    declared = ", ".join(f"{sql_text(f)}: 'VARCHAR'" for f in [*fields, _EXTRA_FIELD])
    available: dict[str, str] = {}
    for name, field_name in zip(names, fields, strict=True):
        available.setdefault(name, field_name)
    projection = _Projection(path, mapping, available)
    select_list = projection.select_list()
    last = fields[-1]
    problem = (
        f"CASE WHEN {last} IS NULL THEN 'too_few_fields' "
        f"WHEN {_EXTRA_FIELD} IS NOT NULL AND {_EXTRA_FIELD} <> '' THEN 'too_many_fields' END"
    )
    filled = " + ".join(f"({f} IS NOT NULL)::INTEGER" for f in fields)
    detail = (
        f"CASE WHEN {last} IS NULL THEN 'the row has ' || ({filled}) || ' of the header''s "
        f"{len(fields)} fields (a truncated line?)' "
        f"WHEN {_EXTRA_FIELD} IS NOT NULL AND {_EXTRA_FIELD} <> '' THEN 'the row has more fields "
        f"than the header''s {len(fields)} (an unquoted delimiter in a value?)' END"
    )

    def reader(parallel: bool) -> str:
        return (
            f"read_csv({sql_text(str(readable))}, auto_detect = false, header = true, "
            f"delim = {sql_text(delimiter)}, quote = {sql_text(quote)}, "
            f"escape = {sql_text(escape)}, null_padding = true, strict_mode = false, "
            f"nullstr = {sql_text(_NEVER_NULL)}, columns = {{{declared}}}, "
            f"parallel = {str(parallel).lower()})"
        )

    def select(parallel: bool) -> str:
        return (
            f"SELECT {', '.join(select_list)}, {problem} AS row_problem, "
            f"{detail} AS row_problem_detail FROM {reader(parallel)}"
        )

    return Staging(select(True), select(False))


def _json_lines_staging(
    con: duckdb.DuckDBPyConnection, path: Path, readable: Path, mapping: Mapping
) -> Staging:
    lines = (
        f"read_csv({sql_text(str(readable))}, auto_detect = false, header = false, "
        f"delim = {sql_text(_LINE_DELIMITER)}, quote = '', escape = '', null_padding = true, "
        f"strict_mode = false, nullstr = {sql_text(_NEVER_NULL)}, "
        f"columns = {{'line': 'VARCHAR', {sql_text(_EXTRA_FIELD)}: 'VARCHAR'}})"
    )
    objects = (
        f"SELECT CASE WHEN {_EXTRA_FIELD} IS NULL AND json_valid(line) THEN "
        "CASE WHEN json_type(line) = 'OBJECT' THEN line END END AS record, line "
        f"FROM {lines} WHERE line IS NOT NULL AND trim(line) <> ''"
    )
    try:  # every line's keys: an optional key may first appear late in the file
        keys = con.execute(
            f"SELECT DISTINCT unnest(json_keys(record)) FROM ({objects}) WHERE record IS NOT NULL"
        ).fetchall()
    except duckdb.Error as exc:
        raise InputFileError(
            f"{path}: cannot be read as JSON Lines ({duckdb_message(exc)}); check the file is "
            "complete, one JSON object a line"
        ) from None
    params: dict[str, object] = {}
    available: dict[str, str] = {}
    for i, (key,) in enumerate(sorted(keys)):
        params[f"json_key_{i}"] = "/" + str(key).replace("~", "~0").replace("/", "~1")
        available[str(key)] = f"json_extract_string(record, $json_key_{i})"
    projection = _Projection(path, mapping, available)
    select_list = projection.select_list()
    used = " ".join(select_list)
    sql = (
        f"SELECT {', '.join(select_list)}, "
        "CASE WHEN record IS NULL THEN 'malformed_json' END AS row_problem, "
        "CASE WHEN record IS NULL THEN 'the line is not a complete JSON object' END "
        f"AS row_problem_detail FROM ({objects})"
    )
    return Staging(sql, params={k: v for k, v in params.items() if f"${k})" in used})


def _typed_staging(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping, reader: str, fmt: str
) -> Staging:
    names = _describe(con, path, reader, fmt)
    available = {name.strip(): quoted_identifier(name) for name in reversed(names)}
    projection = _Projection(path, mapping, available)
    select_list = projection.select_list()
    sql = (
        f"SELECT {', '.join(select_list)}, CAST(NULL AS VARCHAR) AS row_problem, "
        f"CAST(NULL AS VARCHAR) AS row_problem_detail FROM {reader}"
    )
    return Staging(sql)


def staging_query(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    work_dir: Path,
    *,
    reread: bool = False,
) -> Staging:
    """The :class:`Staging` SELECT for ``path`` read through ``mapping``.

    Transcodes non-UTF-8 text into ``work_dir`` first. ``reread`` forces a GB18030 reading of
    a file whose encoding is ``auto`` (used when UTF-8 fails past the first MiB).
    """
    fmt = detect_format(path)
    if fmt == "parquet":
        return _typed_staging(con, path, mapping, f"read_parquet({sql_text(str(path))})", fmt)
    head = read_head(path)
    if not _is_text_start(head):
        raise InputFileError(f"{path}: is empty (not even a header row); export it again")
    encoding = "gb18030" if reread else detect_encoding(head, mapping.source.encoding)
    work_file = None if encoding in ("utf-8", "utf8") else utf8_copy(path, encoding, work_dir)
    readable = work_file or path
    staging = None
    try:
        if fmt == "csv":
            staging = _csv_staging(con, path, readable, mapping)
        elif head.lstrip(codecs.BOM_UTF8).lstrip().startswith(b"["):
            reader = f"read_json({sql_text(str(readable))}, format = 'array')"
            staging = _typed_staging(con, path, mapping, reader, "a JSON array")
        else:
            staging = _json_lines_staging(con, path, readable, mapping)
    except _NotUtf8 as not_utf8:
        if mapping.source.encoding == "auto" and not reread:
            return staging_query(con, path, mapping, work_dir, reread=True)
        raise reading_error(path, not_utf8.error, mapping.source.encoding) from None
    finally:
        if work_file is not None and staging is None:
            work_file.unlink(missing_ok=True)
    return replace(staging, work_file=work_file)


def is_serial_only_error(exc: duckdb.Error) -> bool:
    """Whether DuckDB refused a parallel CSV read that a serial read can do."""
    return _SERIAL_ONLY in str(exc)


def is_encoding_error(exc: duckdb.Error) -> bool:
    """Whether DuckDB met bytes that are not UTF-8."""
    return "Invalid unicode" in str(exc) or "not utf-8 encoded" in str(exc)


def reading_error(path: Path, exc: duckdb.Error, declared_encoding: str) -> InputFileError:
    """The one-line, fixable error for a DuckDB failure while reading ``path``."""
    message = str(exc)
    line = re.search(r"Line: (\d+)", message)
    where = f" at line {line.group(1)}" if line else ""
    if is_encoding_error(exc):
        return InputFileError(
            f"{path}: not valid {declared_encoding} text{where}; set [source] encoding in the "
            "mapping to the file's real encoding (utf-8, gbk or gb18030)"
        )
    if "GZIP" in message or "gzip" in message:
        return InputFileError(
            f"{path}: the gzip stream is damaged or ends early ({duckdb_message(exc)}); check "
            "the download or copy is complete"
        )
    return InputFileError(
        f"{path}: reading failed{where} ({duckdb_message(exc)}); check the file is complete and "
        "well formed"
    )
