"""The volunteers' pages, included by qiaomen/web/urls.py under volunteers/ (names in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.volunteers import views, views_manage, views_points, views_self

urlpatterns: list[URLPattern] = [
    path("", views.volunteer_list, name="volunteer_list"),
    path("me/", views_self.volunteer_me, name="volunteer_me"),
    path("me/redeem/", views_self.volunteer_me_redeem, name="volunteer_me_redeem"),
    path("teams/", views.team_list, name="volunteer_teams"),
    path("enrol/<int:pk>/", views.volunteer_enrol_person, name="volunteer_enrol"),
    path("<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("<int:pk>/team/", views.volunteer_join_team, name="volunteer_join_team"),
    path("<int:pk>/care/", views.volunteer_care, name="volunteer_care"),
    path("<int:pk>/hours/", views.volunteer_hours, name="volunteer_hours"),
    path("<int:pk>/redeem/", views.volunteer_redeem, name="volunteer_redeem"),
    path("<int:pk>/correct/", views.volunteer_correct, name="volunteer_correct"),
    path("<int:pk>/training/", views.volunteer_training, name="volunteer_training"),
    path("<int:pk>/status/", views_manage.volunteer_status, name="volunteer_status"),
    path("<int:pk>/account/", views_manage.volunteer_account, name="volunteer_account"),
    path("<int:pk>/care/release/", views_manage.volunteer_care_release, name="volunteer_care_release"),
    path("<int:pk>/team/leave/", views_manage.volunteer_leave_team, name="volunteer_leave_team"),
    path("hours/", views_points.hours_queue, name="volunteer_hours_queue"),
    path("hours/<int:pk>/confirm/", views_points.hours_confirm, name="volunteer_hours_confirm"),
    path("hours/<int:pk>/reject/", views_points.hours_reject, name="volunteer_hours_reject"),
    path("catalogue/", views_points.catalogue, name="volunteer_catalogue"),
    path("catalogue/<int:pk>/", views_points.catalogue_item, name="volunteer_catalogue_item"),
    path("stars/", views_points.stars, name="volunteer_stars"),
    path("applications/", views_points.application_list, name="volunteer_applications"),
    path("applications/<int:pk>/", views_points.application_detail, name="volunteer_application"),
]
