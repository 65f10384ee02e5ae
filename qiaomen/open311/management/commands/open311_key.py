"""`manage.py open311_key create NAME [--street CODE]`, `list`, `revoke NAME`.

The key is printed once, on create, and never again: only its SHA-256 is stored. Hand it to the
client's operator over a channel that is not e-mail in clear, and revoke it when they leave.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from qiaomen.core.errors import DomainError
from qiaomen.open311.keys import open311_key_create, open311_key_revoke
from qiaomen.open311.models import Open311Key


class Command(BaseCommand):
    help = "Creates, lists and revokes the API keys of Open311 GeoReport v2 clients (/open311/v2/)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a new key for a client; printed once")
        create.add_argument("name", help="the client, e.g. 市民热线平台")
        create.add_argument("--street", default="", help="limit the key to one street (its code)")
        actions.add_parser("list", help="every key: name, street, created, revoked (never the key)")
        revoke = actions.add_parser("revoke", help="the key stops working at once")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                key, record = open311_key_create(name=options["name"], street_code=options["street"])
                self.stdout.write(f"客户端“{record.name}”的 api_key（只显示这一次，请妥善保存）：")
                self.stdout.write(key)
            elif options["action"] == "revoke":
                record = open311_key_revoke(name=options["name"])
                self.stdout.write(f"已吊销客户端“{record.name}”的 api_key")
            else:
                self._list()
        except DomainError as exc:
            raise CommandError(f"{exc.message}（{exc.code}）") from exc

    def _list(self) -> None:
        keys = Open311Key.objects.select_related("street").annotate(request_count=Count("requests")).order_by("name")
        if not keys:
            self.stdout.write("还没有 Open311 客户端密钥")
        for record in keys:
            street = record.street.code if record.street else "全部街道"
            state = f"已吊销 {timezone.localtime(record.revoked_at):%Y-%m-%d %H:%M}" if record.revoked_at else "有效"
            created = f"{timezone.localtime(record.created_at):%Y-%m-%d %H:%M}"
            self.stdout.write(f"{record.name}\t{street}\t创建于 {created}\t{state}\t请求 {record.request_count} 件")
