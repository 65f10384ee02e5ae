"""Door-knocking for the phone: record visits (idempotent on the phone's client_uuid), add photos,
list a household's visits, the work list in walking order, and coverage figures.

The rules live in qiaomen.visits; these handlers parse, check access (a capability first, then
the scoped look-up, so a refused role cannot tell records that exist from those that do not),
call a service or a selector, and shape the answer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict

from qiaomen.accounts.places import grid_for_user
from qiaomen.accounts.roles import Capability
from qiaomen.api.auth import api_user_with
from qiaomen.api.errors import responses
from qiaomen.api.paging import Offset
from qiaomen.api.schema_rules import NOT_BLANK, PERIOD_LABEL, codes_in_list, codes_of, position_both_or_neither
from qiaomen.api.visit_answers import visit_answer, visit_answer_just_recorded, visits_with_details
from qiaomen.core.errors import InvalidInput
from qiaomen.registry.selectors import household_for_user, households_for_user
from qiaomen.tickets.selectors import active_subcategories
from qiaomen.tickets.services.visit_demands import visit_record_with_tickets
from qiaomen.visits.coverage import TARGET_OVERALL, TARGET_SPECIAL, CoverageRow, coverage_report
from qiaomen.visits.models import (
    ContactMode,
    Outcome,
    PolicyTopic,
    Visit,
    VisitPhoto,
    VisitType,
)
from qiaomen.visits.periods import PeriodKind, parse_period_label, period_containing
from qiaomen.visits.photos import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_VISIT, visit_photo_add
from qiaomen.visits.recording import DemandInput
from qiaomen.visits.selectors import DueHousehold, Tier, visit_for_user, visits_for_user, work_list

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
WORKLIST_PAGE_SIZE = 200
WORKLIST_MAX_PAGE_SIZE = 1000
PERIOD_LABEL_MAX = 16
# --- schemas ---------------------------------------------------------------------------------


def _demand_subcategory_codes() -> list[str]:
    return ["", *active_subcategories().values_list("code", flat=True)]


def _visit_type_codes() -> list[str]:
    return list(VisitType.objects.filter(active=True).values_list("code", flat=True))


def _policy_codes() -> list[str]:
    return list(PolicyTopic.objects.filter(active=True).values_list("code", flat=True))


class DemandIn(Schema):
    text: str = Field(description="what the resident asked for, in their words", json_schema_extra=NOT_BLANK)
    resolved_on_spot: bool = False
    subcategory: str = Field(
        "",
        max_length=64,
        description="an active sub-category code; empty: suggested from the text",
        json_schema_extra=codes_of(_demand_subcategory_codes),
    )


class VisitIn(Schema):
    model_config = ConfigDict(json_schema_extra=position_both_or_neither)

    client_uuid: uuid.UUID = Field(
        description="made by the phone; the same UUID again is answered with the first result"
    )
    household_id: int = Field(ge=1)
    visited_at: dt.datetime = Field(
        description=(
            "the phone's time, ISO 8601 with offset: 2026-11-29T09:30:00+08:00; within the last 60 days and at "
            "most 10 minutes ahead of the server (422 visited_at_too_old, visited_at_future)"
        )
    )
    outcome: Outcome
    lat: float | None = Field(None, description="with lng or not at all (422 position_incomplete)")
    lng: float | None = None
    accuracy_m: int | None = Field(
        None, ge=0, le=100_000, description="the phone's own estimate of its position's error"
    )
    visit_type: str = Field("routine", min_length=1, max_length=32, json_schema_extra=codes_of(_visit_type_codes))
    answers: dict[str, Any] = Field(default_factory=dict, description="question code → answer")
    policies: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="policy topic codes explained",
        json_schema_extra=codes_in_list(_policy_codes),
    )
    demands: list[DemandIn] = Field(default_factory=list)
    resolved_on_spot: bool = False
    refused_reason: str = Field("", max_length=200, description="required when the outcome is refused")
    notes: str = Field("", max_length=5000)
    photos_expected: int = Field(
        0,
        ge=0,
        le=MAX_PHOTOS_PER_VISIT,
        description="photos the phone will send to /visits/{id}/photos; the visit is complete when they have arrived",
    )


class DemandOut(Schema):
    id: int
    text: str
    resolved_on_spot: bool
    ticket_id: int | None = Field(description="the ticket the demand became, if it was classified")


class VisitOut(Schema):
    id: int
    client_uuid: uuid.UUID
    household_id: int
    visited_at: dt.datetime = Field(description="the phone's time of the visit (UTC); decides its period")
    received_at: dt.datetime = Field(description="the server's time of arrival (UTC)")
    outcome: Outcome
    contact_mode: ContactMode
    distance_m: int | None = Field(description="from the check-in position to the building")
    accuracy_m: int | None = Field(description="the phone's estimate of its position's error")
    far_from_building: bool
    policies: list[str]
    answers: dict[str, Any]
    demands: list[DemandOut]
    verification_queued: bool = Field(description="the visit sent the household to community staff to verify")
    photos_expected: int
    photos_received: int
    complete: bool = Field(description="every photo the phone announced has arrived")


class VisitPageOut(Schema):
    items: list[VisitOut]
    count: int


class VisitFilters(Schema):
    household_id: int | None = Field(None, ge=1, description="one household; without it the caller's places")
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: Offset = 0


class PhotoOut(Schema):
    id: int
    visit_id: int
    content_type: str
    size: int
    uploaded_at: dt.datetime


class PointOut(Schema):
    lat: float
    lng: float


class BuildingPointOut(Schema):
    id: int
    lat: float | None
    lng: float | None


class WorkItemOut(Schema):
    household_id: int
    address: str
    tier: str = Field(description="overdue_special, due_special, overdue or due: most urgent first")
    remaining: int = Field(description="visits still needed in the current period")
    overdue: bool
    special: bool
    suggest_other_contact: bool = Field(description="several 'not at home' in a row: phone or an evening visit")
    phone_contact: bool = Field(description="visits are paused here: contact by phone or online")
    last_visit_at: dt.datetime | None
    building: BuildingPointOut


class WorkListOut(Schema):
    items: list[WorkItemOut]
    count: int
    walking_distance_m: int
    start: PointOut | None
    paused_reason: str


class WorkListQuery(Schema):
    grid: int | None = Field(None, ge=1, description="one grid of the caller's places (staff)")
    lat: float | None = Field(None, ge=-90, le=90, description="the walk starts here instead of the grid's centre")
    lng: float | None = Field(None, ge=-180, le=180)
    limit: int = Field(WORKLIST_PAGE_SIZE, ge=1, le=WORKLIST_MAX_PAGE_SIZE)
    offset: Offset = 0


class CoverageFiguresOut(Schema):
    households: int
    covered: int
    refused: int = Field(description="refused and not otherwise reached: counted apart")
    paused: int = Field(description="in a paused area and not reached: left out of the rate")
    rate: float | None
    special_households: int
    special_covered: int
    special_rate: float | None
    meets_targets: bool


class CommunityCoverageOut(CoverageFiguresOut):
    name: str


class GridCoverageOut(CoverageFiguresOut):
    id: int
    name: str
    code: str
    community_id: int


class PeriodOut(Schema):
    label: str
    kind: PeriodKind
    first_day: dt.date
    last_day: dt.date


class CoverageOut(Schema):
    period: PeriodOut
    target_overall: float
    target_special: float
    total: CoverageFiguresOut
    communities: list[CommunityCoverageOut]
    grids: list[GridCoverageOut]
    never_visited_count: int
    special_not_visited_this_month_count: int


class CoverageQuery(Schema):
    period: str | None = Field(
        None,
        max_length=PERIOD_LABEL_MAX,
        description="a month (2026-11) or a quarter (2026-Q4) of 1900-2099; default this month",
        json_schema_extra=PERIOD_LABEL,
    )


router = Router(tags=["visits"])


# --- helpers ---------------------------------------------------------------------------------


def _work_item(item: DueHousehold) -> dict[str, Any]:
    household = item.household
    building = household.building
    return {
        "household_id": household.pk,
        "address": str(household),
        "tier": Tier.LABELS[item.tier],
        "remaining": item.remaining,
        "overdue": item.overdue,
        "special": item.special,
        "suggest_other_contact": item.suggest_other_contact,
        "phone_contact": item.phone_contact,
        "last_visit_at": item.last_visit_at,
        "building": {"id": building.pk, "lat": building.lat, "lng": building.lng},
    }


def _figures(row: CoverageRow) -> dict[str, Any]:
    return {
        "households": row.households,
        "covered": row.covered,
        "refused": row.refused,
        "paused": row.paused,
        "rate": row.rate,
        "special_households": row.special_households,
        "special_covered": row.special_covered,
        "special_rate": row.special_rate,
        "meets_targets": row.meets_targets,
    }


# --- visits ----------------------------------------------------------------------------------


@router.post("/visits", response=responses(VisitOut, 400, 401, 403, 404, 409, 422, ok_status=201), url_name="visits")
def visit_create(request: HttpRequest, payload: VisitIn) -> Status[dict[str, Any]]:
    """Record a visit. The same `client_uuid` again records nothing and gets the first answer,
    status and body alike, also when both copies arrive at once. A household outside the
    caller's places answers 404; a `client_uuid` already used for another household or by
    another worker answers 409."""
    user = api_user_with(request, Capability.RECORD_VISITS)
    household = household_for_user(user, payload.household_id, for_page=False)
    visit, created = visit_record_with_tickets(
        worker=user,
        household=household,
        client_uuid=payload.client_uuid,
        visited_at=payload.visited_at,
        outcome=payload.outcome,
        lat=payload.lat,
        lng=payload.lng,
        answers=payload.answers,
        visit_type_code=payload.visit_type,
        policy_codes=payload.policies,
        demands=[DemandInput(d.text, d.resolved_on_spot, d.subcategory) for d in payload.demands],
        resolved_on_spot=payload.resolved_on_spot,
        refused_reason=payload.refused_reason,
        notes=payload.notes,
        photos_expected=payload.photos_expected,
        accuracy_m=payload.accuracy_m,
        request=request,
    )
    if created and not payload.demands:
        return Status(201, visit_answer_just_recorded(visit, payload.policies))
    return Status(201, visit_answer(visits_with_details(Visit.objects.filter(pk=visit.pk)).get()))


@router.get("/visits", response=responses(VisitPageOut, 401, 403, 404, 422), url_name="visits")
def visit_list(request: HttpRequest, filters: Query[VisitFilters]) -> dict[str, Any]:
    """Visits newest first: one household's (outside the caller's places: 404), or without
    `household_id` those of all the caller's places."""
    user = api_user_with(request, Capability.VIEW_VISITS)
    visits = visits_for_user(user)
    if filters.household_id is not None:
        visits = visits.filter(household=household_for_user(user, filters.household_id))
    visits = visits.order_by("-visited_at", "-pk")
    page = visits_with_details(visits)[filters.offset : filters.offset + filters.limit]
    return {"items": [visit_answer(visit) for visit in page], "count": visits.count()}


@router.post(
    "/visits/{int:visit_id}/photos",
    response=responses(PhotoOut, 400, 401, 403, 404, 422, ok_status=201),
    url_name="visit_photos",
)
def visit_photo_upload(request: HttpRequest, visit_id: int, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Add a photo (JPEG, PNG or WebP, checked by content whatever its name; at most 8 MB) to a
    visit of the caller's places. Grid workers add photos to their own visits only. The
    photo's location metadata is kept on the server and never returned. The same photo sent
    again is answered with the photo already stored, never kept twice."""
    user = api_user_with(request, Capability.RECORD_VISITS)
    visit = visit_for_user(user, visit_id)
    # One byte over the limit is enough for the service to refuse the photo as too large.
    photo: VisitPhoto = visit_photo_add(visit=visit, user=user, raw=file.read(MAX_PHOTO_BYTES + 1))
    return Status(
        201,
        {
            "id": photo.pk,
            "visit_id": visit.pk,
            "content_type": photo.content_type,
            "size": photo.size,
            "uploaded_at": photo.uploaded_at,
        },
    )


# --- work list and coverage -------------------------------------------------------------------


@router.get("/worklist", response=responses(WorkListOut, 401, 403, 404, 422), url_name="worklist")
def worklist(request: HttpRequest, query: Query[WorkListQuery]) -> dict[str, Any]:
    """The households due now, most urgent tier first, each tier in walking order from the
    caller's position (?lat=&lng=) or the grid's centre; households in a paused area last, for
    phone contact. Staff narrow it to one grid of their places (?grid=, outside them 404)."""
    user = api_user_with(request, Capability.VIEW_VISITS)
    if (query.lat is None) != (query.lng is None):
        raise InvalidInput("position_incomplete", gettext("A position needs both latitude and longitude."))
    households = households_for_user(user)
    if query.grid is not None:
        households = households.filter(building__grid=grid_for_user(user, query.grid))
    start = (query.lat, query.lng) if query.lat is not None and query.lng is not None else None
    listing = work_list(households, start=start)
    page = listing.items[query.offset : query.offset + query.limit]
    return {
        "items": [_work_item(item) for item in page],
        "count": listing.due_count,
        "walking_distance_m": round(listing.walking_distance_m),
        "start": {"lat": listing.start[0], "lng": listing.start[1]} if listing.start else None,
        "paused_reason": listing.paused_reason,
    }


@router.get("/coverage", response=responses(CoverageOut, 401, 403, 422), url_name="coverage")
def coverage(request: HttpRequest, query: Query[CoverageQuery]) -> dict[str, Any]:
    """Coverage of the caller's places in a month or a quarter (visits count for the period in
    which they happened, however late they were synced). Aggregates only: the households never
    visited and the special-group households not visited this month are counted, not listed."""
    user = api_user_with(request, Capability.VIEW_VISITS)
    today = timezone.localdate()
    try:
        period = parse_period_label(query.period) if query.period else period_containing(PeriodKind.MONTH, today)
    except ValueError as exc:
        raise InvalidInput(
            "period_invalid", gettext("Invalid period: write a month as 2026-11 and a quarter as 2026-Q4.")
        ) from exc
    report = coverage_report(households_for_user(user), period=period, today=today)
    return {
        "period": {
            "label": period.label,
            "kind": period.kind,
            "first_day": period.first_day,
            "last_day": period.next_first_day - dt.timedelta(days=1),
        },
        "target_overall": TARGET_OVERALL,
        "target_special": TARGET_SPECIAL,
        "total": _figures(report.total),
        "communities": [{"name": name, **_figures(row)} for name, row in report.communities],
        "grids": [
            {"id": grid.pk, "name": grid.name, "code": grid.code, "community_id": grid.community_id, **_figures(row)}
            for grid, row in report.grids
        ],
        "never_visited_count": len(report.never_visited),
        "special_not_visited_this_month_count": len(report.special_not_visited_this_month),
    }
