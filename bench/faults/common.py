"""Shared parts of the fault scenarios: a retrying client and the invariants (the server
they run against is ``bench/benchkit.py``'s ``Server``).

The client is what a careful API client does: every report carries a fresh
``Idempotency-Key``; when the answer does not come (connection refused or reset, a 5xx)
it sends the same request with the same key again until it is acknowledged (201), and
writes the acknowledged key to its log. Afterwards ``check_*`` compare the log and the
database: every acknowledged key stored once with the answer the client got, no report
stored without its key, no clock with a warning lost or doubled, the audit chains intact.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

TAG = "故障演练 fault drill"


@dataclass
class ClientLog:
    acknowledged: dict[str, int] = field(default_factory=dict)  # key -> dispute id
    approvals: dict[str, int] = field(default_factory=dict)  # key -> approval id
    retries: int = 0
    refused: list[str] = field(default_factory=list)  # 4xx: a bug in the drill itself
    lock: threading.Lock = field(default_factory=threading.Lock)


def report_until_acknowledged(
    base_url: str, token: str, grid_code: str, log: ClientLog, give_up: float
) -> None:
    """One report, resent with the same key until a 201 or the ``give_up`` instant."""
    key = uuid.uuid4().hex
    body = json.dumps(
        {
            "channel": "grid",
            "category": "land_property",
            "severity": "general",
            "description": f"{TAG} {key}",
            "grid_code": grid_code,
            "parties": [{"name": "甲某", "side": "applicant"}],
        }
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Token {token}",
        "Idempotency-Key": key,
    }
    while time.monotonic() < give_up:
        request = urllib.request.Request(  # noqa: S310 - loopback
            base_url + "/api/v1/disputes/", data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                dispute_id = json.loads(answer.read())["id"]
            with log.lock:
                log.acknowledged[key] = dispute_id
            return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                with log.lock:
                    log.refused.append(f"{error.code} {error.read()[:200]!r}")
                return
        except (OSError, ValueError):
            pass  # refused, reset, timed out: not acknowledged, send again
        with log.lock:
            log.retries += 1
        time.sleep(0.3)


def client_threads(
    base_url: str, token: str, grid_codes: list[str], log: ClientLog, until: float, count: int
) -> list[threading.Thread]:
    def loop(n: int) -> None:
        i = 0
        while time.monotonic() < until:
            grid = grid_codes[(n + i) % len(grid_codes)]
            report_until_acknowledged(base_url, token, grid, log, give_up=until + 120)
            i += 1

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    return threads


def intake_fixture() -> dict[str, Any]:
    """An API token for the demo grid worker and grid codes it may report in."""
    from zhengfa.org.models import Grid, User
    from zhengfa.org.tokens import token_create

    worker = User.objects.get(username="grid_worker")
    grids = list(Grid.objects.for_user(worker).values_list("code", flat=True)[:20])
    return {"token": token_create(user=worker, label="fault drill"), "grid_codes": grids}


def approval_fixture(count: int = 40) -> dict[str, Any]:
    """An API token for the demo judge and running clocks of the judge's matters with no
    open request on them: each gets one extension request (审限延长申请) in the drill."""
    from django.db.models import Q
    from django.utils import timezone

    from zhengfa.flow.models import Approval, Clock, Matter
    from zhengfa.org.models import User
    from zhengfa.org.tokens import token_create

    judge = User.objects.get(username="judge")
    clocks = (
        Clock.objects.filter(
            matter__in=Matter.objects.for_user(judge, "change").values("pk"),
            state="running",
            due_at__gt=timezone.now() + timedelta(days=3),
        )
        .exclude(purpose="approval")
        .exclude(Q(approvals__isnull=False) | Q(decides__isnull=False))
        .exclude(pk__in=Approval.objects.values("decision_clock"))
        .values_list("pk", flat=True)[:count]
    )
    return {"token": token_create(user=judge, label="fault drill"), "clocks": list(clocks)}


def _post_until_acknowledged(
    url: str, body: bytes, token: str, log: ClientLog, give_up: float
) -> tuple[str, dict[str, Any] | None]:
    """POST with a fresh key, resent with the same key until a 2xx; (key, answer or None).
    A refusal (4xx) of a resend is logged as a problem: the first answer was lost and the
    key should have replayed it."""
    key = uuid.uuid4().hex
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}",
               "Idempotency-Key": key}  # fmt: skip
    resent = False
    while time.monotonic() < give_up:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return key, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            if error.code < 500:
                if resent:
                    with log.lock:
                        log.refused.append(f"resend {error.code} {error.read()[:200]!r}")
                return key, None
        except (OSError, ValueError):
            pass  # refused, reset, timed out: not acknowledged, send again
        resent = True
        with log.lock:
            log.retries += 1
        time.sleep(0.3)
    return key, None


def approval_thread(
    base_url: str, fixture: dict[str, Any], log: ClientLog, until: float
) -> threading.Thread:
    """A judge filing one extension request per clock of the fixture, one after another."""

    def run() -> None:
        for clock_id in fixture["clocks"]:
            if time.monotonic() >= until:
                return
            body = json.dumps({"kind": "extend", "reason_code": "special_circumstances",
                               "detail": f"{TAG} 延长审限", "days": 30}).encode()  # fmt: skip
            url = f"{base_url}/api/v1/flow/clocks/{clock_id}/approvals"
            key, answer = _post_until_acknowledged(url, body, fixture["token"], log, until + 120)
            if answer is not None:
                with log.lock:
                    log.approvals[key] = answer["id"]

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def check_approvals_once(log: ClientLog) -> list[str]:
    """Each acknowledged extension request stored once, as the answer the judge got."""
    from django.db.models import Count

    from zhengfa.flow.models import Approval
    from zhengfa.web.models import IdempotentResponse

    drill = Approval.objects.filter(detail__startswith=TAG)
    twice = drill.values("clock_id").annotate(n=Count("pk")).filter(n__gt=1)
    problems = [f"clock {t['clock_id']}: {t['n']} drill requests" for t in twice]
    stored = {
        row.key: json.loads(bytes(row.body))["id"]
        for row in IdempotentResponse.objects.filter(key__in=list(log.approvals))
    }
    ids = set(drill.values_list("pk", flat=True))
    for key, approval_id in log.approvals.items():
        if stored.get(key) != approval_id or approval_id not in ids:
            problems.append(
                f"approval key {key}: acknowledged {approval_id}, stored {stored.get(key)}"
            )
    return problems


# --- invariants --------------------------------------------------------------------------


def check_stored_once(log: ClientLog) -> list[str]:
    """Every acknowledged key stored once, with the dispute the client was told about; each
    drill report stored once (its key is in its description) and with its key's row."""
    from django.db.models import Count

    from zhengfa.disputes.models import Dispute
    from zhengfa.web.models import IdempotentResponse

    problems = [f"refused: {r}" for r in log.refused]
    drill = Dispute.objects.filter(description__startswith=TAG)
    twice = drill.values("description").annotate(n=Count("pk")).filter(n__gt=1)
    problems += [f"stored {t['n']} times: {t['description']}" for t in twice]
    keys = {d.pk: d.description.removeprefix(TAG).strip() for d in drill}
    stored = {
        row.key: json.loads(bytes(row.body))["id"]
        for row in IdempotentResponse.objects.filter(key__in=[*keys.values(), *log.acknowledged])
    }
    for key, dispute_id in log.acknowledged.items():
        if stored.get(key) != dispute_id:
            problems.append(f"key {key}: acknowledged {dispute_id}, stored {stored.get(key)}")
    for dispute_id, key in keys.items():
        if stored.get(key) != dispute_id:
            problems.append(f"dispute {dispute_id} stored without its answer (key {key})")
    return problems


def last_clock_id() -> int:
    from django.db.models import Max

    from zhengfa.flow.models import Clock

    return int(Clock.objects.aggregate(last=Max("pk"))["last"] or 0)


def check_warnings(at: datetime, up_to_clock: int) -> list[str]:
    """After a complete sweep at ``at``: no clock still due, each reached threshold of each
    running clock warned exactly once. Only clocks that existed when the final sweep began
    (``up_to_clock``): the sweep's own escalations open new clocks, dated from the real
    today, which a sweep at a future instant finds due at once."""
    from django.db.models import Count

    from zhengfa.flow.models import Clock, Warning
    from zhengfa.flow.thresholds import threshold_kind, thresholds_for

    problems = []
    doubled = (
        Warning.objects.values("clock_id", "threshold_s").annotate(n=Count("id")).filter(n__gt=1)
    )
    problems += [f"clock {d['clock_id']} warned twice at -{d['threshold_s']}s" for d in doubled]
    clocks = Clock.objects.filter(pk__lte=up_to_clock)
    still_due = clocks.filter(next_alert_at__lte=at).count()
    if still_due:
        problems.append(f"{still_due} clocks still due after the final sweep")
    fired: dict[int, set[int]] = {}
    for clock_id, threshold in Warning.objects.values_list("clock_id", "threshold_s"):
        fired.setdefault(clock_id, set()).add(threshold)
    for clock in clocks.filter(next_alert_at__isnull=False).iterator():
        reached = {
            t
            for t in thresholds_for(clock.rule, threshold_kind(clock))
            if clock.due_at.timestamp() - t <= at.timestamp()
        }
        lost = reached - fired.get(clock.pk, set())
        if lost:
            problems.append(f"clock {clock.pk} lost its warnings at {sorted(lost)}")
    return problems


def check_audit(env: dict[str, str]) -> list[str]:
    done = subprocess.run(  # noqa: S603 - our own argv
        [sys.executable, "-m", "zhengfa.cli", "audit", "verify"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return [
            f"audit verify failed ({done.returncode}): {done.stdout[-500:]}{done.stderr[-500:]}"
        ]
    return []


def sweep_process(env: dict[str, str], at: datetime) -> subprocess.Popen[bytes]:
    """``sweep(at=…)`` in a process of its own (the sweeper as the worker runs it)."""
    code = (
        "import django; django.setup(); from datetime import datetime;"
        "from zhengfa.flow.sweeper import sweep;"
        f"print(sweep(at=datetime.fromisoformat({at.isoformat()!r}), batch=100))"
    )
    return subprocess.Popen(  # noqa: S603 - our own argv
        [sys.executable, "-c", code], env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip


def sweep_to_completion(env: dict[str, str], at: datetime) -> list[str]:
    """The last sweep, after the faults: it must finish, so that the warnings can be checked."""
    final = sweep_process(env, at)
    output, _ = final.communicate()
    if final.returncode != 0:
        return [f"the final sweep failed ({final.returncode}): {output[-800:]!r}"]
    return []
