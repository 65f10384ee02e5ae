"""What a published description loses: phones, ID numbers, other long numbers, e-mail addresses;
and what it keeps: the words, house numbers, dates and coordinates."""

from __future__ import annotations

import pytest

from qiaomen.open311.scrub import scrub_personal_numbers


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("请打13800001111找我女儿", "请打〔电话已隐去〕找我女儿"),
        ("电话 138-0000-1111 或 138 0000 1111", "电话 〔电话已隐去〕 或 〔电话已隐去〕"),
        ("+86 139 0000 2222", "〔电话已隐去〕"),
        ("８６１３９００００２２２２", "〔电话已隐去〕"),  # full-width, with the country code
        ("１３８００００１１１１", "〔电话已隐去〕"),
        ("座机021-12345678转8001", "座机〔电话已隐去〕转8001"),
        ("(021)12345678", "〔电话已隐去〕"),
        ("（电话13800001111）", "（电话〔电话已隐去〕）"),
        ("身份证11010519491231002X", "身份证〔证件号已隐去〕"),
        ("身份证 110105 19491231 002x", "身份证 〔证件号已隐去〕"),
        ("身份证11010519491231002Y", "身份证〔号码已隐去〕Y"),  # 17 digits and a letter: a long number
        ("老号码110105491231002", "老号码〔证件号已隐去〕"),
        ("110105194912310021", "〔证件号已隐去〕"),  # check digit wrong: still scrubbed
        ("家里电话6688 1234", "家里电话〔号码已隐去〕"),  # a landline without its area code
        ("卡号6222020200112233445", "卡号〔号码已隐去〕"),
        ("联系wang.xy@example.cn谢谢", "联系〔邮箱已隐去〕谢谢"),
        ("13800001111x", "〔电话已隐去〕x"),
        ("13800001111\n13900002222", "〔电话已隐去〕\n〔电话已隐去〕"),
    ],
)
def test_personal_numbers_are_taken_out(text: str, published: str) -> None:
    assert scrub_personal_numbers(text) == published


@pytest.mark.parametrize(
    "text",
    [
        "和平路12号3栋1单元101室漏水",
        "2026-11-29 停水，2026/11/30 还没来",
        "位置 31.200123,121.400456",
        "欠薪12000元，已经3个月",
        "订单123456X号",
        "",
    ],
)
def test_everything_else_is_kept(text: str) -> None:
    assert scrub_personal_numbers(text) == text
