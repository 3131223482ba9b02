from __future__ import annotations

from django.urls import path

from zhengfa.portal import accident_views, views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("items/<slug:code>/", views.item_detail, name="item"),
    path("items/<slug:code>/apply/", views.apply, name="apply"),
    path("track/", views.track, name="track"),
    path("track/<str:receipt>/", views.track_detail, name="track_detail"),
    path("signup/", views.signup, name="signup"),
    path("mine/", views.mine, name="mine"),
    path("text-size/", views.text_size, name="text_size"),
    path("desk/", views.desk, name="desk"),
    path("desk/<int:pk>/", views.desk_detail, name="desk_detail"),
    path("desk/files/<int:pk>/", views.desk_file, name="desk_file"),
    path("accidents/", accident_views.report, name="accident_report"),
    path("accidents/<str:code>/", accident_views.detail, name="accident"),
    path("accidents/<str:code>/document/", accident_views.document, name="accident_document"),
]
