"""Households and people, read-only: scoped, paginated and masked.

Everything goes through the registry selectors, which apply the caller's places and decide what
they may see (children under 14, sensitive tags). The API never returns a full ID number or
phone: there is no unmasking here, only the masked columns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from qiaomen.accounts.places import building_for_user, grid_for_user
from qiaomen.api.auth import api_user
from qiaomen.api.errors import responses
from qiaomen.api.paging import Offset
from qiaomen.api.schema_rules import codes_of
from qiaomen.core.errors import InvalidInput
from qiaomen.registry.models import (
    Gender,
    Household,
    HouseholdStatus,
    Person,
    PersonStatus,
    Relationship,
    ResidentType,
    Tag,
)
from qiaomen.registry.selectors import (
    HouseholdView,
    ProvenanceRow,
    household_card,
    household_for_user,
    household_search,
    household_views,
    person_card,
    person_for_user,
    tag_filter_choices,
)
from qiaomen.registry.services import household_views_record, person_view_record

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class PlaceRefOut(Schema):
    id: int
    name: str


class TagOut(Schema):
    code: str
    name: str
    special_group: bool


class MemberOut(Schema):
    id: int
    name: str
    relationship: Relationship
    gender: Gender
    age: int
    id_masked: str = Field(
        description="region code and check character, e.g. 330106***********X; the full number is never returned"
    )
    phone_masked: str = Field(description="e.g. 138****5678")
    status: PersonStatus
    resident_type: ResidentType
    separated: bool = Field(description="人户分离")
    tags: list[TagOut] = Field(description="sensitive tags only for callers with the sensitive-data permission")


class HouseholdOut(Schema):
    id: int
    address: str
    community: PlaceRefOut
    grid: PlaceRefOut
    building: PlaceRefOut
    status: HouseholdStatus
    member_count: int
    special_group: bool = Field(description="a member belongs to a special group the caller may see")
    last_verified_at: dt.datetime | None
    last_verified_source: str | None


class HouseholdPageOut(Schema):
    items: list[HouseholdOut]
    count: int


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]
    hidden_children: int = Field(description="members under 14 the caller may not see: counted, never shown")
    open_conflicts: int


class ProvenanceOut(Schema):
    field: str
    source: str
    at: dt.datetime | None


class HouseholdRefOut(Schema):
    id: int
    address: str


class PersonOut(MemberOut):
    household: HouseholdRefOut | None
    care_notes: str | None = Field(description="only for callers with the sensitive-data permission")
    last_verified_at: dt.datetime | None
    last_verified_source: str | None
    provenance: list[ProvenanceOut] = Field(description="where each current value came from")


def _active_tag_codes() -> list[str]:
    return list(Tag.objects.filter(active=True).values_list("code", flat=True))


class HouseholdFilters(Schema):
    grid: int | None = Field(None, ge=1)
    building: int | None = Field(None, ge=1)
    tag: str | None = Field(
        None,
        min_length=1,
        max_length=32,
        description="tag code, e.g. elder_alone; a sensitive tag only with the sensitive-data permission (see /tags)",
        json_schema_extra=codes_of(_active_tag_codes),
    )
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: Offset = 0


router = Router(tags=["registry"])


def _tags(tags: list[Tag]) -> list[dict[str, Any]]:
    return [{"code": t.code, "name": t.name, "special_group": t.is_special_group} for t in tags]


def _person(person: Person, age: int, tags: list[Tag]) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.name,
        "relationship": person.relationship,
        "gender": person.gender,
        "age": age,
        "id_masked": person.id_masked,
        "phone_masked": person.phone_masked,
        "status": person.status,
        "resident_type": person.resident_type,
        "separated": person.separated,
        "tags": _tags(tags),
    }


def _household(view: HouseholdView) -> dict[str, Any]:
    household = view.household
    building = household.building
    source = household.last_verified_source
    return {
        "id": household.pk,
        "address": str(household),
        "community": {"id": building.grid.community_id, "name": building.grid.community.name},
        "grid": {"id": building.grid_id, "name": building.grid.name},
        "building": {"id": building.pk, "name": building.name},
        "status": household.status,
        # Hidden children are counted (the household's size is not theirs to hide), never shown.
        "member_count": len(view.members) + view.hidden_children,
        "special_group": any(tag.is_special_group for member in view.members for tag in member.tags),
        "last_verified_at": household.last_verified_at,
        "last_verified_source": source.name if source else None,
    }


def _provenance(rows: list[ProvenanceRow]) -> list[dict[str, Any]]:
    return [{"field": row.field, "source": row.source, "at": row.at} for row in rows]


@router.get("/tags", response=responses(list[TagOut], 401), url_name="tags")
def tag_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The tags the caller may filter households by (sensitive ones only with the permission)."""
    return _tags(list(tag_filter_choices(api_user(request))))


@router.get("/households", response=responses(HouseholdPageOut, 401, 404, 422), url_name="households")
def household_list(request: HttpRequest, filters: Query[HouseholdFilters]) -> dict[str, Any]:
    """Households in the caller's places, narrowed by grid, building or tag code.

    A grid or building outside the caller's places answers 404; a tag code that is not among
    the caller's /tags answers 422.
    """
    user = api_user(request)
    tag = None
    if filters.tag is not None:
        tag = tag_filter_choices(user).filter(code=filters.tag).first()
        if tag is None:
            raise InvalidInput("unknown_tag", _("No such tag; the available tags are listed at /api/v1/tags."))
    households = household_search(
        user,
        grid=grid_for_user(user, filters.grid) if filters.grid is not None else None,
        building=building_for_user(user, filters.building) if filters.building is not None else None,
        tag=tag,
    )
    # No audit row for sensitive data here: an item shows no member, only counts (children
    # included, never named) and whether someone belongs to a special group.
    page = households[filters.offset : filters.offset + filters.limit]
    return {"items": [_household(view) for view in household_views(user, page)], "count": households.count()}


@router.get(
    "/households/{int:household_id}",
    response=responses(HouseholdDetailOut, 401, 404, 422),
    url_name="household",
)
def household_detail(request: HttpRequest, household_id: int) -> dict[str, Any]:
    """One household (一户一档) with its members, masked."""
    user = api_user(request)
    household = household_for_user(user, household_id)
    card = household_card(user, household)
    household_views_record(user=user, views=[card.view], request=request, obj=household)
    return {
        **_household(card.view),
        "members": [_person(m.person, m.age, m.tags) for m in card.view.members],
        "hidden_children": card.view.hidden_children,
        "open_conflicts": card.open_conflicts,
    }


@router.get(
    "/persons/{int:person_id}",
    response=responses(PersonOut, 401, 403, 404, 422),
    url_name="person",
)
def person_detail(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """One person's file, masked. Every call writes an audit row; a child's file needs the
    sensitive-data permission (403 otherwise, also audited)."""
    user = api_user(request)
    person = person_for_user(user, person_id)
    person_view_record(user=user, person=person, request=request)
    card = person_card(user, person)
    household: Household | None = person.household
    source = person.last_verified_source
    return {
        **_person(person, card.age, card.tags),
        "household": {"id": household.pk, "address": str(household)} if household else None,
        "care_notes": person.care_notes if card.show_sensitive else None,
        "last_verified_at": person.last_verified_at,
        "last_verified_source": source.name if source else None,
        "provenance": _provenance(card.provenance),
    }
