"""The participation pages of R-PAR-2, included by qiaomen/web/urls.py under activities/."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.activities import meetings, views

urlpatterns: list[URLPattern] = [
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_new, name="activity_new"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit_page, name="activity_edit"),
    path("<int:pk>/cancel/", views.activity_cancel_page, name="activity_cancel"),
    path("<int:pk>/signups/", views.activity_signup_add, name="activity_signup_add"),
    path("<int:pk>/attendance/", views.activity_attendance_add, name="activity_attendance_add"),
    path("participation/", views.participation, name="participation"),
    path("participation/grids/<int:grid_id>/", views.participation_households, name="participation_households"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/attendees/", meetings.meeting_attendee_new, name="meeting_attendee_new"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/decisions/", meetings.meeting_decision_new, name="meeting_decision_new"),
    path("decisions/<int:pk>/ticket/", meetings.decision_ticket, name="decision_ticket"),
    path("groups/", meetings.group_list, name="group_list"),
    path("groups/new/", meetings.group_new, name="group_new"),
    path("groups/<int:pk>/", meetings.group_detail, name="group_detail"),
    path("groups/<int:pk>/members/", meetings.group_member_new, name="group_member_new"),
]
