-- Parsers of source text, as macros: validate.sql uses them, tests/test_ingest_parsers.py
-- checks them one value at a time (Hypothesis).
-- Grain: scalar (one text value in, one typed value out); no table is read or written.
-- Inputs: text arguments only.
-- A number: optional sign, digits with an optional fraction and exponent; NaN and infinities
-- are recognised so that they are reported as non-finite, not as text.
CREATE OR REPLACE TEMP MACRO hm_number(value) AS
    TRY_CAST(nullif(trim(value), '') AS DOUBLE);

-- WKT POINT (lon lat), optionally POINT Z; longitude first, as WKT has it.
CREATE OR REPLACE TEMP MACRO hm_wkt_part(value, part) AS
    hm_number(regexp_extract(
        value,
        '(?i)^\s*POINT\s*(?:Z\s*)?\(\s*([-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|nan|inf(?:inity)?))\s+([-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|nan|inf(?:inity)?))(?:\s+[-+]?\d+\.?\d*)?\s*\)\s*$',
        part
    ));

-- "(lat, lon)", "lat,lon" or "[lat; lon]": latitude first, as map apps and Boston 311 write it.
CREATE OR REPLACE TEMP MACRO hm_pair_part(value, part) AS
    hm_number(regexp_extract(
        value,
        '(?i)^\s*[\(\[]?\s*([-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|nan|inf(?:inity)?))\s*[,;，；]\s*([-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|nan|inf(?:inity)?))\s*[\)\]]?\s*$',
        part
    ));

CREATE OR REPLACE TEMP MACRO hm_coordinates_lat(value) AS
    coalesce(hm_wkt_part(value, 2), hm_pair_part(value, 1));

CREATE OR REPLACE TEMP MACRO hm_coordinates_lon(value) AS
    coalesce(hm_wkt_part(value, 1), hm_pair_part(value, 2));

-- An instant from text: naive formats read as local time in zone tz (DST applies: a time in a
-- spring-forward gap moves on), else offset formats, else ISO text ending in Z or an offset.
-- A naive format never matches text with an offset (strptime must consume the whole text).
CREATE OR REPLACE TEMP MACRO hm_instant(value, tz, naive_formats, offset_formats) AS
    coalesce(
        timezone(tz, try_strptime(value, naive_formats)),
        try_strptime(value, offset_formats),
        CASE WHEN regexp_matches(value, '(Z|[+-]\d{2}(:?\d{2})?)$')
             THEN TRY_CAST(value AS TIMESTAMPTZ) END
    );

-- Whether text shaped like a date and time names one that cannot exist (month 13, 30 February,
-- hour 25): such a time is impossible, not merely in a format we do not know.
CREATE OR REPLACE TEMP MACRO hm_date_field(value, part) AS
    TRY_CAST(nullif(regexp_extract(
        value, '^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', part
    ), '') AS INTEGER);

CREATE OR REPLACE TEMP MACRO hm_us_date_field(value, part) AS
    TRY_CAST(nullif(regexp_extract(
        value, '^\s*(\d{1,2})/(\d{1,2})/(\d{4})', part
    ), '') AS INTEGER);

CREATE OR REPLACE TEMP MACRO hm_time_field(value, part) AS
    TRY_CAST(nullif(regexp_extract(
        value, '[\sT日](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?', part
    ), '') AS INTEGER);

CREATE OR REPLACE TEMP MACRO hm_impossible_date(y, m, d) AS
    y IS NOT NULL AND (
        m NOT BETWEEN 1 AND 12
        OR d NOT BETWEEN 1 AND 31
        OR d > day(last_day(make_date(y::BIGINT, greatest(least(m, 12), 1)::BIGINT, 1::BIGINT)))
    );

CREATE OR REPLACE TEMP MACRO hm_impossible_instant(value) AS
    coalesce(
        hm_impossible_date(
            hm_date_field(value, 1), hm_date_field(value, 2), hm_date_field(value, 3)
        )
        OR hm_impossible_date(
            hm_us_date_field(value, 3), hm_us_date_field(value, 1), hm_us_date_field(value, 2)
        )
        OR hm_time_field(value, 1) > 23
        OR hm_time_field(value, 2) > 59
        OR hm_time_field(value, 3) > 60,
        false
    );
