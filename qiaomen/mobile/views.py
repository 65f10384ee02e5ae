"""The phone app's three files. The app page is a shell: it holds no household data, only the
labels and the addresses of its scripts; the work list comes from /api/v1/phone/package and
is kept on the phone encrypted (static/mobile/vault.js)."""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability

THEME_COLOUR = "#a3201c"  # 敲门 red, as --brand in the staff pages
ICON_SIZES = (192, 512)
SHELL_ASSETS = ("mobile/app.css", "mobile/app.js", "mobile/vault.js", "mobile/queue.js")


@login_required
def app(request: HttpRequest) -> HttpResponse:
    """For those who record visits (grid workers, community staff); others get the 403 page."""
    user = request.user
    assert isinstance(user, User)  # login_required
    if not user.can(Capability.RECORD_VISITS):
        raise PermissionDenied
    return render(request, "mobile/app.html", {"username": user.get_username(), "messages": _messages()})


def _messages() -> dict[str, str]:
    """What the scripts write on the page, in the request's language ({n}, {time}: filled in there)."""
    return {
        "waiting": _("{n} visits waiting to be sent"),
        "nothing_waiting": _("Everything is sent"),
        "last_synced": _("last synced {time}"),
        "never_synced": _("not synced yet"),
        "offline": _("Offline: visits are kept on this phone and sent when the signal returns"),
        "no_package": _("Connect once to load your work list."),
        "empty": _("Nobody is due a visit."),
        "members": _("{n} members"),
        "hidden_children": _("{n} children not shown"),
        "open_tickets": _("{n} open tickets"),
        "last_visit": _("last visit {date}"),
        "never_visited": _("never visited"),
        "saved": _("Visit saved on this phone."),
        "refused_reason_needed": _("Say why the household refused."),
        "refused_by_server": _("Not accepted by the server: {reason}"),
        "position_kept": _("Position kept (±{metres} m)"),
        "position_missing": _("No position: the visit is kept without one"),
        "photos_waiting": _("{n} photos waiting"),
        "too_many_photos": _("At most {n} photos a visit."),
        "split_needs_signal": _("Finding the demands needs signal: type one demand per line below."),
        "split_none": _("The note asks for nothing: add demands by hand if there are any."),
        "drop": _("Drop"),
        "correct_phone": _("New phone number"),
        "new_phone_of": _("New phone number of {name}"),
        "save_correction": _("Keep the new number"),
        "correction_kept": _("new phone {value}, waiting to be sent"),
        "conflict": _("{name}: the phone's {phone} met a newer file ({current}); community staff will decide"),
        "later_this_week": _("due later this week"),
        "split_at_sync": _("The demands in its note will be found when the signal returns."),
        "confirm_found": _("Demands found in the note: untick those that are not."),
        "confirm_send": _("Confirm and send"),
        "yes": _("yes"),
        "no": _("no"),
        "answer_needed": _("Please answer “{label}”."),
        "unsent_on_sign_out": _("{n} visits are not sent yet. Press sign out again to discard them."),
    }


def manifest(request: HttpRequest) -> HttpResponse:
    """Public: browsers fetch a manifest without cookies. It names the app and nothing else."""
    app_url = reverse("mobile:app")
    icons = [
        {"src": static(f"mobile/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
        for size in ICON_SIZES
        for purpose in ("any", "maskable")
    ]
    body = {
        "name": "敲门 · 网格员",
        "short_name": "敲门",
        "lang": "zh-CN",
        "start_url": app_url,
        "scope": app_url,
        "id": app_url,
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": icons,
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")


def service_worker(request: HttpRequest) -> HttpResponse:
    """Rendered, not a static file: it lists the shell's files by their collected (hashed) names,
    and its cache is named after them, so a new release replaces the old shell on the phones."""
    assets = [static(name) for name in SHELL_ASSETS] + [static(f"mobile/icon-{size}.png") for size in ICON_SIZES]
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    context = {"assets": json.dumps(assets), "app_url": json.dumps(reverse("mobile:app")), "version": version}
    response = render(request, "mobile/sw.js", context, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on every visit; no cache may hold the old one back.
    response.headers["Cache-Control"] = "no-cache"
    return response
