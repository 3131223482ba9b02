from __future__ import annotations

from django.urls import path

from zhengfa.police import views

app_name = "police"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("incidents/<int:incident_id>/<str:step>/", views.incident_step, name="step"),
    path("report/", views.report, name="report"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<int:referral_id>/close/", views.referral_close, name="referral_close"),
    path("rosters/", views.rosters, name="rosters"),
    path("rosters/<int:roster_id>/", views.roster_map, name="roster"),
    path("rosters/<int:roster_id>/export.csv", views.roster_export, name="roster_export"),
    path("fraud/", views.fraud_check, name="fraud"),
    path("fraud/report/", views.fraud_report_page, name="fraud_report"),
    path("fraud/warn/", views.fraud_warn, name="fraud_warn"),
]
