from __future__ import annotations

import pytest

from qiaomen.tickets.models import Subcategory


@pytest.fixture
def meals(db: None) -> Subcategory:
    """LIF-MEAL 老年助餐 → 民政, P2."""
    return Subcategory.objects.get(code="LIF-MEAL")


@pytest.fixture
def school(db: None) -> Subcategory:
    """POL-EDU 子女入学 → 教育, P3."""
    return Subcategory.objects.get(code="POL-EDU")
