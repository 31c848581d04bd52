"""Locust users for bench/load_mixed.py (issue 18): every role at once against one server.

Not run on its own: load_mixed.py writes the fixture file (sessions, API key, codes) and
passes it in QINQING_LOAD_FIXTURE. Request names are the kinds the report groups by:

* ``page <role>``: a signed-in role opens the pages its own menu offers (read from the
  menu of its home page, so the list follows the permission declarations);
* ``page anonymous``: a visitor opens the public pages the anonymous menu offers;
* ``api directory``: an API client lists enterprises (``directory:read``);
* ``api eligibility``: another system asks whether an enterprise is restricted;
* ``intake api``: an appeal filed through ``POST /api/v1/appeals/`` with an Idempotency-Key.

A redirect to another page of the site is followed once (``/directory/enterprises/mine/``
sends an enterprise account with one enterprise to it); a redirect to the login or 2FA page is
a failure, as is every 4xx and 5xx.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid

from locust import HttpUser, between, task

FIXTURE = json.loads(open(os.environ["QINQING_LOAD_FIXTURE"]).read())  # noqa: SIM115 (read once)
HTTPS = {"X-Forwarded-Proto": "https"}
_MENU = re.compile(r'<nav class="menubar[^"]*"[^>]*>(.*?)</nav>', re.S)
_HREF = re.compile(r'href="(/[^"#?]*)"')
_SKIP = ("logout", "/i18n/", "/static/", "/account/2fa")
_SIGN_IN = ("/login/", "/account/2fa")


def menu_links(html: str) -> list[str]:
    links: list[str] = []
    for block in _MENU.findall(html):
        links.extend(link for link in _HREF.findall(block) if not any(part in link for part in _SKIP))
    return sorted(set(links))


class _Pages(HttpUser):
    abstract = True
    wait_time = between(0.2, 1.0)
    role = "anonymous"

    def on_start(self) -> None:
        self.headers = dict(HTTPS)
        session = FIXTURE["sessions"].get(self.role)
        if session:
            self.headers["Cookie"] = f"{FIXTURE['session_cookie']}={session}"
        with self.client.get(
            "/", headers=self.headers, name=f"page {self.role}", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"home page answered {response.status_code}")
                self.links = ["/"]
                return
            self.links = menu_links(response.text) or ["/"]

    @task
    def open_a_page(self) -> None:
        path = random.choice(self.links)  # noqa: S311 (load pattern, not security)
        name = f"page {self.role}"
        with self.client.get(
            path, headers=self.headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            # Followed by hand: requests drops a hand-set Cookie header on a redirect.
            location = response.headers.get("Location", "")
            if response.status_code in (301, 302, 303) and location.startswith("/"):
                if any(part in location for part in _SIGN_IN):
                    response.failure(f"{path} sent the user to {location}")
                    return
                response.success()
                follow = self.client.get(
                    location, headers=self.headers, name=name, allow_redirects=False, catch_response=True
                )
                with follow as answer:
                    if answer.status_code != 200:
                        answer.failure(f"{path} → {location} answered {answer.status_code}")
            elif response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")


def _role_user(role: str, weight: int) -> type[_Pages]:
    return type(f"Role_{role}", (_Pages,), {"role": role, "weight": weight, "__module__": __name__})


# Weights: many visitors and enterprises, fewer staff, a few of each oversight role.
_WEIGHTS = {"anonymous": 6, "enterprise": 5, "handler": 4, "official": 2, "leader": 2, "district": 1,
            "inspector": 2, "credit": 1, "federation": 1, "auditor": 1, "admin": 1, "orgdept": 1}
for _role, _weight in _WEIGHTS.items():
    if _role == "anonymous" or _role in FIXTURE["sessions"]:
        globals()[f"Role_{_role}"] = _role_user(_role, _weight)


class ApiClient(HttpUser):
    """Other systems and the intake: an API key, no session."""

    weight = 6
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.headers = {**HTTPS, "X-API-Key": FIXTURE["api_key"], "Content-Type": "application/json"}

    @task(3)
    def directory(self) -> None:
        page = random.randint(1, FIXTURE["directory_pages"])  # noqa: S311
        path = f"/api/v1/directory/enterprises?page={page}"
        self.client.get(path, headers=self.headers, name="api directory")

    @task(4)
    def eligibility(self) -> None:
        uscc = random.choice(FIXTURE["usccs"])  # noqa: S311
        self.client.get(
            f"/api/v1/integrity/eligibility?uscc={uscc}&activity=procurement",
            headers=self.headers,
            name="api eligibility",
        )

    @task(2)
    def intake(self) -> None:
        marker = uuid.uuid4().hex
        body = {
            "title": f"负载测试诉求 {marker[:8]}",
            "content": f"园区道路路灯不亮，影响企业夜间物流。编号{marker}。",
        }
        with self.client.post(
            "/api/v1/appeals/",
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={**self.headers, "Idempotency-Key": marker},
            name="intake api",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"intake answered {response.status_code}: {response.text[:200]}")
