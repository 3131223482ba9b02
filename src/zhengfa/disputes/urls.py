from __future__ import annotations

from django.urls import path

from zhengfa.disputes import pages, views

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
    path("petitions/", pages.petition_list, name="petitions"),
    path("petitions/<int:pk>/", pages.petition_page, name="petition"),
    path("petitions/<int:pk>/<slug:action>/", pages.petition_act, name="petition_act"),
    path("analyses/", pages.analysis_list, name="analyses"),
    path("analyses/<int:pk>/", pages.analysis_page, name="analysis"),
    path("tasks/<int:pk>/<slug:action>/", pages.task_act, name="task_act"),
]
