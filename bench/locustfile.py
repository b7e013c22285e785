"""The load mix for bench/load.py: case managers searching and matching, employers working their
referral inbox and moving referrals on, mentors on the gatemate board. Every user signs in as one of
the demo accounts. Run through bench/load.py, which starts gunicorn and reads the figures back.

A response counts as an error when it is a 5xx, a connection failure, or a page that is not the one
asked for (signed out, an error page). A refused step (a flash and a redirect back) is not an error:
two employers may race for the same referral, and one of them is told so.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

PASSWORD = "lantern-harbour-cobalt"  # noqa: S105 - the published demo password
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
WORDS = ["forklift", "warehouse", "kitchen", "chef", "barista", "labourer", "cleaner", "driver", "retail",
         "construction", "recycling", "catering", "customer service", "hospitality", "apprentice", "trainee"]
# Eligible (participant, opportunity) pairs prepared by bench/load.py, each referred once.
PAIRS = json.loads(Path(os.environ["LOAD_REFERRAL_PAIRS"]).read_text()) if os.environ.get("LOAD_REFERRAL_PAIRS") else []
REGIONS = ["", "London", "North West", "Yorkshire and the Humber", "West Midlands", "South East"]


class SignedIn(HttpUser):
    abstract = True
    email = ""
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        page = self.client.get("/sign-in", name="/sign-in")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/sign-in", data={"csrf_token": token, "email": self.email, "password": PASSWORD},
                              headers={"Referer": f"{self.host}/sign-in"}, name="/sign-in [POST]",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code == 0:
                response.failure(f"dropped connection: {response.error}")
            elif response.status_code != 200 or "/sign-in" in (response.url or ""):
                response.failure(f"{response.status_code} at {response.url}")
            return response

    def csrf(self, response) -> str | None:
        match = CSRF.search(response.text or "")
        return match.group(1) if match else None

    def post(self, path: str, name: str, data: dict, token: str):
        with self.client.post(path, data={"csrf_token": token, **data}, name=name, allow_redirects=False,
                              headers={"Referer": f"{self.host}{path}"}, catch_response=True) as response:
            if response.status_code == 0:
                response.failure(f"dropped connection: {response.error}")
            elif response.status_code not in (200, 302, 303):
                response.failure(f"{response.status_code}")
            return response


def ids(response, pattern: str) -> list[int]:
    return sorted({int(found) for found in re.findall(pattern, response.text or "")})


class CaseManager(SignedIn):
    weight = 4
    email = "case.manager@fairchance.example"

    @task(5)
    def search(self) -> None:
        word, region = random.choice(WORDS), random.choice(REGIONS)
        self.page(f"/search/?q={word}&region={region}", "/search/?q=…")

    @task(3)
    def match_a_participant(self) -> None:
        caseload = self.page("/participants/", "/participants/")
        people = ids(caseload, r'href="/participants/(\d+)"')
        if people:
            person = random.choice(people)
            self.page(f"/participants/{person}", "/participants/<id>")
            self.page(f"/search/participants/{person}", "/search/participants/<id> (matches)")

    @task(1)
    def refer(self) -> None:
        if not PAIRS:
            return
        person, opportunity = PAIRS.pop()
        path = f"/referrals/new?participant={person}&opportunity={opportunity}"
        form = self.page(path, "/referrals/new")
        token = self.csrf(form)
        if token:
            response = self.post(path, "/referrals/new [POST]", {"name": "Load test", "parts": "skills",
                                                                 "consent": "y"}, token)
            if response.status_code != 302:
                response.failure("the referral was not made")

    @task(2)
    def referrals(self) -> None:
        listing = self.page("/referrals/?view=open&scope=organisation", "/referrals/")
        found = ids(listing, r'href="/referrals/(\d+)"')
        if found:
            referral = random.choice(found)
            shown = self.page(f"/referrals/{referral}", "/referrals/<id>")
            token = self.csrf(shown)
            if token and random.random() < 0.3:
                self.post(f"/referrals/{referral}/messages", "/referrals/<id>/messages [POST]",
                          {"body": "Checking in: any news on this one? (load test)"}, token)


class Employer(SignedIn):
    weight = 3
    email = "employer@fairchance.example"

    @task(4)
    def inbox(self) -> None:
        inbox = self.page("/referrals/inbox?view=all", "/referrals/inbox")
        found = ids(inbox, r'href="/referrals/(\d+)"')
        if not found:
            return
        referral = random.choice(found)
        shown = self.page(f"/referrals/{referral}", "/referrals/<id>")
        token = self.csrf(shown)
        if token and f"/referrals/{referral}/steps/acknowledge" in shown.text:
            self.post(f"/referrals/{referral}/steps/acknowledge", "/referrals/<id>/steps/acknowledge [POST]", {},
                      token)
        elif token and random.random() < 0.3:
            self.post(f"/referrals/{referral}/messages", "/referrals/<id>/messages [POST]",
                      {"body": "Thanks, we will be in touch this week. (load test)"}, token)

    @task(1)
    def opportunities(self) -> None:
        self.page("/opportunities/ours", "/opportunities/ours")


class Mentor(SignedIn):
    weight = 2
    email = "mentor@fairchance.example"

    @task(3)
    def board(self) -> None:
        board = self.page("/gatemate/board", "/gatemate/board")
        found = ids(board, r'href="/gatemate/requests/(\d+)"')
        if found:
            self.page(f"/gatemate/requests/{random.choice(found)}", "/gatemate/requests/<id>")

    @task(1)
    def requests(self) -> None:
        self.page("/gatemate/requests", "/gatemate/requests")
