"""简体中文 by default, English on request, and no message left untranslated."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet

LOGIN = reverse("web:login")
QIAOMEN = Path(__file__).resolve().parents[2]
CATALOGUES = [
    QIAOMEN / "web" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    QIAOMEN / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    QIAOMEN / "visits" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    QIAOMEN / "tickets" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    QIAOMEN / "public" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
]


def test_pages_are_in_chinese_by_default(client: Client, db: None) -> None:
    content = client.get(LOGIN).content.decode()
    assert 'lang="zh-hans"' in content
    assert "登录" in content and "用户名" in content


def test_a_browser_asking_for_english_gets_english(client: Client, db: None) -> None:
    content = client.get(LOGIN, headers={"Accept-Language": "en"}).content.decode()
    assert 'lang="en"' in content
    assert "Sign in" in content and "登录" not in content


def test_the_language_form_switches_to_english(client: Client, db: None) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response["Location"] == LOGIN
    assert "Sign in" in client.get(LOGIN).content.decode()


def test_model_labels_and_choices_are_translated(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    content = client_as("worker_a").get(reverse("web:person_detail", args=[small_street.elder_a.pk])).content
    text = content.decode()
    assert "网格员" in text  # the role, from accounts.roles
    assert "户主" in text and "户籍人口" in text  # choices of registry.models


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(QIAOMEN)))
def test_every_message_has_a_translation(path: Path) -> None:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (message.fuzzy or not (all(message.string) if isinstance(message.string, tuple) else message.string))
    ]
    assert untranslated == []
