"""Routes of the alert pages, included into ``insight.urls`` (namespace ``insight``)."""

from __future__ import annotations

from django.urls import path

from zhengfa.insight.alerts import views

urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_page, name="alert"),
    path("alerts/<int:pk>/tasks/", views.alert_tasks, name="alert_tasks"),
    path("reports/subscription/", views.subscription, name="alerts_subscription"),
    path("reports/subscription/cancel/", views.subscription_cancel, name="alerts_unsubscribe"),
]
