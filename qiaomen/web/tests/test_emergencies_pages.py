"""The emergencies pages: an incident reported from a visit on the household card, acknowledged
and closed by the community's staff, another community's incident a 404; a plan kept, activated
and ended from its pages, and the grid worker's check list with a button per household."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from qiaomen.devices.models import ActivationStatus, HouseholdCheck, Incident, IncidentStatus, PlanActivation
from qiaomen.testing import SmallStreet, sign_in
from qiaomen.visits.models import Outcome, Visit
from qiaomen.visits.selectors import paused_grid_ids


def test_an_incident_is_reported_from_the_visit_and_handled(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    now = timezone.now()
    visit = Visit.objects.create(
        client_uuid=uuid.uuid4(),
        household=small_street.household_a,
        grid=small_street.grid_a,
        worker=small_street.users["worker_a"],
        visited_at=now,
        received_at=now,
        outcome=Outcome.MET,
    )
    worker = client_as("worker_a")
    card = worker.get(f"/registry/households/{small_street.household_a.pk}/")
    link = f"/emergencies/incidents/new/?visit={visit.pk}"
    assert link in card.content.decode()
    assert worker.get(link).status_code == 200
    local = timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")
    body = {"visit": visit.pk, "kind": "conflict", "occurred_at": local, "description": "住户辱骂网格员"}
    answer = worker.post("/emergencies/incidents/new/", body)
    incident = Incident.objects.get()
    assert answer.status_code == 302 and incident.visit == visit and incident.household == small_street.household_a
    blank = worker.post("/emergencies/incidents/new/", {**body, "description": " "})
    assert blank.status_code == 422 and Incident.objects.count() == 1

    staff = sign_in(Client(), small_street.users["community_staff"])
    assert "住户辱骂网格员" in staff.get(f"/emergencies/incidents/{incident.pk}/").content.decode()
    staff.post(f"/emergencies/incidents/{incident.pk}/acknowledge/")
    staff.post(f"/emergencies/incidents/{incident.pk}/close/", {"reason": "已报警处理"})
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    assert (
        sign_in(Client(), small_street.users["worker_b"]).get(f"/emergencies/incidents/{incident.pk}/").status_code
        == 404
    )


def test_a_plan_is_kept_activated_checked_and_ended_from_its_pages(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    admin = client_as("street_admin")
    body = {
        "kind": "heat_wave",
        "title": "高温预案",
        "steps": "发布高温预警\n上门送水",
        "responsible_roles": ["grid_worker"],
        "contacts": "李医生, 卫生站, 13800007777",
    }
    created = admin.post("/emergencies/plans/new/", body)
    assert created.status_code == 302, created.content.decode()
    plan_url = created["Location"]
    page = admin.get(plan_url).content.decode()
    assert "上门送水" in page and "138****7777" in page and "13800007777" not in page
    activated = admin.post(f"{plan_url}activate/", {"community": small_street.community_1.pk})
    activation = PlanActivation.objects.get()
    assert activated["Location"] == f"/emergencies/activations/{activation.pk}/"
    assert set(paused_grid_ids(on=timezone.localdate())) == {small_street.grid_a.pk}

    worker = sign_in(Client(), small_street.users["worker_a"])
    assert f"/emergencies/activations/{activation.pk}/" in worker.get("/emergencies/plans/").content.decode()
    row = HouseholdCheck.objects.get(activation=activation)
    assert f"/emergencies/checks/{row.pk}/" in worker.get(f"/emergencies/activations/{activation.pk}/").content.decode()
    worker.post(f"/emergencies/checks/{row.pk}/", {"outcome": "safe"})
    row.refresh_from_db()
    assert row.outcome == "safe" and row.checked_by == small_street.users["worker_a"]
    outsider = sign_in(Client(), small_street.users["worker_b"])
    assert outsider.get(f"/emergencies/activations/{activation.pk}/").status_code == 404

    admin.post(f"/emergencies/activations/{activation.pk}/end/")
    activation.refresh_from_db()
    assert activation.status == ActivationStatus.ENDED and paused_grid_ids(on=timezone.localdate()) == {}
