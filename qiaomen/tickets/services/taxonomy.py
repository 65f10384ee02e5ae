"""The street admin's settings of the ticket rules: sub-categories and working-day overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Forbidden
from qiaomen.tickets.models import Subcategory, WorkdayOverride

SUBCATEGORY_EDITABLE = frozenset({"name", "department", "default_priority", "keywords", "retired"})


def subcategory_update(*, subcategory: Subcategory, user: User, changes: dict[str, Any]) -> Subcategory:
    """The street admin's edit of a sub-category. The code never changes: tickets, figures and
    the API refer to it (taxonomy.md). Retiring keeps old tickets readable."""
    if user.role != Role.STREET_ADMIN:
        raise Forbidden("taxonomy_not_allowed", _("Only a street administrator can change the categories."))
    with transaction.atomic():
        for name, value in changes.items():
            if name in SUBCATEGORY_EDITABLE:
                setattr(subcategory, name, value)
        subcategory.save(update_fields=sorted(SUBCATEGORY_EDITABLE & changes.keys()))
        audit_record(
            action="taxonomy.update",
            actor=user,
            obj=subcategory,
            detail={"code": subcategory.code, "fields": sorted(changes)},
        )
    return subcategory


def workday_override_set(*, user: User, date: dt.date, is_working_day: bool, note: str = "") -> WorkdayOverride:
    """The admin's word on one day (a local arrangement the national calendar does not know).
    The override and its audit row are one transaction: no override without its trace."""
    if user.role != Role.STREET_ADMIN:
        raise Forbidden("workdays_not_allowed", _("Only a street administrator can adjust working days."))
    with transaction.atomic():
        override, _created = WorkdayOverride.objects.update_or_create(
            date=date, defaults={"is_working_day": is_working_day, "note": note.strip()[:100]}
        )
        audit_record(action="workday.override", actor=user, obj=override, detail={"working": is_working_day})
    return override
