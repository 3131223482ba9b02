from __future__ import annotations

from django.urls import path

from zhengfa.web import views

app_name = "web"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
