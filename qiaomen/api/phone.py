"""What the grid worker's phone app (/m/) keeps for a day without signal: one answer with the
work list in walking order and the household card of every household on it.

The phone stores the answer encrypted (IndexedDB, AES-GCM with a key that lives only as long as
the session) and records visits against it offline; they come back through POST /api/v1/visits,
once each by their client UUID. Only households of the caller's own places are ever in it, and
members are masked exactly as on the household card (children under 14 counted, not shown, for
a caller without the sensitive-data permission); what the answer shows is audited like a card.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.gzip import gzip_page
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view

from qiaomen.accounts.roles import Capability
from qiaomen.api.auth import api_user_with
from qiaomen.api.errors import responses
from qiaomen.registry.selectors import household_search, household_views, households_for_user
from qiaomen.registry.services import household_views_record
from qiaomen.tickets.classification import active_taxonomy
from qiaomen.tickets.classification.splitting import note_split
from qiaomen.tickets.models import OPEN_STATUSES
from qiaomen.tickets.selectors import tickets_for_user
from qiaomen.visits.selectors import Tier, active_visit_type
from qiaomen.visits.week_ahead import work_list_ahead

# A worker's grid holds 300-500 households; the phone takes the whole list in one answer.
PACKAGE_LIMIT = 600
# The door-knocking round's own type (the API's default); its questionnaire goes to the phone.
VISIT_TYPE = "routine"


class PhoneMemberOut(Schema):
    id: int
    version: int = Field(description="the file's version, sent back with a correction made on the phone")
    name: str
    relationship: str
    age: int
    id_masked: str
    phone_masked: str
    tags: list[str] = Field(description="tag names the caller may see")


class PhoneHouseholdOut(Schema):
    household_id: int
    address: str
    tier: str = Field(description="overdue_special, due_special, overdue or due: most urgent first")
    special: bool
    remaining: int
    phone_contact: bool = Field(description="visits are paused here: contact by phone or online")
    later_this_week: bool = Field(description="not due today: due within the next 7 days (listed after those due now)")
    last_visit_at: dt.datetime | None
    open_tickets: int
    hidden_children: int = Field(description="members under 14 the caller may not see: counted, never shown")
    members: list[PhoneMemberOut]
    lat: float | None = Field(description="the building's position, for the check-in distance")
    lng: float | None


class QuestionOut(Schema):
    code: str
    label: str
    type: str = Field(description="text, number, boolean or choice")
    required: bool = Field(description="to be answered when the household was met")
    choices: list[str]


class PhonePackageOut(Schema):
    made_at: dt.datetime = Field(description="when the server made this package (UTC)")
    user: str
    visit_type: str = Field(description="the visit type the app records, whose questions follow")
    questions: list[QuestionOut]
    households: list[PhoneHouseholdOut] = Field(description="in walking order, most urgent tier first")
    count: int


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=5000, description="a visit note as the worker typed it")


class SplitDemandOut(Schema):
    text: str = Field(description="the words of the note this demand came from")
    start: int = Field(description="where they start in the note (characters)")
    end: int
    subcategory: str = Field(description="the suggested sub-category's code")
    subcategory_name: str
    priority: str
    department: str = Field(description="the department's code")
    emergency: list[str] = Field(description="the emergency words heard; empty if none")


class NoteSplitOut(Schema):
    demands: list[SplitDemandOut] = Field(description="in the note's order; empty when it asks for nothing")


router = Router(tags=["phone app"])


@router.post("/phone/split", response=responses(NoteSplitOut, 400, 401, 403, 422), url_name="phone_split")
def phone_split(request: HttpRequest, payload: NoteIn) -> dict[str, Any]:
    """A visit note cut into the demands it holds, each classified, for the worker to confirm,
    edit or drop before they go with the visit (as `demands`). Nothing is stored."""
    api_user_with(request, Capability.RECORD_VISITS)
    taxonomy = active_taxonomy()
    return {
        "demands": [
            {
                "text": demand.span,
                "start": demand.start,
                "end": demand.end,
                "subcategory": demand.code,
                "subcategory_name": taxonomy[demand.code].name,
                "priority": demand.priority,
                "department": demand.department,
                "emergency": demand.emergency,
            }
            for demand in note_split(payload.text, taxonomy=taxonomy)
        ]
    }


@router.get("/phone/package", response=responses(PhonePackageOut, 401, 403), url_name="phone_package")
# Compressed: a grid's 400 cards are 240 kB of JSON, 2 s on a 3G line, and a tenth of that
# gzipped. The answer reflects nothing a third party sends, so compression reveals no secret.
@decorate_view(gzip_page)
def phone_package(request: HttpRequest) -> dict[str, Any]:
    """The caller's work list with a card per household, for the phone app to keep offline."""
    user = api_user_with(request, Capability.RECORD_VISITS)
    now = timezone.now()
    ahead = work_list_ahead(households_for_user(user), now=now)[:PACKAGE_LIMIT]
    items = [entry.due for entry in ahead]
    later_ids = {entry.due.household.pk for entry in ahead if entry.later}
    ids = [item.household.pk for item in items]
    views = {view.household.pk: view for view in household_views(user, household_search(user).filter(pk__in=ids))}
    open_tickets = Counter(
        tickets_for_user(user)
        .filter(household_id__in=ids, status__in=OPEN_STATUSES)
        .values_list("household_id", flat=True)
    )
    household_views_record(user=user, views=list(views.values()), request=request)
    households = []
    for item in items:
        view = views[item.household.pk]
        building = item.household.building
        households.append(
            {
                "household_id": item.household.pk,
                "address": str(item.household),
                "tier": Tier.LABELS[item.tier],
                "special": item.special,
                "remaining": item.remaining,
                "phone_contact": item.phone_contact,
                "later_this_week": item.household.pk in later_ids,
                "last_visit_at": item.last_visit_at,
                "open_tickets": open_tickets[item.household.pk],
                "hidden_children": view.hidden_children,
                "members": [
                    {
                        "id": member.person.pk,
                        "version": member.person.version,
                        "name": member.person.name,
                        "relationship": member.person.get_relationship_display(),
                        "age": member.age,
                        "id_masked": member.person.id_masked,
                        "phone_masked": member.person.phone_masked,
                        "tags": [tag.name for tag in member.tags],
                    }
                    for member in view.members
                ],
                "lat": building.lat,
                "lng": building.lng,
            }
        )
    return {
        "made_at": now,
        "user": user.get_username(),
        "visit_type": VISIT_TYPE,
        "questions": _questions(),
        "households": households,
        "count": len(items),
    }


def _questions() -> list[dict[str, Any]]:
    visit_type = active_visit_type(VISIT_TYPE)
    return [
        {
            "code": question["code"],
            "label": question.get("label", question["code"]),
            "type": question.get("type", "text"),
            "required": bool(question.get("required")),
            "choices": [str(choice) for choice in question.get("choices", [])],
        }
        for question in (visit_type.questions if visit_type else [])
    ]
