"""``zhengfa insight trends``: JSON out, and bad input refused with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from zhengfa.insight.synthetic import HistorySpec, flat_history
from zhengfa.insight.weeks import format_week

WEEKS = 4 * 52 + 2


def _history_csv(path: Path) -> Path:
    """40 flat series and one that jumps to 60 in the last week (its mean is about 10)."""
    data = flat_history(HistorySpec(series=40, weeks=WEEKS, mean_low=8, mean_high=12), seed=3)
    lines = ["series,week,count"]
    for i, name in enumerate(data.series):
        for j, monday in enumerate(data.weeks):
            count = 60 if (i == 7 and j == WEEKS - 1) else int(data.counts[i, j])
            if count:  # absent rows are zero counts
                lines.append(f"矛盾纠纷/{name},{format_week(monday)},{count}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_lists_the_planted_rise(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = _history_csv(tmp_path / "history.csv")
    call_command("insight", "trends", "--input", str(csv_path), "--json")
    alerts = json.loads(capsys.readouterr().out)
    assert [a["series"] for a in alerts] == ["矛盾纠纷/s00007"]
    (alert,) = alerts
    assert alert["week"] == "2027-W01" and alert["count"] == 60
    assert 5 < alert["expected"] < 20 and alert["upper"] < 60
    assert alert["p_value"] < 1e-6 and alert["score"] > 4
    assert alert["control"] == "fdr" and alert["baseline"]["years"] == 3
    assert "本周数量 60 超过基线" in alert["reason"]


def test_an_earlier_week_and_per_series_control(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = _history_csv(tmp_path / "history.csv")
    call_command(
        "insight", "trends", "--input", str(csv_path), "--week", "2026-W52",
        "--control", "per-series", "--alpha", "0.001", "--json",
    )  # fmt: skip
    alerts = json.loads(capsys.readouterr().out)
    assert all(a["week"] == "2026-W52" and a["level"] == 0.001 for a in alerts)
    assert "矛盾纠纷/s00007" not in {a["series"] for a in alerts}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("series,count\na,1\n", "line 1: missing column.*week.*series,week,count"),
        ("series,week,count\na,2026/14,1\n", "line 2: week '2026/14' is not an ISO week"),
        ("series,week,count\na,2026-W14,-3\n", "line 2: count '-3'.*whole number 0 or more"),
        ("series,week,count\na,2026-W14,1\na,2026-W14,2\n", "line 3: .*already given on line 2"),
        ("series,week,count\na,2026-W14,1\n", "needs 55 earlier weeks"),
    ],
)
def test_bad_input_exits_2_naming_the_row(tmp_path: Path, rows: str, message: str) -> None:
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text(rows, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as raised:
        call_command("insight", "trends", "--input", str(csv_path), "--json")
    assert raised.value.returncode == 2
    assert csv_path.read_text(encoding="utf-8") == rows  # the input is read, never rewritten


def test_bad_week_option_and_missing_file(tmp_path: Path) -> None:
    csv_path = _history_csv(tmp_path / "history.csv")
    with pytest.raises(CommandError, match="--week '2026-14' is not an ISO week") as raised:
        call_command("insight", "trends", "--input", str(csv_path), "--week", "2026-14")
    assert raised.value.returncode == 2
    with pytest.raises(CommandError, match="week 2030-W01 is outside the data"):
        call_command("insight", "trends", "--input", str(csv_path), "--week", "2030-W01")
    with pytest.raises(CommandError, match="No such file") as missing:
        call_command("insight", "trends", "--input", str(tmp_path / "none.csv"))
    assert missing.value.returncode == 2


def test_console_command_exit_status(tmp_path: Path) -> None:
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("series,week,count\na,2026-W14,x\n", encoding="utf-8")
    zhengfa = Path(sys.executable).with_name("zhengfa")
    run = subprocess.run(
        [str(zhengfa), "insight", "trends", "--input", str(csv_path), "--alpha", "0.01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "line 2: count 'x' is not accepted; give a whole number 0 or more" in run.stderr
