from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.registry.models import DoorCode
from qiaomen.testing import SmallStreet
from qiaomen.tickets.doorcodes.codes import door_code_issue


@dataclass
class Doors:
    """Household codes for household A (grid A) and household B (grid B), and a personal code
    for household A's elder."""

    street: SmallStreet
    code_a: DoorCode
    token_a: str
    code_b: DoorCode
    token_b: str
    elder_code: DoorCode
    elder_token: str

    @staticmethod
    def url(token: str) -> str:
        return reverse("public:door", args=[token])

    def shows_room_of_a(self, page: str) -> bool:
        """Whether household A's room number ("101") stands alone on the page. Not as part of a
        token, a row id or a time: on PostgreSQL the ids run on from earlier tests and the random
        tokens are long, so one of them may well contain 101."""
        room = re.escape(self.street.household_a.room)
        return re.search(rf"(?<![0-9A-Za-z]){room}(?![0-9A-Za-z])", page) is not None


@pytest.fixture
def doors(small_street: SmallStreet, settings: Settings, tmp_path: Path) -> Doors:
    settings.UPLOAD_DIR = tmp_path
    s = small_street
    code_a, token_a = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    code_b, token_b = door_code_issue(household=s.household_b, user=s.users["worker_b"])
    elder_code, elder_token = door_code_issue(household=s.household_a, person=s.elder_a, user=s.users["worker_a"])
    return Doors(s, code_a, token_a, code_b, token_b, elder_code, elder_token)


@pytest.fixture
def resident() -> Callable[[str], Client]:
    """A phone without login, at an IP address of its own."""

    def at(ip: str = "10.0.0.1") -> Client:
        return Client(REMOTE_ADDR=ip)

    return at
