"""The demo logins file: who the demo users are and their password, readable by the owner only,
written by seed_demo and printed again by demo_logins."""

from __future__ import annotations

import os
import re
from pathlib import Path

from qiaomen.demo.seed import DemoStreet

LOGINS_FILENAME = "demo-logins.txt"

_PASSWORD_LABEL = "所有演示账号的密码 (password): "  # noqa: S105 (a label, not a password)


def demo_logins_text(demo: DemoStreet) -> str:
    lines = [
        f"敲门演示街道：{demo.street.name}（{demo.street.city}），{demo.counts['households']} 户，"
        f"{demo.counts['people']} 人",
        _PASSWORD_LABEL + demo.password,
        "",
        f"{'用户名 (username)':<20}{'角色 (role)':<22}说明",
    ]
    for login in demo.logins:
        user = login.user
        lines.append(f"{user.username:<20}{user.role:<22}{user.display_name}，{user.duty}，{login.acts_in}")
    lines.append("")
    lines.append("三员分立：系统管理员、安全管理员、审计管理员是三个不同的人 (three admin duties, three people)")
    return "\n".join(lines) + "\n"


def demo_logins_write(*, demo: DemoStreet, path: Path) -> None:
    """Write the logins readable by the owner only (0600), replacing any earlier file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(demo_logins_text(demo))
    os.replace(partial, path)


def demo_logins_read(path: Path) -> tuple[str, str] | None:
    """The text of the logins file and the password in it, or None without a readable file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    match = re.search("^" + re.escape(_PASSWORD_LABEL) + r"(\S+)$", text, re.MULTILINE)
    return (text, match.group(1)) if match else None
