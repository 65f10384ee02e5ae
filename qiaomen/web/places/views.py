"""The place tree: street → community → grid, and a grid's buildings."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qiaomen.accounts.places import grid_buildings_for_user, grid_for_user
from qiaomen.registry.place_tree import place_tree_for_user
from qiaomen.web.shared.views import current_user, staff_page


@staff_page
def place_tree(request: HttpRequest) -> HttpResponse:
    return render(request, "web/places/tree.html", {"tree": place_tree_for_user(current_user(request))})


@staff_page
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    grid = grid_for_user(user, pk)
    context = {"grid": grid, "buildings": grid_buildings_for_user(user, grid)}
    return render(request, "web/places/grid_detail.html", context)
