"""Benchmark: residents sending demands through the QR page, through the real server.

    .venv/bin/python bench/resident_submit.py [--submissions 600] [--clients 4] [--workers 2]
                                              [--port 8079] [--households 500]

Seeds a demo street into a throwaway SQLite database (the seed issues every household a door
code), trains the classifier once into the folder (so that no server worker trains on its first
request), starts gunicorn on 127.0.0.1:`--port` and lets `--clients` phones each do what a
resident does, for their own share of the households: open /q/<token> (GET: the page, its CSRF
cookie and a fresh submission id) and send the form (POST, urlencoded, no photo), which runs
classification, ticket creation and routing through intake.ticket_from_text and answers 302.
The limits per IP and per code are raised for the run (every client comes from 127.0.0.1).

Prints submissions/s (a GET and a POST each, wall time of the whole run) and p50/p95 of the POST
alone and of the GET, and the machine line. Then, with the server stopped, `--in-process`
submissions through the same view with Django's test client in this process, timed in CPU
time (steadier than wall time on a shared machine): what one core can take. Not a test: nothing
asserts on time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import time
from urllib.parse import urlencode

from common import (
    HOST,
    bench_folder,
    django_setup,
    gunicorn_start,
    machine,
    manage,
    percentile,
    status_counts,
    street_seed,
    threads_run,
    timed_ms,
)

# What residents write, in their words; a counter keeps each text apart.
DEMANDS = [
    "我妈一个人住，中午总是吃不上热饭，能不能帮忙订个老年餐",
    "楼道里的灯坏了一个星期了，晚上上楼看不见",
    "小区门口的垃圾好几天没人收了，味道很大",
    "孩子明年上小学，想问问入学要准备哪些材料",
    "楼上邻居天天半夜装修，吵得睡不着",
    "想给我爸申请无障碍改造，卫生间要装扶手",
    "失业半年了，想找份工作，社区有没有培训",
    "车位太少了，每天晚上停车都要转好几圈",
]
LIMITS = {
    "QIAOMEN_QR_VIEWS_PER_IP_PER_MINUTE": "1000000",
    "QIAOMEN_QR_SUBMITS_PER_IP_PER_HOUR": "1000000",
    "QIAOMEN_QR_SUBMITS_PER_IP_PER_DAY": "1000000",
    "QIAOMEN_QR_SUBMITS_PER_CODE_PER_HOUR": "1000000",
    "QIAOMEN_QR_SUBMITS_PER_CODE_PER_DAY": "1000000",
}
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
FORM_FIELD = re.compile(r'name="(csrfmiddlewaretoken|submission_id)" value="([^"]+)"')


def door_tokens() -> list[str]:
    from qiaomen.registry.models import DoorCode

    codes = DoorCode.objects.filter(revoked_at__isnull=True, person__isnull=True).order_by("pk")
    return [code.token for code in codes]


def submit(port: int, token: str, text: str) -> tuple[float, float, int]:
    """One resident: open the page, send the form. (GET ms, POST ms, POST status)"""
    path = f"/q/{token}"
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path)
    page = connection.getresponse()
    body = page.read().decode()
    got = (time.perf_counter() - started) * 1000
    connection.close()
    cookie = CSRF_COOKIE.search(page.getheader("Set-Cookie", "") or "")
    fields = dict(FORM_FIELD.findall(body))
    if page.status != 200 or cookie is None or len(fields) != 2:
        raise SystemExit(f"GET {path} answered {page.status} without the form's fields")
    data = urlencode({**fields, "text": text, "callback_phone": ""})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie.group(1)}",
        "Content-Length": str(len(data)),
    }
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    started = time.perf_counter()
    connection.request("POST", path, body=data, headers=headers)
    answer = connection.getresponse()
    answer.read()
    posted = (time.perf_counter() - started) * 1000
    connection.close()
    return got, posted, answer.status


def run(
    port: int, tokens: list[str], submissions: int, clients: int
) -> tuple[float, list[float], list[float], dict[int, int]]:
    gets: list[list[float]] = [[] for _ in range(clients)]
    posts: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[dict[int, int]] = [{} for _ in range(clients)]

    def client(index: int) -> None:
        mine = tokens[index::clients]
        for n in range(index, submissions, clients):
            got, posted, status = submit(port, mine[n % len(mine)], f"{DEMANDS[n % len(DEMANDS)]}（{n}）")
            gets[index].append(got)
            posts[index].append(posted)
            statuses[index][status] = statuses[index].get(status, 0) + 1

    seconds = threads_run(clients, client)
    return (
        seconds,
        sorted(ms for c in gets for ms in c),
        sorted(ms for c in posts for ms in c),
        status_counts(statuses),
    )


def in_process(tokens: list[str], count: int) -> list[float]:
    """CPU milliseconds of `count` form posts through the view (test client, limits lifted), sorted."""
    import uuid

    from django.test import Client, override_settings

    client = Client()
    sent = iter(range(count))
    limits = {name.removeprefix("QIAOMEN_"): int(value) for name, value in LIMITS.items()}

    def post() -> None:
        n = next(sent)
        data = {"text": f"{DEMANDS[n % len(DEMANDS)]}（本进程 {n}）", "submission_id": str(uuid.uuid4())}
        answer = client.post(f"/q/{tokens[n % len(tokens)]}", data)
        if answer.status_code != 302:
            raise SystemExit(f"in-process POST answered {answer.status_code}")

    with override_settings(**limits):
        return timed_ms(post, count, clock=time.process_time)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=600)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8079)
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--in-process", type=int, default=200, help="submissions through the test client")
    options = parser.parse_args()
    with bench_folder(None, name="resident") as workdir:
        street_seed(workdir, households=options.households, seed=1)
        manage(workdir, "train_classifier")
        manage(workdir, "collectstatic", "--noinput", "--verbosity", "0")  # the pages name hashed files
        django_setup(workdir)
        print(f"machine: {machine()}")
        tokens = door_tokens()
        os.environ.update(LIMITS)  # read by the server's settings (gunicorn_start passes the environment on)
        server = gunicorn_start(workdir, options.port, options.workers)
        try:
            for n in range(options.workers * 2):  # each worker loads the model and warms its caches
                submit(options.port, tokens[-1 - n], DEMANDS[n % len(DEMANDS)])
            seconds, gets, posts, counts = run(options.port, tokens, options.submissions, options.clients)
        finally:
            server.terminate()
            server.wait(timeout=30)
        sent = counts.get(302, 0)
        print(
            f"resident submissions through /q/<token>, {options.clients} phones → gunicorn "
            f"({options.workers} sync workers), SQLite: {sent:,} of {options.submissions:,} stored in {seconds:.1f} s "
            f"= {sent / seconds:,.1f} submissions/s (page load + form each); "
            f"POST p50 {percentile(posts, 0.5):.1f} ms, p95 {percentile(posts, 0.95):.1f} ms; "
            f"GET p50 {percentile(gets, 0.5):.1f} ms, p95 {percentile(gets, 0.95):.1f} ms; answers {counts}"
        )

        spent = in_process(tokens, options.in_process)
        print(
            f"resident submissions in this process (test client, one thread), CPU time: "
            f"p50 {percentile(spent, 0.5):.1f} ms, p95 {percentile(spent, 0.95):.1f} ms per submission "
            f"= {1000 / percentile(spent, 0.5):,.0f} submissions/s per core at the median; n={len(spent)}"
        )

        from qiaomen.tickets.models import Channel, Ticket

        print(f"tickets from the QR channel in the database: {Ticket.objects.filter(channel=Channel.QR).count():,}")


if __name__ == "__main__":
    main()
