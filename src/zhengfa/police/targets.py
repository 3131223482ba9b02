"""Response targets (minutes to dispatch, arrive, close) per category and area.

These are local service targets a city sets for itself (e.g. 城区5分钟、农村15分钟到场
commitments), not statutory limits: every clock started from them says so in its basis.
An admin edits them (``ResponseTarget``); the defaults below are used for a category and
area without a row and are what the data migration seeds.
"""

from __future__ import annotations

from zhengfa.police.models import LOCAL_TARGET, Area, Category, ResponseTarget

# (dispatch, arrive, close) minutes
URBAN = {
    Category.CRIMINAL: (3, 10, 240),
    Category.PUBLIC_ORDER: (3, 10, 180),
    Category.TRAFFIC: (3, 10, 120),
    Category.FIRE_RESCUE: (1, 8, 180),
    Category.DISPUTE: (5, 15, 120),
    Category.HELP: (5, 15, 120),
    Category.NON_POLICE: (10, 30, 240),
}
RURAL_EXTRA_ARRIVE = 15  # rural beats are larger: fifteen more minutes to arrive

DEFAULTS: dict[tuple[str, str], tuple[int, int, int]] = {
    **{(c, Area.URBAN): t for c, t in URBAN.items()},
    **{(c, Area.RURAL): (t[0], t[1] + RURAL_EXTRA_ARRIVE, t[2]) for c, t in URBAN.items()},
}


def target_for(category: str, area: str) -> ResponseTarget:
    found = ResponseTarget.objects.filter(category=category, area=area).first()
    if found is not None:
        return found
    dispatch, arrive, close = DEFAULTS[(category, area)]
    return ResponseTarget(
        category=category,
        area=area,
        dispatch_minutes=dispatch,
        arrive_minutes=arrive,
        close_minutes=close,
        basis=LOCAL_TARGET,
    )
