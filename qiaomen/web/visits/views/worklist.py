"""Door-knocking pages: the work list, recording a visit on the phone, and the verification queue.

Households and verifications are fetched only through the scoped helpers (404 outside the user's
places); who may open which page is one capability of the roles table (403 otherwise). The
rules (who is due, what a visit needs, what it changes) live in qiaomen.visits.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.places import grid_for_user, grids_for_user
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import DomainError
from qiaomen.places.models import Building, Grid
from qiaomen.registry.models import Household
from qiaomen.registry.selectors import household_for_user, households_for_user
from qiaomen.tickets.classification import ranked_codes
from qiaomen.tickets.models import Ticket
from qiaomen.tickets.selectors import active_subcategories
from qiaomen.tickets.services.visit_demands import visit_record_with_tickets
from qiaomen.visits.models import ContactMode, VerificationStatus, Visit
from qiaomen.visits.photos import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_VISIT, visit_photos_add
from qiaomen.visits.recording import DOUBTFUL_OUTCOMES
from qiaomen.visits.selectors import (
    DueHousehold,
    Tier,
    active_policy_topics,
    active_visit_type,
    due_counts_by_grid,
    household_recent_visits,
    verification_for_user,
    verifications_for_user,
    visit_policy,
    work_list,
)
from qiaomen.visits.services import verification_resolve
from qiaomen.web.shared.forms import subcategory_choices
from qiaomen.web.shared.paths import path_for_pk
from qiaomen.web.shared.views import staff_page, user_with
from qiaomen.web.visits.forms import (
    DEMANDS_PREFIX,
    DemandFormSet,
    VerificationForm,
    VisitForm,
    WorkListForm,
)

ROUTINE = "routine"
TIER_LABELS = {
    Tier.OVERDUE_SPECIAL: _("Overdue · special group"),
    Tier.DUE_SPECIAL: _("Due · special group"),
    Tier.OVERDUE: _("Overdue"),
    Tier.DUE: _("Due"),
}
RECENTLY_VERIFIED = 20


def sentences(parts: list[str]) -> str:
    """Sentences of one message: Chinese ones end with a full-width stop and take no space between."""
    return ("" if get_language().startswith("zh") else " ").join(parts)


# --- work list (R-VIS-2) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A household due, with the paths of its file and of recording a visit to it."""

    item: DueHousehold
    household_path: str
    record_path: str


@dataclass
class Stop:
    """One building on the walk with its households due, in the order to knock."""

    number: int
    building: Building
    rows: list[Row] = field(default_factory=list)


@dataclass
class Section:
    label: str
    phone: bool
    stops: list[Stop] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(stop.rows) for stop in self.stops)


def _sections(items: list[DueHousehold]) -> list[Section]:
    """Cuts the work list (already in order) into tiers and each tier into buildings; the
    households to phone (a paused area) come last, apart from the walk."""
    sections: list[Section] = []
    number = 0
    household_path, record_path = path_for_pk("web:household_detail"), path_for_pk("web:visit_new")
    for item in items:
        label = gettext("Contact by phone") if item.phone_contact else str(TIER_LABELS[item.tier])
        if not sections or sections[-1].label != label:
            sections.append(Section(label=label, phone=item.phone_contact))
        stops = sections[-1].stops
        if not stops or stops[-1].building.pk != item.household.building_id:
            number += not item.phone_contact
            stops.append(Stop(number=number, building=item.household.building))
        pk = item.household.pk
        stops[-1].rows.append(Row(item, household_path(pk), record_path(pk)))
    return sections


def _grid_overview(request: HttpRequest, user: User) -> HttpResponse:
    grids = list(grids_for_user(user).select_related("community").order_by("community__code", "code"))
    counts = due_counts_by_grid(households_for_user(user))
    rows = [{"grid": grid, "counts": counts.get(grid.pk, Counter())} for grid in grids]
    return render(request, "web/visits/worklist_overview.html", {"rows": rows})


@staff_page
def worklist(request: HttpRequest) -> HttpResponse:
    """A grid's households due now, most urgent first, building by building in walking order.
    Staff with several grids first see how many are due in each and open one (?grid=)."""
    user = user_with(request, Capability.VIEW_VISITS)
    form = WorkListForm(request.GET)
    position_invalid = not form.is_valid()
    if "grid" in form.errors:
        raise Http404
    grid_id = form.cleaned_data.get("grid")
    grids = list(grids_for_user(user)[:2])
    if grid_id is None:
        if len(grids) != 1:
            return _grid_overview(request, user)
        grid: Grid = grids[0]
    else:
        grid = grid_for_user(user, grid_id)
    start = None if position_invalid else form.start()
    listing = work_list(households_for_user(user).filter(building__grid=grid), start=start)
    context = {
        "grid": grid,
        "listing": listing,
        "sections": _sections(listing.items),
        "from_position": start is not None,
        "position_invalid": position_invalid,
        "can_record": user.can(Capability.RECORD_VISITS),
        "several_grids": len(grids) > 1,
        "not_home_streak": visit_policy().not_home_streak,
    }
    return render(request, "web/visits/worklist.html", context)


# --- recording a visit (R-VIS-3, R-VIS-4) --------------------------------------------------------


def _demand_choices() -> list[tuple[str, object]]:
    return subcategory_choices(list(active_subcategories().order_by("category__code", "code")))


def _recorded_message(visit: Visit, created: bool) -> str:
    """What the worker should know after saving: flags first, in plain Chinese."""
    if not created:
        return gettext("This visit had already been recorded; nothing was saved twice.")
    parts = [gettext("Visit to %(household)s recorded.") % {"household": visit.household}]
    if visit.far_from_building:
        flag = gettext("Checked in %(distance)s m from the building; this has been flagged.")
        parts.append(flag % {"distance": visit.distance_m})
    if visit.contact_mode == ContactMode.PHONE:
        parts.append(gettext("Visits are paused here, so this counts as a phone contact."))
    demands = visit.demands.count()
    if demands:
        tickets = Ticket.objects.filter(demand__visit=visit).count()
        parts.append(
            ngettext(
                "%(count)d demand recorded, %(tickets)d became a ticket.",
                "%(count)d demands recorded, %(tickets)d became tickets.",
                demands,
            )
            % {"count": demands, "tickets": tickets}
        )
    if visit.outcome in DOUBTFUL_OUTCOMES:
        parts.append(gettext("Community staff will verify the household."))
    return sentences(parts)


@staff_page
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.RECORD_VISITS)
    household = household_for_user(user, pk)
    visit_type = active_visit_type(ROUTINE)
    policies = list(active_policy_topics())
    choices = {"choices": _demand_choices()}
    status = 200
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, visit_type=visit_type, policies=policies)
        demands = DemandFormSet(request.POST, prefix=DEMANDS_PREFIX, form_kwargs=choices)
        if form.is_valid() and demands.is_valid():
            data = form.cleaned_data
            # At most one byte over the limit is read: the service refuses it as too large.
            photos = [upload.read(MAX_PHOTO_BYTES + 1) for upload in data["photos"]]
            try:
                # One transaction: a photo the service refuses leaves no visit behind.
                with transaction.atomic():
                    visit, created = visit_record_with_tickets(
                        worker=user,
                        household=household,
                        client_uuid=data["client_uuid"],
                        visited_at=data["visited_at"] or timezone.now(),
                        outcome=data["outcome"],
                        lat=data["lat"],
                        lng=data["lng"],
                        answers=form.answers(),
                        visit_type_code=ROUTINE,
                        policy_codes=data["policies"],
                        demands=[d for row in demands.forms if (d := row.demand()) is not None],
                        resolved_on_spot=data["resolved_on_spot"],
                        refused_reason=data["refused_reason"],
                        notes=data["notes"],
                        request=request,
                    )
                    if created and photos:
                        visit_photos_add(visit=visit, raws=photos)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                level = messages.WARNING if visit.far_from_building else messages.SUCCESS
                messages.add_message(request, level, _recorded_message(visit, created))
                query = urlencode({"grid": household.building.grid_id, "recorded": visit.client_uuid})
                return redirect(f"{reverse('web:worklist')}?{query}")
        status = 422
    else:
        form = VisitForm(initial={"client_uuid": uuid.uuid4()}, visit_type=visit_type, policies=policies)
        demands = DemandFormSet(prefix=DEMANDS_PREFIX, form_kwargs=choices)
    context = {
        "household": household,
        "form": form,
        "demands": demands,
        "photo_limits": {"count": MAX_PHOTOS_PER_VISIT, "megabytes": MAX_PHOTO_BYTES // (1024 * 1024)},
    }
    return render(request, "web/visits/visit_form.html", context, status=status)


# A demand row's prefix, as the formset names it ("demands-0"): nothing else is read from the request.
DEMAND_ROW = re.compile(rf"^{DEMANDS_PREFIX}-\d{{1,2}}$")


@staff_page
@require_POST
def demand_suggest(request: HttpRequest) -> HttpResponse:
    """The options of a demand row's category with the classifier's three best marked and the best one
    chosen, unless the worker chose by hand (visits.js then sets the row's "-auto" to 0).
    POST, because the text may name a resident (SECURITY 6)."""
    user_with(request, Capability.RECORD_VISITS)
    row = request.POST.get("row", "")
    if not DEMAND_ROW.match(row):
        raise Http404
    text = request.POST.get(f"{row}-text", "")[:1000]
    by_hand = request.POST.get(f"{row}-auto") == "0"
    chosen = request.POST.get(f"{row}-subcategory", "") if by_hand else ""
    suggested = ranked_codes(text) if text.strip() else []
    (_empty, empty_label), *groups = _demand_choices()
    context = {
        "empty_label": empty_label,
        "groups": groups,
        "suggested": suggested,
        "selected": chosen or (suggested[0] if suggested else ""),
    }
    return render(request, "web/visits/_subcategory_options.html", context)


# --- verification queue (outcomes feed the registry) -----------------------------------------------


@staff_page
def verification_queue(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VERIFY_HOUSEHOLDS)
    verifications = verifications_for_user(user).select_related("household__building__grid", "visit__worker")
    context = {
        "open": list(verifications.filter(status=VerificationStatus.OPEN).order_by("created_at", "pk")),
        "done": list(
            verifications.filter(status=VerificationStatus.DONE)
            .select_related("resolved_by")
            .order_by("-resolved_at", "-pk")[:RECENTLY_VERIFIED]
        ),
        "form": VerificationForm(),
    }
    return render(request, "web/visits/verification_queue.html", context)


@staff_page
@require_POST
def verification_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.VERIFY_HOUSEHOLDS)
    verification = verification_for_user(user, pk)
    form = VerificationForm(request.POST)
    if not form.is_valid():
        context = {"verification": verification, "form": form}
        return render(request, "web/visits/verification_resolve.html", context, status=422)
    verification_resolve(
        user=user,
        verification=verification,
        note=form.cleaned_data["note"],
        household_status=form.cleaned_data["household_status"] or None,
        request=request,
    )
    done = gettext("Verification of %(household)s recorded.")
    messages.success(request, done % {"household": verification.household})
    return redirect("web:verification_queue")


def household_visits_context(user: User, household: Household) -> dict[str, object]:
    """What the household card shows of its visits (the fragment web/visits/_household_visits.html)."""
    if not user.can(Capability.VIEW_VISITS):
        return {}
    return {
        "show_visits": True,
        "recent_visits": household_recent_visits(household),
        "can_record_visit": user.can(Capability.RECORD_VISITS),
        "can_plan_visit": user.can(Capability.PLAN_VISITS),
        # Each visit links to the incident form prefilled with it (R-DEV-2).
        "can_report_incident": user.can(Capability.REPORT_INCIDENTS),
    }
