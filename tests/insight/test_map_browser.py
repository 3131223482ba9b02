"""The one map in headless Chromium: grids coloured by overdue matters, and the
click-through from a grid lists only matters in the viewer's scope.

Runs once, in the PostgreSQL pass (marker ``browser``), on the mini city.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.browser import signed_in
from tests.org.mini_city import COUNTY_A, COUNTY_B, MiniCity
from zhengfa.flow.common import legal_day, now
from zhengfa.flow.models import Matter
from zhengfa.insight.refresh import rebuild
from zhengfa.org.models import Grid, Unit
from zhengfa.org.roles import Role

pytestmark = pytest.mark.browser

ZERO_COLOUR = "#f2f4f7"  # map.js: the class of areas with nothing


def _overdue(grid: Grid, title: str) -> Matter:
    return Matter.objects.create(
        kind="hazard",
        title=title,
        region_id=grid.region_id,
        grid=grid,
        unit=Unit.objects.filter(region__code__startswith=grid.region_id[:6]).first(),
        stage="handling",
        opened_at=now() - timedelta(days=20),
        due_at=now() - timedelta(days=2),
        due_on=legal_day() - timedelta(days=2),
    )


@pytest.fixture
def planted(transactional_db: None, mini_city: MiniCity) -> None:
    """Written before the browser starts: Playwright's sync API runs an event loop."""
    _overdue(mini_city.grids[COUNTY_A][0], "逾期隐患甲")
    _overdue(mini_city.grids[COUNTY_B][0], "外区逾期隐患")
    rebuild()  # the map reads the count tables


def test_grids_coloured_by_overdue_and_click_through_in_scope(
    live_server: Any, mini_city: MiniCity, planted: None, browser: Any
) -> None:
    home = mini_city.grids[COUNTY_A][0]
    operator = mini_city.users[Role.CENTRE_OPERATOR]
    page = signed_in(browser, live_server.url, operator.username)
    page.goto(f"{live_server.url}/insight/map/?measure=overdue")
    page.wait_for_selector("#one-map[data-state=ready]")
    element = page.locator("#one-map")
    assert element.get_attribute("data-measure") == "overdue"
    assert element.get_attribute("data-coloured") == "1"
    legend = page.locator("#map-legend li")
    classes = {
        legend.nth(i).get_attribute("data-colour"): legend.nth(i).get_attribute("data-grids")
        for i in range(legend.count())
    }
    own_grids = int(element.get_attribute("data-grids") or 0)
    assert classes.pop(ZERO_COLOUR) == str(own_grids - 1)  # every other own grid: none
    assert sorted(classes.values()) == ["1"]  # one class, holding the one overdue grid
    assert "外区逾期隐患" not in page.content()
    page.goto(f"{live_server.url}/insight/map/areas/{home.code}/?measure=overdue")
    assert "逾期隐患甲" in page.content()
    page.goto(f"{live_server.url}/insight/map/areas/{mini_city.grids[COUNTY_B][0].code}/")
    assert "外区逾期隐患" not in page.content()
