"""The confluence page (合流、叠加): areas with risks rising together; recurring enterprises."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhengfa.flow.common import now
from zhengfa.insight.confluence import area_confluence, enterprise_recurrence
from zhengfa.insight.mapping import Level
from zhengfa.insight.mapping_views import level_labels


@login_required
def confluence(request: HttpRequest) -> HttpResponse:
    chosen = request.GET.get("level", Level.TOWNSHIP)
    level = Level(chosen) if chosen in Level.__members__.values() else Level.TOWNSHIP
    week, areas = area_confluence(request.user, level, now())
    context = {
        "week": week,
        "level": level,
        "levels": level_labels(),
        "areas": areas,
        "enterprises": enterprise_recurrence(request.user),
    }
    return render(request, "insight/confluence.html", context)
