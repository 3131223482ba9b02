from __future__ import annotations

from django.contrib.auth.views import LogoutView
from django.urls import path

from zhengfa.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="web:login"), name="logout"),
    path("map/", views.grid_map, name="map"),
    path("healthz", views.healthz, name="healthz"),
]
