"""Recording visits (R-VIS-3, R-VIS-4): one visit as it arrives, or a phone's batch of them.

Both paths validate each visit the same way (`_visit_prepared`) and write the same rows through
the same steps (the household verified, a verification opened, a plan fulfilled, one audit row
per visit); a batch reads the reference rows once and writes each table in one statement where
it can. `qiaomen/visits/tests/test_recording_batch.py` checks that a batch leaves exactly the rows
that recording its visits one by one leaves.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import AuditItem, audit_record_batch
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.core.idempotency import create_once_checked
from qiaomen.core.lookups import unique_or_none
from qiaomen.core.transitions import claim_transition
from qiaomen.registry.models import DataSource, Household
from qiaomen.visits import reference as kept
from qiaomen.visits.geo import distance_m
from qiaomen.visits.models import (
    ContactMode,
    Demand,
    Outcome,
    PlannedVisit,
    PlanStatus,
    PolicyTopic,
    VerificationRequest,
    VerificationStatus,
    Visit,
    VisitPolicy,
    VisitType,
)
from qiaomen.visits.periods import local_date
from qiaomen.visits.photos import MAX_PHOTOS_PER_VISIT
from qiaomen.visits.questionnaire import clean_answers

# A phone's clock may run a little fast; a visit "from the future" beyond this is refused.
CLOCK_SKEW = dt.timedelta(minutes=10)
# A visit kept offline longer than this is too old to be trusted as a record of the period.
OFFLINE_LIMIT = dt.timedelta(days=60)
MAX_DEMANDS = 20
MAX_DEMAND_TEXT = 1000
# What one batch may carry: a worker's day is 20-40 visits; a week offline stays under this.
MAX_BATCH = 200
# Outcomes that send the household to community staff to verify (_verifications_open).
DOUBTFUL_OUTCOMES = (Outcome.MOVED_OUT, Outcome.MISMATCH)
# The registry source a visit that met the household verifies it as (a row the migrations make).
VISIT_SOURCE = "visit"


@dataclass(frozen=True)
class DemandInput:
    text: str
    resolved_on_spot: bool = False
    subcategory_code: str = ""  # empty: suggested from the text, or left for staff to classify


@dataclass(frozen=True)
class VisitInput:
    """One visit as the phone sends it. The caller has checked the household is in the worker's
    places."""

    household: Household
    client_uuid: uuid.UUID
    visited_at: dt.datetime
    outcome: str
    lat: float | None = None
    lng: float | None = None
    answers: dict[str, Any] | None = None
    visit_type_code: str = "routine"
    policy_codes: Sequence[str] = ()
    demands: Sequence[DemandInput] = ()
    resolved_on_spot: bool = False
    refused_reason: str = ""
    notes: str = ""
    photos_expected: int = 0
    accuracy_m: int | None = None


def _check_time(visited_at: dt.datetime, now: dt.datetime) -> None:
    if timezone.is_naive(visited_at):
        raise InvalidInput(
            "visited_at_no_offset", _("The visit time needs a time zone (e.g. 2026-11-29T09:30:00+08:00).")
        )
    if visited_at > now + CLOCK_SKEW:
        raise InvalidInput("visited_at_future", _("The visit time is in the future; check the phone's clock."))
    if visited_at < now - OFFLINE_LIMIT:
        raise InvalidInput("visited_at_too_old", _("The visit time is more than 60 days ago and cannot be recorded."))


def _check_position(lat: float | None, lng: float | None) -> None:
    if (lat is None) != (lng is None):
        raise InvalidInput("position_incomplete", _("A position needs both latitude and longitude."))
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput("position_invalid", _("Invalid position coordinates."))


def demands_clean(demands: Sequence[DemandInput]) -> list[DemandInput]:
    if len(demands) > MAX_DEMANDS:
        raise InvalidInput(
            "too_many_demands", _("A visit may record at most %(limit)s demands.") % {"limit": MAX_DEMANDS}
        )
    cleaned = []
    for demand in demands:
        text = demand.text.strip()
        if not text:
            raise InvalidInput("demand_empty", _("A demand cannot be empty."))
        if len(text) > MAX_DEMAND_TEXT:
            raise InvalidInput(
                "demand_too_long", _("A demand may be at most %(limit)s characters.") % {"limit": MAX_DEMAND_TEXT}
            )
        cleaned.append(DemandInput(text, demand.resolved_on_spot, demand.subcategory_code.strip()))
    return cleaned


@dataclass
class _Reference:
    """The rows a visit is checked against: the visit type, the policy and a day's pauses as
    visits.reference keeps them, and the policy topics read once per call (a batch of 40 visits
    reads them once, not 40 times)."""

    topics: dict[tuple[str, ...], list[PolicyTopic]] = field(default_factory=dict)

    def visit_type(self, code: str) -> VisitType | None:
        return kept.active_visit_type(code)

    def policy_topics(self, codes: tuple[str, ...]) -> list[PolicyTopic]:
        if codes not in self.topics:
            self.topics[codes] = list(PolicyTopic.objects.filter(code__in=codes, active=True)) if codes else []
        return self.topics[codes]

    @property
    def policy(self) -> VisitPolicy:
        return kept.policy()

    def paused(self, grid_id: int, day: dt.date) -> bool:
        return grid_id in kept.pauses_on(day)


@dataclass(frozen=True)
class _Prepared:
    visit: Visit  # checked, not yet saved
    policies: list[PolicyTopic]
    demands: list[DemandInput]


def _visit_prepared(item: VisitInput, *, worker: User, now: dt.datetime, reference: _Reference) -> _Prepared:
    """The visit row `item` becomes, or InvalidInput naming what is wrong with it."""
    if item.outcome not in Outcome.values:
        raise InvalidInput("outcome_invalid", _("Invalid visit outcome."))
    _check_time(item.visited_at, now)
    _check_position(item.lat, item.lng)
    if item.outcome == Outcome.REFUSED and not item.refused_reason.strip():
        raise InvalidInput("refused_reason_required", _("Give the reason when entry was refused."))
    if not 0 <= item.photos_expected <= MAX_PHOTOS_PER_VISIT:
        raise InvalidInput(
            "photos_expected_invalid",
            _("A visit may announce between 0 and %(limit)s photos.") % {"limit": MAX_PHOTOS_PER_VISIT},
        )
    visit_type = reference.visit_type(item.visit_type_code)
    if visit_type is None:
        raise InvalidInput("visit_type_unknown", _("Unknown visit type."))
    answers = clean_answers(visit_type.questions, item.answers or {}, require=item.outcome == Outcome.MET)
    codes = tuple(sorted(set(item.policy_codes)))
    policies = reference.policy_topics(codes)
    if len(policies) != len(codes):
        raise InvalidInput("policy_unknown", _("The policy is not in the policy list."))
    demands = demands_clean(item.demands)
    building = item.household.building
    lat, lng = item.lat, item.lng
    distance = None
    if lat is not None and lng is not None and building.lat is not None and building.lng is not None:
        distance = round(distance_m((lat, lng), (building.lat, building.lng)))
    paused = reference.paused(building.grid_id, local_date(item.visited_at))
    visit = Visit(
        client_uuid=item.client_uuid,
        household=item.household,
        grid_id=building.grid_id,
        worker=worker,
        visit_type=visit_type,
        visited_at=item.visited_at,
        received_at=now,
        contact_mode=ContactMode.PHONE if paused else ContactMode.IN_PERSON,
        outcome=item.outcome,
        refused_reason=item.refused_reason.strip()[:200],
        lat=lat,
        lng=lng,
        distance_m=distance,
        far_from_building=distance is not None and distance > reference.policy.checkin_flag_distance_m,
        answers=answers,
        resolved_on_spot=item.resolved_on_spot,
        notes=item.notes.strip(),
        photos_expected=item.photos_expected,
        accuracy_m=item.accuracy_m if lat is not None else None,
    )
    return _Prepared(visit, policies, demands)


def visit_record(
    *,
    worker: User,
    household: Household,
    client_uuid: uuid.UUID,
    visited_at: dt.datetime,
    outcome: str,
    lat: float | None = None,
    lng: float | None = None,
    answers: dict[str, Any] | None = None,
    visit_type_code: str = "routine",
    policy_codes: list[str] | None = None,
    demands: list[DemandInput] | None = None,
    resolved_on_spot: bool = False,
    refused_reason: str = "",
    notes: str = "",
    photos_expected: int = 0,
    accuracy_m: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[Visit, bool]:
    """Record a visit once. Returns (visit, created); a resent `client_uuid` returns the first
    visit unchanged, also when both copies arrive at the same moment (the unique constraint
    decides, not a prior look-up). Only the same worker's resend for the same household is a
    resend: a `client_uuid` already used otherwise is a Conflict, and that visit is not shown.
    The caller has already checked that the household is in the worker's places."""
    item = VisitInput(
        household=household,
        client_uuid=client_uuid,
        visited_at=visited_at,
        outcome=outcome,
        lat=lat,
        lng=lng,
        answers=answers,
        visit_type_code=visit_type_code,
        policy_codes=policy_codes or (),
        demands=demands or (),
        resolved_on_spot=resolved_on_spot,
        refused_reason=refused_reason,
        notes=notes,
        photos_expected=photos_expected,
        accuracy_m=accuracy_m,
    )

    reference = _Reference()

    def check() -> tuple[_Prepared, int]:
        # A first copy only, and before the write transaction: the reference rows it is checked
        # against (and the plans' join window) are read while other requests may write.
        prepared = _visit_prepared(item, worker=worker, now=timezone.now(), reference=reference)
        return prepared, reference.policy.join_window_days

    def write(checked: tuple[_Prepared, int]) -> Visit:
        prepared, window = checked
        return _visits_write([prepared], window_days=window, worker=worker, request=request)[0]

    visit, created = create_once_checked(
        find=lambda: unique_or_none(Visit.objects.filter(client_uuid=client_uuid)), check=check, create=write
    )
    return (visit, True) if created else (_resent(visit, worker, household), False)


def visits_record_batch(
    *, worker: User, items: Sequence[VisitInput], request: HttpRequest | None = None
) -> list[tuple[Visit, bool]]:
    """Record a phone's queue of visits at once: (visit, created) for each item, in order. Each
    visit is checked and written as `visit_record` would; a resent one is answered with the
    visit first recorded. All or nothing: one bad visit refuses the batch (its error names the
    visit by position) and nothing is written."""
    if len(items) > MAX_BATCH:
        raise InvalidInput("batch_too_large", _("Send at most %(limit)s visits at once.") % {"limit": MAX_BATCH})
    uuids = [item.client_uuid for item in items]
    if len(set(uuids)) != len(uuids):
        raise InvalidInput("client_uuid_repeated", _("The same visit ID appears twice in one batch."))

    def stored() -> dict[uuid.UUID, Visit]:
        return {visit.client_uuid: visit for visit in Visit.objects.filter(client_uuid__in=uuids)}

    found = stored()
    for item in items:  # a visit ID of somebody else's visit refuses the batch before any write
        if item.client_uuid in found:
            _resent(found[item.client_uuid], worker, item.household)
    fresh = [(position, item) for position, item in enumerate(items) if item.client_uuid not in found]
    written: dict[uuid.UUID, Visit] = {}
    if fresh:
        try:
            with transaction.atomic():
                reference = _Reference()
                prepared = _batch_prepared(fresh, worker=worker, reference=reference)
                window = reference.policy.join_window_days
                visits = _visits_write(prepared, window_days=window, worker=worker, request=request)
                written = {visit.client_uuid: visit for visit in visits}
        except IntegrityError:
            # A copy of some of these visits arrived at the same moment and won: answer with it.
            found = stored()
            if any(item.client_uuid not in found for _, item in fresh):
                raise
    return [
        (written[item.client_uuid], True)
        if item.client_uuid in written
        else (_resent(found[item.client_uuid], worker, item.household), False)
        for item in items
    ]


def _batch_prepared(fresh: list[tuple[int, VisitInput]], *, worker: User, reference: _Reference) -> list[_Prepared]:
    now = timezone.now()
    prepared = []
    for position, item in fresh:
        try:
            prepared.append(_visit_prepared(item, worker=worker, now=now, reference=reference))
        except InvalidInput as error:
            error.details["position"] = position  # which visit of the batch, counted from 0
            raise
    return prepared


def _resent(visit: Visit, worker: User, household: Household) -> Visit:
    """The visit already recorded under a client_uuid, when this is its worker resending it."""
    if visit.worker_id != worker.pk or visit.household_id != household.pk:
        raise Conflict("client_uuid_taken", _("This visit ID is used by another visit; generate a new one."))
    return visit


def _visits_write(
    prepared: list[_Prepared], *, window_days: int, worker: User, request: HttpRequest | None
) -> list[Visit]:
    """Store checked visits in order with what follows from each (in the caller's transaction)."""
    visits = Visit.objects.bulk_create([entry.visit for entry in prepared])
    through = Visit.policies.through
    through.objects.bulk_create(
        through(visit_id=visit.pk, policytopic_id=topic.pk)
        for visit, entry in zip(visits, prepared, strict=True)
        for topic in entry.policies
    )
    Demand.objects.bulk_create(
        Demand(
            visit=visit,
            household=visit.household,
            text=demand.text,
            resolved_on_spot=demand.resolved_on_spot,
            raised_at=visit.visited_at,
        )
        for visit, entry in zip(visits, prepared, strict=True)
        for demand in entry.demands
    )
    _households_verified(visits)
    _verifications_open(visits)
    _plans_fulfilled_and_audited(visits, prepared, window_days=window_days, worker=worker, request=request)
    return visits


def _households_verified(visits: list[Visit]) -> None:
    """Outcomes feed the registry (R-REG-4): a visit that met the household verifies it, unless
    the household was verified later already (a visit sent late does not turn the clock back)."""
    latest: dict[int, dt.datetime] = {}
    for visit in visits:
        if visit.outcome == Outcome.MET:
            latest[visit.household_id] = max(visit.visited_at, latest.get(visit.household_id, visit.visited_at))
    if not latest:
        return
    # One statement run once per household (executemany). An ORM UPDATE with a CASE on the id did
    # it in one statement, but building that expression cost about 3.5 ms a batch, the largest
    # single cost of recording visits in the demo year's profile; this costs a few hundredths.
    table = connection.ops.quote_name(Household._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    # The visit source's id is read by the statement itself: one round trip less a visit.
    sources = connection.ops.quote_name(DataSource._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET last_verified_at = %s, "  # noqa: S608 (names are ours)
            f"last_verified_source_id = (SELECT id FROM {sources} WHERE code = %s) "
            "WHERE id = %s AND (last_verified_at IS NULL OR last_verified_at < %s)",
            [(adapt(when), VISIT_SOURCE, pk, adapt(when)) for pk, when in sorted(latest.items())],
        )


def _verifications_open(visits: list[Visit]) -> None:
    """Moved out or a mismatch sends the household to community staff to verify, once: no second
    request while one is open."""
    doubtful = [visit for visit in visits if visit.outcome in DOUBTFUL_OUTCOMES]
    if not doubtful:
        return
    open_already = set(
        VerificationRequest.objects.filter(
            household_id__in={visit.household_id for visit in doubtful}, status=VerificationStatus.OPEN
        ).values_list("household_id", flat=True)
    )
    requests = []
    for visit in doubtful:
        if visit.household_id not in open_already:
            open_already.add(visit.household_id)
            requests.append(
                VerificationRequest(
                    household_id=visit.household_id, visit=visit, reason=visit.outcome, created_at=visit.received_at
                )
            )
    VerificationRequest.objects.bulk_create(requests)


def _plans_fulfilled_and_audited(
    visits: list[Visit], prepared: list[_Prepared], *, window_days: int, worker: User, request: HttpRequest | None
) -> None:
    """Each visit fulfils a plan of its household, then is audited: the audit rows come in the
    order one-by-one recording writes them (the plan's row before its visit's)."""
    window = dt.timedelta(days=window_days)
    days = [local_date(visit.visited_at) for visit in visits]
    planned = set(
        PlannedVisit.objects.filter(
            household_id__in={visit.household_id for visit in visits},
            status=PlanStatus.PLANNED,
            planned_for__gte=min(days) - window,
            planned_for__lte=max(days) + window,
        ).values_list("household_id", flat=True)
    )
    pending: list[AuditItem] = []
    for visit, entry in zip(visits, prepared, strict=True):
        if visit.household_id in planned and visit.outcome != Outcome.NOT_HOME:
            audit_record_batch(items=pending, actor=worker, request=request)
            pending = []
            _fulfil_plan(visit, window)
        detail = {"household": visit.household_id, "outcome": visit.outcome, "demands": len(entry.demands)}
        pending.append(AuditItem("visit.record", visit, detail))
    audit_record_batch(items=pending, actor=worker, request=request)


def _fulfil_plan(visit: Visit, window: dt.timedelta) -> None:
    """Whichever department planned it, one visit by the grid worker satisfies the plan."""
    day = local_date(visit.visited_at)
    plan = (
        PlannedVisit.objects.filter(
            household_id=visit.household_id,
            status=PlanStatus.PLANNED,
            planned_for__gte=day - window,
            planned_for__lte=day + window,
        )
        .order_by("planned_for")
        .first()
    )
    if plan is not None:
        claim_transition(
            row=plan, to_state=PlanStatus.DONE, action="fulfil", actor=visit.worker, detail={"visit": visit.pk}
        )
        Visit.objects.filter(pk=visit.pk).update(plan=plan)
        visit.plan = plan
