"""Locust users of a city at its peak hour (run by bench/bench_load.py, not by pytest).

Three kinds of visitors, weighted as a city's peak hour (weights of the user classes):
- the public looking up a court case's progress with its number and code
  (``/courts/public/progress/``), the most frequent request at peak;
- court staff on the workbench (``/flow/``) and on a case page (``/courts/cases/<id>/``);
- grid workers filing a dispute through the API (``POST /api/v1/disputes/``) with an
  a fresh ``Idempotency-Key`` per report.

The sample data (logins, case ids, number/code pairs, grid codes) come from the JSON file
named by ``ZHENGFA_LOAD_DATA``, written by bench/bench_load.py from the database under test.
Locust's gevent monkey-patching stays in this process.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from typing import Any

from locust import HttpUser, between, task

DATA: dict[str, Any] = json.loads(open(os.environ["ZHENGFA_LOAD_DATA"]).read())  # noqa: SIM115, PTH123


class Public(HttpUser):
    """Citizens looking up a case (no login)."""

    weight = 4
    wait_time = between(1, 3)

    @task
    def progress_lookup(self) -> None:
        number, code = random.choice(DATA["progress"])  # noqa: S311 - load mix, not security
        self.client.get(
            "/courts/public/progress/",
            params={"number": number, "code": code},
            name="public progress",
        )


class CourtStaff(HttpUser):
    """A judge working through the day's cases."""

    weight = 5
    wait_time = between(1, 3)

    def on_start(self) -> None:
        # A session signed in beforehand (bench_load.py): logins are not the peak's work.
        self.client.cookies.set("sessionid", DATA["sessions"].pop())

    @task(3)
    def workbench(self) -> None:
        self.client.get("/flow/", name="workbench")

    @task(2)
    def case_page(self) -> None:
        case_id = random.choice(DATA["case_ids"])  # noqa: S311
        self.client.get(f"/courts/cases/{case_id}/", name="case page")


class GridWorker(HttpUser):
    """A grid worker filing what they found on their round (API, token)."""

    weight = 1
    wait_time = between(1, 3)

    @task
    def intake(self) -> None:
        body = {
            "channel": "grid",
            "category": "land_property",
            "severity": "general",
            "description": "压测：宅基地边界争议",
            "grid_code": random.choice(DATA["grid_codes"]),  # noqa: S311
            "parties": [
                {"name": "甲某", "side": "applicant"},
                {"name": "乙某", "side": "respondent"},
            ],
        }
        headers = {
            "Authorization": f"Token {DATA['intake_token']}",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        with self.client.post(
            "/api/v1/disputes/", json=body, headers=headers, name="intake", catch_response=True
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
