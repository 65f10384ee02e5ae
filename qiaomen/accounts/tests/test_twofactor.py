"""SECURITY.md line 13: a second factor (TOTP), required for the admin roles, open to all staff."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from qiaomen.accounts.models import RecoveryCode, User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.security import twofactor_reset
from qiaomen.core.errors import Forbidden
from qiaomen.core.models import AuditEntry, AuditResult
from qiaomen.core.tokens import token_hash
from qiaomen.testing import PASSWORD, SmallStreet, make_user, sign_in, totp_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("web:login")
CODE = reverse("web:login_code")
ENROL = reverse("web:login_enrol")


def _step_start() -> dt.datetime:
    """Now, moved to 7 s into the current 30-second TOTP step: the tests' codes stay in one step.
    (Close to the real time, so that the sessions' idle and absolute limits keep them alive.)"""
    now = int(time.time())
    return dt.datetime.fromtimestamp(now - now % 30 + 7, tz=dt.UTC)


def _password(client: Client, username: str) -> str:
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def _signed_in_as(client: Client) -> int | None:
    """Whose session this is once a page has run the middleware (None: nobody's)."""
    client.get(reverse("web:home"))
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def _enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


@pytest.mark.parametrize("role", [Role.STREET_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR, "system_admin"])
def test_security_13_totp_required_for_admins(client: Client, small_street: SmallStreet, role: str) -> None:
    user = make_user("admin2", role)
    assert _password(client, "admin2") == ENROL  # forced enrolment, before any page
    assert _signed_in_as(client) is None
    assert client.get(reverse("web:home")).status_code == 302
    assert user.pk not in {_signed_in_as(client)}


def test_security_13_other_staff_sign_in_with_the_password_alone(client: Client, small_street: SmallStreet) -> None:
    assert _password(client, "worker1") == reverse("web:home")
    assert _signed_in_as(client) == small_street.users["worker_a"].pk


def test_security_13_enrolment_by_qr_code_confirmed_by_a_first_code(client: Client, small_street: SmallStreet) -> None:
    admin = small_street.users["street_admin"]
    with time_machine.travel(_step_start(), tick=False) as clock:
        _password(client, "admin")
        page = client.get(ENROL).content.decode()
        assert "<svg" in page and "<script>" not in page and 'style="' not in page
        device = TOTPDevice.objects.get(user=admin, confirmed=False)
        assert "otpauth" not in page  # the QR code carries the link; the page shows only the key

        wrong = client.post(ENROL, {"code": "000000"})
        assert "代码错误或已被使用" in wrong.content.decode()
        assert _signed_in_as(client) is None
        clock.shift(dt.timedelta(seconds=5))  # django-otp slows down guessing after a failure

        done = client.post(ENROL, {"code": totp_code(device)})
        codes = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", done.content.decode())
        assert len(set(codes)) == 10
        assert done["Cache-Control"].startswith("max-age=0") or "no-store" in done["Cache-Control"]
        assert _signed_in_as(client) == admin.pk
        # Stored as hashes only.
        stored = set(RecoveryCode.objects.filter(user=admin).values_list("code_hash", flat=True))
        assert stored == {token_hash(code) for code in codes}
        actions = list(AuditEntry.objects.filter(actor=admin).values_list("action", "result"))
        assert ("auth.2fa_enrol_start", AuditResult.OK) in actions
        assert ("auth.2fa_enrol", AuditResult.DENIED) in actions and ("auth.2fa_enrol", AuditResult.OK) in actions


def test_security_13_login_is_the_password_then_a_code(client: Client, small_street: SmallStreet) -> None:
    admin = small_street.users["street_admin"]
    device = _enrolled(admin)
    with time_machine.travel(_step_start(), tick=False):
        assert _password(client, "admin") == CODE
        assert _signed_in_as(client) is None
        response = client.post(CODE, {"code": totp_code(device)})
    assert response.status_code == 302
    assert _signed_in_as(client) == admin.pk
    assert AuditEntry.objects.filter(action="auth.2fa", actor=admin, result=AuditResult.OK).count() == 1


def test_security_13_a_wrong_code_signs_nobody_in(client: Client, small_street: SmallStreet) -> None:
    device = _enrolled(small_street.users["street_admin"])
    with time_machine.travel(_step_start(), tick=False):
        _password(client, "admin")
        wrong = f"{(int(totp_code(device)) + 1) % 10**6:06d}"
        response = client.post(CODE, {"code": wrong})
    assert response.status_code == 200 and "代码错误或已被使用" in response.content.decode()
    assert _signed_in_as(client) is None
    assert AuditEntry.objects.filter(action="auth.2fa", result=AuditResult.DENIED).count() == 1


def test_security_13_a_replayed_code_is_refused(small_street: SmallStreet) -> None:
    device = _enrolled(small_street.users["street_admin"])
    first, second = Client(), Client()
    with time_machine.travel(_step_start(), tick=False) as clock:
        code = totp_code(device)
        _password(first, "admin")
        assert first.post(CODE, {"code": code}).status_code == 302
        clock.shift(dt.timedelta(seconds=3))  # still the same 30-second step
        _password(second, "admin")
        assert second.post(CODE, {"code": code}).status_code == 200
    assert _signed_in_as(second) is None


def test_security_13_a_recovery_code_works_once(small_street: SmallStreet) -> None:
    admin = small_street.users["street_admin"]
    _enrolled(admin)
    RecoveryCode.objects.create(user=admin, code_hash=token_hash("abcdefghjk"))
    first, second = Client(), Client()
    _password(first, "admin")
    assert first.post(CODE, {"code": "ABCDE FGHJK"}).status_code == 302  # as read off paper
    _password(second, "admin")
    assert second.post(CODE, {"code": "abcdefghjk"}).status_code == 200
    assert _signed_in_as(first) == admin.pk and _signed_in_as(second) is None
    assert RecoveryCode.objects.get(user=admin).used_at is not None


def test_security_13_an_admin_session_without_the_second_factor_is_no_session(
    client: Client, small_street: SmallStreet
) -> None:
    client.force_login(small_street.users["auditor"])  # the password alone, as if the code were skipped
    assert client.get(reverse("web:audit_log")).status_code == 302
    assert _signed_in_as(client) is None
    sign_in(client, small_street.users["auditor"])  # with the second factor verified
    assert client.get(reverse("web:audit_log")).status_code == 200


def test_security_13_a_security_admin_resets_a_lost_phone(client: Client, small_street: SmallStreet) -> None:
    admin = small_street.users["street_admin"]
    security = small_street.users["security_admin"]  # the street's, so the admin is within reach
    _enrolled(admin)
    RecoveryCode.objects.create(user=admin, code_hash=token_hash("abcdefghjk"))
    session = Client()
    sign_in(session, admin)

    sign_in(client, security)
    response = client.post(reverse("web:security_2fa_reset"), {"username": "admin"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=admin).exists() and not RecoveryCode.objects.filter(user=admin).exists()
    assert _signed_in_as(session) is None  # the lost phone's sessions end too
    row = AuditEntry.objects.get(action="accounts.2fa_reset")
    assert (row.actor, row.object_id) == (security, str(admin.pk))
    assert _password(Client(), "admin") == ENROL  # enrols again at the next sign-in


def test_security_13_only_a_security_admin_resets(small_street: SmallStreet) -> None:
    _enrolled(small_street.users["worker_a"])
    for persona in ("street_admin", "auditor"):
        with pytest.raises(Forbidden):
            twofactor_reset(user=small_street.users["worker_a"], by=small_street.users[persona])
    assert TOTPDevice.objects.filter(user=small_street.users["worker_a"]).exists()


def test_security_13_every_staff_user_may_enrol_from_their_account_page(
    client: Client, small_street: SmallStreet
) -> None:
    worker = small_street.users["worker_a"]
    sign_in(client, worker)
    page = reverse("web:account_2fa")
    with time_machine.travel(_step_start(), tick=False):
        assert client.post(page, {"action": "start"}).status_code == 302
        device = TOTPDevice.objects.get(user=worker, confirmed=False)
        assert "<svg" in client.get(page).content.decode()
        assert len(re.findall(r"<li><code>", client.post(page, {"code": totp_code(device)}).content.decode())) == 10
    assert "10" in client.get(page).content.decode()
    assert _password(Client(), "worker1") == CODE  # from now on, the worker's logins ask for a code


def test_security_13_the_token_endpoint_asks_admins_for_the_code(client: Client, small_street: SmallStreet) -> None:
    url = reverse("api:auth_token")

    def token(username: str, otp: str = "") -> tuple[int, dict[str, str]]:
        body = {"username": username, "password": PASSWORD, "otp": otp}
        response = client.post(url, body, content_type="application/json")
        return response.status_code, response.json()

    assert token("admin") == (403, {"code": "second_factor_enrolment_needed", "message": "请先在网页上设置两步验证"})
    device = _enrolled(small_street.users["street_admin"])
    with time_machine.travel(_step_start(), tick=False) as clock:
        assert token("admin")[1]["code"] == "second_factor_failed"
        clock.shift(dt.timedelta(seconds=5))
        status, body = token("admin", totp_code(device))
        assert status == 200 and body["token"]
        assert token("admin", totp_code(device))[1]["code"] == "second_factor_failed"  # no replay
    assert token("worker1")[0] == 200  # no authenticator, not an admin: the password is enough


def test_security_13_a_security_admin_resets_no_second_factor_outside_their_places(
    client: Client, small_street: SmallStreet
) -> None:
    admin = small_street.users["street_admin"]
    _enrolled(admin)
    sign_in(client, make_user("security_elsewhere", Role.SECURITY_ADMIN))  # no place: reaches nobody

    assert client.post(reverse("web:security_2fa_reset"), {"username": "admin"}).status_code == 404
    assert TOTPDevice.objects.filter(user=admin).exists()
