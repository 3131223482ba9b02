from __future__ import annotations

from django.urls import path

from zhengfa.disputes import views

app_name = "disputes"

urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/route/", views.route, name="route"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/outcome/", views.conclude, name="conclude"),
    path("<int:pk>/visit/", views.visit, name="visit"),
    path("<int:pk>/confirmation/", views.apply_confirmation, name="apply_confirmation"),
    path("confirmations/", views.confirmations, name="confirmations"),
    path("confirmations/<int:pk>/accept/", views.accept_confirmation, name="accept"),
    path("confirmations/<int:pk>/decide/", views.decide_confirmation, name="decide"),
]
