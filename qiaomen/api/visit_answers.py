"""How the API answers with a visit: the same answer whether the visit was just written or is
read back, so that a phone that resends a visit gets the first answer byte for byte."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from qiaomen.visits.models import Demand, VerificationRequest, Visit, VisitPhoto
from qiaomen.visits.recording import DOUBTFUL_OUTCOMES


def visits_with_details(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """Everything a visit's answer shows, in a fixed number of queries whatever the page size."""
    demands = Demand.objects.annotate(ticket_pk=F("ticket__id")).order_by("pk")
    photos = VisitPhoto.objects.filter(visit=OuterRef("pk")).values("visit").annotate(n=Count("pk")).values("n")
    return visits.annotate(
        verification_queued=Exists(VerificationRequest.objects.filter(visit=OuterRef("pk"))),
        photos_received=Coalesce(Subquery(photos), 0),
    ).prefetch_related("policies", Prefetch("demands", queryset=demands))


def visit_answer(visit: Visit) -> dict[str, Any]:
    """A visit as stored (read through visits_with_details)."""
    return _visit_answer(
        visit,
        policies=[policy.code for policy in visit.policies.all()],
        demands=[
            {
                "id": demand.pk,
                "text": demand.text,
                "resolved_on_spot": demand.resolved_on_spot,
                "ticket_id": demand.ticket_pk,  # type: ignore[attr-defined]
            }
            for demand in visit.demands.all()
        ],
        verification_queued=visit.verification_queued,  # type: ignore[attr-defined]
        photos_received=visit.photos_received,  # type: ignore[attr-defined]
    )


def visit_answer_just_recorded(visit: Visit, policy_codes: list[str]) -> dict[str, Any]:
    """A visit without demands that this request has just written, answered from what was written
    instead of reading it back: reading it with everything an answer shows cost about a third
    of recording a visit (bench/visits_post.py). The answer is the one a resend gets from the
    stored visit, byte for byte (test_visits.py holds both to it): the policies are the codes
    sent, each once; no photo can have arrived yet; times as the database gives them back."""
    # Only a doubtful outcome can have opened a verification: the others need no look.
    queued = visit.outcome in DOUBTFUL_OUTCOMES and VerificationRequest.objects.filter(visit=visit).exists()
    return _visit_answer(
        visit,
        policies=list(set(policy_codes)),
        demands=[],
        verification_queued=queued,
        photos_received=0,
    )


def _visit_answer(
    visit: Visit,
    *,
    policies: list[str],
    demands: list[dict[str, Any]],
    verification_queued: bool,
    photos_received: int,
) -> dict[str, Any]:
    """A visit's answer, in a fixed order: a resent visit is answered byte for byte alike."""
    return {
        "id": visit.pk,
        "client_uuid": visit.client_uuid,
        "household_id": visit.household_id,
        "visited_at": visit.visited_at.astimezone(dt.UTC),
        "received_at": visit.received_at.astimezone(dt.UTC),
        "outcome": visit.outcome,
        "contact_mode": visit.contact_mode,
        "distance_m": visit.distance_m,
        "accuracy_m": visit.accuracy_m,
        "far_from_building": visit.far_from_building,
        "policies": sorted(policies),
        # PostgreSQL's jsonb reorders keys; sorting makes the answer the same on either database.
        "answers": dict(sorted(visit.answers.items())),
        "demands": demands,
        "verification_queued": verification_queued,
        "photos_expected": visit.photos_expected,
        "photos_received": photos_received,
        "complete": photos_received >= visit.photos_expected,
    }
