"""Every worked example of legal-time-limits §8 through the CLI, with its own args."""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path

import pytest

from zhengfa.clock import calendar as calendar_module
from zhengfa.clock.calendar import WorkCalendar
from zhengfa.clock.cli import main

from .conftest import DATA, pinned_calendar

VECTORS = list(
    csv.DictReader((DATA / "legal_vectors_public.tsv").open(encoding="utf-8"), delimiter="\t")
)


@pytest.fixture(autouse=True)
def pinned_default(monkeypatch: pytest.MonkeyPatch) -> WorkCalendar:
    pinned = pinned_calendar(Path("/nonexistent"))
    monkeypatch.setattr(calendar_module, "default_calendar", lambda: pinned)
    monkeypatch.setattr("zhengfa.clock.cli.default_calendar", lambda: pinned)
    monkeypatch.setattr("zhengfa.clock.clock.default_calendar", lambda: pinned)
    return pinned


def run_due(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["due", *args, "--json", "--as-of", "2026-03-01"]) == 0
    return json.loads(capsys.readouterr().out)


def test_all_public_vectors_are_loaded() -> None:
    assert len(VECTORS) == 37


@pytest.mark.parametrize("row", VECTORS, ids=[row["id"] for row in VECTORS])
def test_vector(row: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    report = run_due(capsys, "--start", row["start"], *shlex.split(row["args"]))
    expected = row["expected"]
    if "T" in expected:
        assert str(report["due_at"]).startswith(expected + ":00+08:00")
    else:
        assert report["due_on"] == expected
        assert report["due_at"] == f"{expected}T23:59:59+08:00"


@pytest.mark.parametrize("row_id", ["V03", "V11", "V52"])
def test_uncertain_makeup_vectors_carry_the_makeup_warning(
    row_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    row = next(r for r in VECTORS if r["id"] == row_id)
    report = run_due(capsys, "--start", row["start"], *shlex.split(row["args"]))
    warnings = report["warnings"]
    assert isinstance(warnings, list)
    assert any(str(w).startswith("makeup:") for w in warnings)


def test_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    report = run_due(capsys, "--start", "2026-03-02", "--days", "15")
    assert {"due_on", "due_at", "state", "remaining_days", "warnings", "steps"} <= set(report)
    assert report["remaining_days"] == 16
    assert report["state"] == "running"
    steps = report["steps"]
    assert isinstance(steps, list)
    assert all({"zh", "en", "citation"} <= set(step) for step in steps)
