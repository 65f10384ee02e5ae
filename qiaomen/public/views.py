"""The resident's rating page, reached through the one-time link sent when a ticket is resolved.

No login: the token is the credential. The page shows what was done, never an address or a
name, so a forwarded link gives nothing away. The rules (one use, expiry, a low rating
reopening the ticket) are ticket_rate's.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from qiaomen.core.errors import DomainError
from qiaomen.public.forms import RatingForm
from qiaomen.public.ratelimit import over_limit
from qiaomen.tickets.models import RatingLink
from qiaomen.tickets.services import ticket_rate

RATE_LIMIT_PER_MINUTE = 20


def _message(request: HttpRequest, text: str, status: int) -> HttpResponse:
    return render(request, "public/message.html", {"message": text}, status=status)


def _link(token: str) -> RatingLink | None:
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    return RatingLink.objects.select_related("ticket__subcategory").filter(token_hash=token_hash).first()


@never_cache
def rate(request: HttpRequest, token: str) -> HttpResponse:
    limit = getattr(settings, "PUBLIC_RATE_LIMIT_PER_MINUTE", RATE_LIMIT_PER_MINUTE)
    if over_limit(request, scope="rate", limit=limit):
        return _message(request, "访问过于频繁，请稍后再试。", 429)
    link = _link(token)
    if link is None or link.expires_at < timezone.now():
        return _message(request, "评价链接无效或已过期。", 404)
    if link.used_at is not None:
        return _message(request, "您已经评价过了，感谢您的反馈！", 409)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket_rate(
                token=token, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"], request=request
            )
        except DomainError as exc:
            return _message(request, exc.message, exc.status)
        return render(request, "public/thanks.html", {"score": form.cleaned_data["score"]})
    status = 422 if form.errors else 200
    return render(request, "public/rate.html", {"form": form, "ticket": link.ticket}, status=status)
