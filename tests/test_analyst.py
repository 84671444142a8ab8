"""The analysts' SQL: every query in the SQL guide and the README runs, and answers, on the demo.

The guide is only useful while its queries work: they are read out of ``docs/SQL.md`` and the
README and run through ``heatmap.analyst.run_query`` (what ``heatmap sql`` calls) on the
published demo home. The headline question ("which districts had the most fibre-loss
complaints this week, and their repeat rate") is checked against a count made by hand from
the ``complaints`` view.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from heatmap.analyst import run_query
from heatmap.errors import HeatmapError
from heatmap.home import Home

REPO = Path(__file__).resolve().parents[1]
TZ = "Asia/Shanghai"


def _guide_queries() -> list[str]:
    text = (REPO / "docs" / "SQL.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```sql\n(.*?)```", text, re.S)]


def _readme_queries() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [" ".join(q.split()) for q in re.findall(r'heatmap sql "(.*?)"', text, re.S)]


GUIDE = _guide_queries()
README = _readme_queries()


def test_the_guide_and_the_readme_have_queries() -> None:
    assert len(GUIDE) >= 4 and len(README) >= 1


@pytest.mark.slow
@pytest.mark.parametrize("query", GUIDE + README, ids=[f"guide-{i}" for i in range(len(GUIDE))]
                         + [f"readme-{i}" for i in range(len(README))])  # fmt: skip
def test_every_documented_query_runs_and_answers(demo_home: Path, query: str) -> None:
    rows = json.loads(run_query(Home(demo_home), query, "json", TZ))
    assert rows, f"no rows from a documented query:\n{query}"


@pytest.mark.slow
def test_the_fibre_loss_question_matches_a_hand_count(demo_home: Path) -> None:
    query = next(q for q in GUIDE if "fibre_loss" in q and "repeat_pct" in q)
    answer = json.loads(run_query(Home(demo_home), query, "json", TZ))
    con = duckdb.connect(str(Home(demo_home).current_path), read_only=True)
    try:
        rows = con.execute("SELECT issue_type, district, is_repeat, reported_at FROM complaints")
        complaints = rows.fetchall()
    finally:
        con.close()
    since = max(r[3] for r in complaints) - timedelta(days=7)
    by_district: dict[str, list[bool]] = {}
    for issue_type, district, is_repeat, reported_at in complaints:
        if issue_type == "fibre_loss" and reported_at >= since:
            by_district.setdefault(district, []).append(is_repeat)
    top = max(by_district, key=lambda d: len(by_district[d]))
    assert answer[0]["district"] == top
    assert answer[0]["complaints"] == len(by_district[top])
    expected_pct = round(100 * sum(by_district[top]) / len(by_district[top]), 1)
    assert answer[0]["repeat_pct"] == pytest.approx(expected_pct, abs=0.051)


@pytest.mark.slow
@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM store.complaints",
        "CREATE TABLE x AS SELECT 1",
        "COPY (SELECT * FROM complaints) TO '/tmp/heatmap-leak.csv'",
        "SELECT * FROM read_csv('/etc/passwd')",
    ],
    ids=["delete", "create", "copy-to", "read-file"],
)
def test_writes_and_file_access_are_refused(demo_home: Path, query: str) -> None:
    with pytest.raises((HeatmapError, duckdb.Error)):
        run_query(Home(demo_home), query, "json", TZ)
