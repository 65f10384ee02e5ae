"""web.shared.paths: a row's path is the one `reverse` gives, under any script prefix."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from qiaomen.web.shared.paths import path_for_pk


@pytest.mark.parametrize("name", ["web:household_detail", "web:visit_new", "web:ticket_detail"])
@pytest.mark.parametrize("prefix", ["/", "/qiaomen/"])
def test_the_path_is_the_one_reverse_gives(name: str, prefix: str) -> None:
    set_script_prefix(prefix)
    try:
        path = path_for_pk(name)
        for pk in (1, 7, 918273, 2**40):
            assert path(pk) == reverse(name, args=[pk])
        assert path(1).startswith(prefix)
    finally:
        set_script_prefix("/")


def test_a_pattern_without_a_key_is_refused() -> None:
    with pytest.raises(NoReverseMatch):
        path_for_pk("web:worklist")
