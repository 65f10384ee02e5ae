"""python manage.py demo_logins [--url URL]: the demo street's logins, as seed_demo wrote them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from qiaomen.accounts.models import User
from qiaomen.accounts.twofactor import REQUIRED_ROLES
from qiaomen.demo.logins import LOGINS_FILENAME, demo_logins_read
from qiaomen.demo.users import DEMO_USERNAMES, DEMO_USERS
from qiaomen.registry.models import DoorCode


class Command(BaseCommand):
    help = "Prints the demo users, their roles and their password, or says there is no demo street."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the site is served")

    def handle(self, *args: Any, **options: Any) -> None:
        path = settings.VAR_DIR / LOGINS_FILENAME
        saved = demo_logins_read(path)
        admin = User.objects.filter(username=DEMO_USERNAMES[0]).first()
        if saved is None or admin is None:
            self.stdout.write("还没有演示街道 (no demo street)：python manage.py seed_demo --households 3000 --seed 1")
            return
        text, password = saved
        self.stdout.write(f"地址 (URL): {options['url']}")
        self.stdout.write(text, ending="")
        # The demo street works like a real one: admin roles set up their second factor at their
        # first login, with any authenticator app (SECURITY 13).
        admins = "、".join(spec.username for spec in DEMO_USERS if spec.role in REQUIRED_ROLES)
        self.stdout.write(
            f"两步验证 (two-step sign-in)：{admins} 首次登录时须用手机上的身份验证器应用扫码设置，"
            "并抄下十个恢复码 (set up an authenticator app at the first login and keep the ten recovery codes)"
        )
        # One household's QR page, to try the residents' side without printing a sticker.
        code = DoorCode.objects.filter(revoked_at__isnull=True, person__isnull=True).order_by("pk").first()
        if code is not None:
            page = reverse("public:door", args=[code.token])
            self.stdout.write(f"居民二维码页面示例 (a resident's QR page): {options['url'].rstrip('/')}{page}")
        # The file may belong to another database, or someone changed the password since.
        if not admin.check_password(password):
            self.stdout.write(
                f"注意：{path} 中的密码与当前数据库的演示账号不一致 (password in the file no longer matches)"
            )
