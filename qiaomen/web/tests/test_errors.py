"""Error pages: in Chinese, with no traceback and no personal data."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from qiaomen.testing import SmallStreet


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail 110105195003010011")


urlpatterns = [path("boom/", _boom), path("", include("qiaomen.urls"))]


def test_an_unknown_page_is_a_chinese_404(client: Client, db: None) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.urls("qiaomen.web.tests.test_errors")
def test_a_crash_is_a_chinese_500_without_traceback(small_street: SmallStreet) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(small_street.users["worker_a"])
    response = client.get("/boom/")
    content = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in content
    assert "Traceback" not in content and "110105195003010011" not in content and "RuntimeError" not in content
