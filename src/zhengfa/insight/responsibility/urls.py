"""Routes of the responsibility pages, included in ``zhengfa.insight.urls`` (namespace insight)."""

from __future__ import annotations

from django.urls import URLPattern, path

from zhengfa.insight.responsibility import views

urlpatterns: list[URLPattern] = [
    path("responsibility/", views.index, name="responsibility"),
    path("responsibility/score/", views.score, name="responsibility_score"),
    path("responsibility/<str:code>/<int:year>/", views.report, name="responsibility_report"),
    path(
        "responsibility/<str:code>/<int:year>/targets/",
        views.target,
        name="responsibility_target",
    ),
]
