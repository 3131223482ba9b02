"""Template filters of the courts pages."""

from __future__ import annotations

from django import template
from django.core.exceptions import ValidationError

from zhengfa.flow.machine import get_kind
from zhengfa.flow.models import Matter

register = template.Library()


@register.filter
def stage_label(matter: Matter) -> str:
    """The stage's name as the flow kind declares it (e.g. 上诉期 Appeal period)."""
    try:
        return str(get_kind(matter.kind).stage(matter.stage).label)
    except (KeyError, ValidationError):  # a stage or kind no longer declared
        return matter.stage
