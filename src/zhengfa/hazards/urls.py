from __future__ import annotations

from django.urls import path

from zhengfa.hazards import views

app_name = "hazards"

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/new/", views.plan, name="plan"),
    path("campaigns/<int:pk>/inspect/", views.inspect, name="inspect"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/photos/<int:photo_id>", views.photo, name="photo"),
    path("<int:pk>/rectify/", views.rectify, name="rectify"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("ledger/", views.ledger, name="ledger"),
    path("map/", views.hazard_map, name="map"),
]
