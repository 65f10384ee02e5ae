"""The README's screenshots of the command centre, taken from a freshly seeded demo street.

    .venv/bin/python scripts/screenshots.py [--workdir DIR] [--households 3000] [--out docs/screenshots]

Seeds the demo street (with its year of history) into a folder of its own, serves it with
gunicorn as `make run` does, signs in through the login form as the demo street admin (setting up
the authenticator the way a phone app would, from the key on the page) and saves one PNG per page
in Chromium (/usr/bin/chromium). The wall screen is opened through a kiosk link made by the same
service that the screen-token page uses. Nothing here is a test: it only draws the pictures.
"""

from __future__ import annotations

import argparse
import hmac
import struct
import sys
import time
from base64 import b32decode
from hashlib import sha1
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import HOST, bench_folder, gunicorn_start, manage  # noqa: E402

PASSWORD = "Demo-Screenshots-2026!"  # noqa: S105 (the throwaway street's demo password)
PORT = 8093
# (file name, path, width, height, full page): what a newcomer sees first, at a desk's width.
PAGES = [
    ("command", "/command/", 1600, 1000, True),
    ("command-map", "/command/map/", 1600, 1000, False),
    ("command-trends", "/command/analysis/", 1600, 1000, True),
    ("command-forecast", "/command/analysis/forecast/", 1600, 1000, True),
    ("command-satisfaction", "/command/satisfaction/", 1600, 1000, True),
    ("command-reports", "/command/reports/", 1600, 1000, False),
]
CHROMIUM = "/usr/bin/chromium"


def totp(key: bytes, at: float) -> str:
    """RFC 6238 with the defaults that django-otp's TOTP devices use (30 s, 6 digits, SHA-1)."""
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


KIOSK_LINK = """
from django.urls import reverse
from qiaomen.accounts.models import User
from qiaomen.accounts.screens import screen_token_create
from qiaomen.places.models import Street
admin = User.objects.get(username="admin")
_, key = screen_token_create(user=admin, street=Street.objects.get(), name="README", days=1)
print(reverse("web:command_screen_kiosk", args=[key]))
"""


def kiosk_link(workdir: Path) -> str:
    """A screen link for the wall screen, made by the service behind the screen-links page."""
    run = manage(workdir, "shell", "--no-imports", "-c", KIOSK_LINK)
    return run.output.strip().splitlines()[-1]


def shoot(base: str, out: Path, kiosk_path: str | None) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        page.goto(f"{base}/login/?next=/command/")
        page.get_by_label("用户名").fill("admin")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        key = b32decode(page.locator("code.secret-key").inner_text().strip())
        page.get_by_label("验证码").fill(totp(key, time.time()))
        page.get_by_role("button", name="确认").click()
        page.get_by_role("link", name="我已抄下").click()
        for name, path, width, height, full in PAGES:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(800)  # ECharts animates its first draw
            page.screenshot(path=str(out / f"{name}.png"), full_page=full)
            print(f"saved {out / (name + '.png')}")
        if kiosk_path:
            screen = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
            screen.goto(base + kiosk_path)
            screen.wait_for_load_state("networkidle")
            screen.wait_for_timeout(1200)
            screen.screenshot(path=str(out / "command-screen.png"))
            print(f"saved {out / 'command-screen.png'}")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, help="keep the seeded street here (default: a temporary folder)")
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    arguments = parser.parse_args()
    with bench_folder(arguments.workdir, name="screenshots") as workdir:
        workdir.mkdir(parents=True, exist_ok=True)
        manage(workdir, "migrate", "--noinput", "--verbosity", "0")
        manage(workdir, "createcachetable")
        manage(workdir, "seed_demo", "--if-empty", "--households", str(arguments.households), "--password", PASSWORD)
        manage(workdir, "collectstatic", "--noinput", "--verbosity", "0")
        kiosk = kiosk_link(workdir)
        server = gunicorn_start(workdir, PORT, 2)
        try:
            shoot(f"http://{HOST}:{PORT}", arguments.out, kiosk)
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
