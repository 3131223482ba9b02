from __future__ import annotations

from django.urls import path

from zhengfa.flow import views

app_name = "flow"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("overdue/", views.overdue, name="overdue"),
    path("approvals/", views.approvals, name="approvals"),
    path("matters/<int:pk>/", views.matter, name="matter"),
]
