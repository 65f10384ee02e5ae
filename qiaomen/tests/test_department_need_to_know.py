"""SECURITY.md line 5: a department handler sees the ticket, its address and a masked contact,
never the person's file, on every page and API answer they can reach.

The routes come from Django's URL resolver (the scope sweep's walk), so a ticket page or API
operation added later is checked too. Each route's record parameter is filled with the handler's
own ticket (or its photo, spot check, sub-category) or with the registry records behind it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db.models import Model
from django.test import Client
from pytest_django.fixtures import Settings

from qiaomen.accounts.services import api_token_create
from qiaomen.registry.models import Person
from qiaomen.testing import SmallStreet
from qiaomen.tests.test_scope_sweep import ALL_ROUTES, Route
from qiaomen.tickets.models import Channel, PhotoKind, SpotCheck, Subcategory, Ticket
from qiaomen.tickets.services import ticket_accept, ticket_create, ticket_photos_add
from qiaomen.tickets.tests.test_photos import png

pytestmark = pytest.mark.django_db

HANDLER = "dept_handler"  # 民政, the department LIF-MEAL tickets go to


def _registry_fields(person: Person) -> list[str]:
    """What the person's file holds and a ticket must not show, as HTML and as JSON write it."""
    household = [member for member in Person.objects.filter(household=person.household_id) if member != person]
    digits = person.id_number[6:14]  # the birth date, read from the number whatever columns keep it
    born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    values = [
        person.name,
        person.id_number,
        person.id_masked,
        person.phone,
        born.isoformat(),
        f"{born.year}年{born.month}月{born.day}日",
        *person.care_notes.split("，"),
        *(member.name for member in household),
    ]
    return [form for value in values if value for form in {value, json.dumps(value)[1:-1]}]


def _records(s: SmallStreet, ticket: Ticket) -> dict[str, Model]:
    (photo,) = ticket_photos_add(ticket=ticket, user=s.users["worker_a"], raws=[png()], kind=PhotoKind.REPORT)
    spot_check = SpotCheck.objects.create(ticket=ticket, reason="sample", created_at=ticket.created_at)
    return {
        "ticket": ticket,
        "ticket_photo": photo,
        "spot_check": spot_check,
        "subcategory": ticket.subcategory,
        "household": s.household_a,
        "person": s.elder_a,
        "building": s.building_a,
        "grid": s.grid_a,
        "community": s.community_1,
    }


def _fillable(route: Route, records: dict[str, Model]) -> bool:
    kinds = {route.kind_of(name) for _, name in route.parameters}
    return None not in kinds and kinds <= set(records)


def test_security_5_no_ticket_page_or_api_answer_shows_a_department_the_persons_file(
    small_street: SmallStreet, settings: Settings, tmp_path: Path
) -> None:
    s = small_street
    settings.UPLOAD_DIR = tmp_path
    ticket = ticket_create(
        channel=Channel.VISIT,
        description="想申请助餐",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=s.household_a,
        person=s.elder_a,
        created_by=s.users["worker_a"],
    )
    ticket = ticket_accept(ticket=ticket, user=s.users[HANDLER])
    records = _records(s, ticket)
    secrets = _registry_fields(s.elder_a)
    page = Client(raise_request_exception=False)
    page.force_login(s.users[HANDLER])
    token, _ = api_token_create(user=s.users[HANDLER], request=None)
    api = {"Authorization": f"Bearer {token}"}

    problems, opened = [], {}
    for route in ALL_ROUTES:
        if route.is_bearer or route.is_published or not (not route.parameters or _fillable(route, records)):
            continue
        url = route.url(lambda kind: records[kind].pk) if route.parameters else route.url(lambda kind: 0)
        answer = page.get(url, headers=api) if route.is_api else page.get(url)
        if answer.status_code != 200 or not hasattr(answer, "content"):
            continue
        body = answer.content.decode("utf-8", errors="replace")
        opened[route.route] = body
        if shown := [secret for secret in secrets if secret in body]:
            problems.append(f"{url} shows {shown}")
        if (
            "/registry/persons/" in body
            or "/registry/households/" in body
            or '"person_id": ' + str(s.elder_a.pk) in body
        ):
            problems.append(f"{url} leads into the registry")
    assert not problems, "\n".join(problems)
    # The control: the handler did open the ticket, and there it has the address and the contact.
    for name in ("tickets/<int:pk>/", "api/v1/tickets/<int:ticket_id>", "api/v1/tickets", "tickets/"):
        assert name in opened, f"{name} did not open for the handler"
    for name in ("tickets/<int:pk>/", "api/v1/tickets/<int:ticket_id>"):
        assert str(s.household_a) in opened[name] and s.elder_a.phone_masked in opened[name]
    assert not {"registry/households/<int:pk>/", "registry/persons/<int:pk>/"} & set(opened)
