"""The rights-request pages, included by qiaomen/web/urls.py under rights/ (names in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.rights import views

urlpatterns: list[URLPattern] = [
    path("", views.rights_list, name="rights_list"),
    path("persons/<int:pk>/new/", views.rights_receive, name="rights_receive"),
    path("<int:pk>/", views.rights_detail, name="rights_detail"),
    path("<int:pk>/start/", views.rights_start, name="rights_start"),
    path("<int:pk>/person/", views.rights_identify, name="rights_identify"),
    path("<int:pk>/refuse/", views.rights_refuse, name="rights_refuse"),
    path("<int:pk>/export/", views.rights_export, name="rights_export"),
    path("<int:pk>/done/", views.rights_see_done, name="rights_see_done"),
    path("<int:pk>/correct/", views.rights_correct, name="rights_correct"),
    path("<int:pk>/erase/", views.rights_erase, name="rights_erase"),
]
