"""What the bench scripts share: Django set up for a benchmark, the throw-away test
database, timers, the printed figures, the benchmark city's regions, and ``zhengfa serve``
started and stopped on loopback for the load test and the fault drills.

Not a benchmark itself (``make bench`` runs ``bench/bench_*.py``). A script run as
``python bench/<script>.py`` finds this module on its own folder's path; the fault drills
put this folder on theirs.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

# ---- Django in the benchmark's own process ----------------------------------------------


def setup_django() -> None:
    """Django with fresh random keys and DEBUG off (DEBUG would keep every statement's SQL
    text in memory); settings already in the environment win."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengfa.settings")
    os.environ.setdefault("DEBUG", "0")
    for name in ("ZHENGFA_AUDIT_KEY", "ZHENGFA_PII_HASH_KEY"):
        os.environ.setdefault(name, _random_key())
    os.environ.setdefault("ZHENGFA_PII_KEYS", "b1:" + _random_key())
    import django

    django.setup()


def _random_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@contextmanager
def throwaway_database(*, keep: bool = False) -> Iterator[None]:
    """The test database of whatever ``DATABASE_URL`` names (in memory on SQLite), made
    for the run and dropped after it; with ``keep`` reused from the last run and kept."""
    from django.db import connection

    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=not keep, keepdb=keep, serialize=False
    )
    try:
        yield
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


# ---- timing and figures -----------------------------------------------------------------


def timed(work: Callable[[], object]) -> float:
    """Wall-clock seconds of one call."""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(work) for _ in range(repeat))


def print_figures(
    figures: dict[str, Any], *, as_json: bool, width: int, places: int | None = None
) -> None:
    """JSON, or one line a figure with the names in a column ``width`` wide; with
    ``places``, floats to that many decimals and numbers with thousands separators."""
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    for name, value in figures.items():
        print(f"{name:{width}} {value if places is None else _shown(value, places)}")


def _shown(value: Any, places: int) -> Any:
    if isinstance(value, float):
        return f"{value:,.{places}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value


# ---- the benchmark city -----------------------------------------------------------------

COUNTIES = TOWNSHIPS_PER_COUNTY = 10


class Township(NamedTuple):
    code: str
    county: str
    county_index: int  # 0–9, in the city
    index: int  # 0–9, in its county


def build_regions(city: str, *, with_courts: bool = False) -> list[Township]:
    """The city ``city`` with 10 counties × 10 townships (and a court in each county)."""
    from zhengfa.org.models import Region, RegionLevel

    Region.objects.create(code=city, name="基准市", level=RegionLevel.CITY)
    townships = []
    for c in range(COUNTIES):
        county = f"{city}{c + 1:02d}"
        Region.objects.create(code=county, name=f"县{c}", level=RegionLevel.COUNTY, parent_id=city)
        if with_courts:
            _county_court(county, c)
        for t in range(TOWNSHIPS_PER_COUNTY):
            township = Township(f"{county}{t + 1:03d}", county, c, t)
            Region.objects.create(
                code=township.code,
                name=f"街道{c}-{t}",
                level=RegionLevel.TOWNSHIP,
                parent_id=county,
            )
            townships.append(township)
    return townships


def _county_court(county: str, index: int) -> None:
    from zhengfa.org.models import Unit, UnitKind

    Unit.objects.create(
        code=f"{county}-FY",
        name=f"县{index}法院",
        kind=UnitKind.COURT,
        level="county",
        region_id=county,
        court_code=f"黑{index:02d}",
    )


def grids_in_township(grids: int, township_index: int) -> int:
    """How many of ``grids`` grids the township with this index (0–99, in the order
    ``build_regions`` made them) gets: spread evenly, the last ones left short or empty."""
    per_township = -(-grids // (COUNTIES * TOWNSHIPS_PER_COUNTY))
    return max(0, min(per_township, grids - township_index * per_township))


def build_grids(grids: int, townships: list[Township]) -> None:
    """``grids`` grids spread over the townships, each a point with no outline."""
    from zhengfa.org.models import Grid

    for index, township in enumerate(townships):
        Grid.objects.bulk_create(
            Grid(
                code=f"{township.code}{g:04d}",
                name=f"网格{g}",
                region_id=township.code,
                geometry={},
                centroid_lon=130.0,
                centroid_lat=47.0,
            )
            for g in range(grids_in_township(grids, index))
        )


# ---- zhengfa serve on loopback (the load test and the fault drills) ---------------------


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """A production-like environment for ``zhengfa serve`` on ``database_url``."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "zhengfa.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-server-secret-" + "x" * 40),
        "ZHENGFA_MEDIA_ROOT": os.environ.get("ZHENGFA_MEDIA_ROOT", "/tmp/zf_load_media"),  # noqa: S108
        **extra,
    }


def setup_django_as_server(database_url: str, **extra: str) -> None:
    """Django in this process with the environment the server gets (to prepare its data
    and check it afterwards)."""
    os.environ.update(server_env(database_url, **extra))
    import django

    django.setup()


class Server:
    """``zhengfa serve`` (gunicorn workers + the flow worker) in its own process group, so
    one ``killpg`` takes all of them at once, as a power cut or the OOM killer would."""

    def __init__(self, database_url: str, port: int, **extra: str) -> None:
        self.env = server_env(database_url, **extra)
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self.log = open(f"/tmp/zf_bench_server_{port}.log", "ab")  # noqa: SIM115, S108

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if answers(self.url + "/healthz"):
            # a server left over from an earlier run would take the requests, and the kills
            # would hit only the new one that failed to bind
            raise SystemExit(f"something already serves {self.url}; stop it first")
        command = [sys.executable, "-m", "zhengfa.cli", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(  # noqa: S603 - our own argv
            command, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_healthy(self.url + "/healthz")

    def kill9(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        if answers(self.url + "/healthz"):
            raise SystemExit(f"{self.url} still answers after kill -9: not our server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback
            return bool(answer.status == 200)
    except OSError:
        return False


def wait_healthy(url: str, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers(url):
            return
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")
