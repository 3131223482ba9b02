"""Template tags of the web shell: the demo banner and the map's optional tile layer."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("web/_demo_banner.html")
def demo_banner() -> dict[str, bool]:
    return {"show": bool(settings.ZHENGFA_DEMO_BANNER)}


@register.simple_tag
def tile_url() -> str:
    return str(settings.ZHENGFA_TILE_URL)
