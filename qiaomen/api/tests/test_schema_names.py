"""The OpenAPI document names each schema by its class name: two routers' schemas of the same
name would silently share one component, and one router's answers would then be checked (and
documented) against the other's shape."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import qiaomen.api


def test_no_two_api_schemas_share_a_name() -> None:
    modules_by_name: dict[str, set[str]] = defaultdict(set)
    for info in pkgutil.iter_modules(qiaomen.api.__path__):
        module = importlib.import_module(f"qiaomen.api.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                modules_by_name[value.__name__].add(module.__name__)
    shared = {name: sorted(modules) for name, modules in modules_by_name.items() if len(modules) > 1}
    assert not shared
