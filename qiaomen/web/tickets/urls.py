"""The ticket pages, included by qiaomen/web/urls.py under tickets/ (names live in the web namespace).

One POST route per transition, so each has its own name and the scope sweep reads the ticket
from the "tickets/<pk>" before it.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.views import tickets, tickets_admin, tickets_review, tickets_similar

urlpatterns: list[URLPattern] = [
    path("", tickets.ticket_inbox, name="ticket_inbox"),
    path("new/", tickets.ticket_new, name="ticket_new"),
    path("<int:pk>/", tickets.ticket_detail, name="ticket_detail"),
    path("<int:pk>/accept/", tickets.ticket_accept, name="ticket_accept"),
    path("<int:pk>/start/", tickets.ticket_start, name="ticket_start"),
    path("<int:pk>/transfer/", tickets.ticket_transfer, name="ticket_transfer"),
    path("<int:pk>/return/", tickets.ticket_return, name="ticket_return"),
    path("<int:pk>/resolve/", tickets.ticket_resolve, name="ticket_resolve"),
    path("<int:pk>/confirm/", tickets.ticket_confirm, name="ticket_confirm"),
    path("<int:pk>/resubmit/", tickets.ticket_resubmit, name="ticket_resubmit"),
    path("<int:pk>/rating-link/", tickets.ticket_rating_link, name="ticket_rating_link"),
    path("<int:pk>/merge/", tickets_similar.ticket_merge_view, name="ticket_merge"),
    path("<int:pk>/classify/", tickets_review.ticket_classify, name="ticket_classify"),
    path("review/", tickets_review.review_queue, name="ticket_review"),
    # The photo's own pk: the scope sweep reads one record parameter named pk per route.
    path("photos/<int:pk>/", tickets.ticket_photo, name="ticket_photo"),
    path("spot-checks/", tickets.spot_check_queue, name="spot_check_queue"),
    path("spot-checks/<int:pk>/", tickets.spot_check_record, name="spot_check_record"),
    path("notifications/", tickets.notification_list, name="notifications"),
    path("notifications/read/", tickets.notifications_read, name="notifications_read"),
    path("figures/", tickets_admin.ticket_figures_page, name="ticket_figures"),
    path("workdays/", tickets_admin.workday_overrides, name="workday_overrides"),
    path("taxonomy/", tickets_admin.taxonomy, name="ticket_taxonomy"),
    path("subcategories/<int:pk>/", tickets_admin.subcategory_edit, name="subcategory_edit"),
]
