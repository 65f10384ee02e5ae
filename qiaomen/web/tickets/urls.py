"""The ticket pages, included by qiaomen/web/urls.py under tickets/ (names live in the web namespace).

One POST route per transition, so each has its own name and the scope sweep reads the ticket
from the "tickets/<pk>" before it.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.tickets.views import admin, alarm, detail, review, similar

urlpatterns: list[URLPattern] = [
    path("", detail.ticket_inbox, name="ticket_inbox"),
    path("new/", detail.ticket_new, name="ticket_new"),
    path("export/", detail.ticket_export, name="ticket_export"),
    path("<int:pk>/", detail.ticket_detail, name="ticket_detail"),
    path("<int:pk>/accept/", detail.ticket_accept, name="ticket_accept"),
    path("<int:pk>/start/", detail.ticket_start, name="ticket_start"),
    path("<int:pk>/transfer/", detail.ticket_transfer, name="ticket_transfer"),
    path("<int:pk>/return/", detail.ticket_return, name="ticket_return"),
    path("<int:pk>/resolve/", detail.ticket_resolve, name="ticket_resolve"),
    path("<int:pk>/confirm/", detail.ticket_confirm, name="ticket_confirm"),
    path("<int:pk>/resubmit/", detail.ticket_resubmit, name="ticket_resubmit"),
    path("<int:pk>/rating-link/", detail.ticket_rating_link, name="ticket_rating_link"),
    path("<int:pk>/alarm/acknowledge/", alarm.ticket_alarm_acknowledge, name="ticket_alarm_acknowledge"),
    path("<int:pk>/alarm/on-site/", alarm.ticket_alarm_on_site, name="ticket_alarm_on_site"),
    path("<int:pk>/alarm/reveal/", alarm.ticket_alarm_reveal, name="ticket_alarm_reveal"),
    path("<int:pk>/merge/", similar.ticket_merge_view, name="ticket_merge"),
    path("<int:pk>/classify/", review.ticket_classify, name="ticket_classify"),
    path("review/", review.review_queue, name="ticket_review"),
    # The photo's own pk: the scope sweep reads one record parameter named pk per route.
    path("photos/<int:pk>/", detail.ticket_photo, name="ticket_photo"),
    path("spot-checks/", detail.spot_check_queue, name="spot_check_queue"),
    path("spot-checks/<int:pk>/", detail.spot_check_record, name="spot_check_record"),
    path("notifications/", detail.notification_list, name="notifications"),
    path("notifications/read/", detail.notifications_read, name="notifications_read"),
    path("figures/", admin.ticket_figures_page, name="ticket_figures"),
    path("workdays/", admin.workday_overrides, name="workday_overrides"),
    path("taxonomy/", admin.taxonomy, name="ticket_taxonomy"),
    path("subcategories/<int:pk>/", admin.subcategory_edit, name="subcategory_edit"),
]
