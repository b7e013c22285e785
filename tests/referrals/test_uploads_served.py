"""Hostile uploads through the running site (gunicorn, 2 workers): the finding of the outside test was
a 1 MB .docx that took a worker from 275 MB to 2.3 GB. Now the answer is a clear error on the form and
no worker's peak memory moves by more than 100 MB."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from marketplace.core import clock
from marketplace.extensions import db
from tests import documents
from tests.access import build_world

pytestmark = pytest.mark.concurrency
MEGABYTE = 1024 * 1024


def peak_memory(pid: int) -> int:
    """The process's high-water mark of resident memory (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmHWM for {pid}")


def workers_of(served_site) -> list[int]:
    master = served_site.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@pytest.fixture
def referring(served_site):
    world = build_world()
    participant = world.records["participant"]
    participant.location, participant.prison = "community", None
    participant.release_date = clock.today() - timedelta(days=60)
    world.records["referral"].status = "withdrawn"
    db.session.commit()
    browser = served_site.signed_in(world.users["case_manager"])
    path = f"/referrals/new?participant={participant.id}&opportunity={world.records['opportunity'].id}"
    return browser, path


@pytest.mark.parametrize(("upload", "message"), [
    pytest.param(lambda: documents.zip_bomb(300 * MEGABYTE), "The CV is too large once unpacked", id="zip-bomb"),
    pytest.param(lambda: documents.lying_zip_bomb(300 * MEGABYTE), "The CV must be a PDF or a Word document",
                 id="zip-bomb-with-lying-sizes"),
])
def test_a_zip_bomb_is_refused_on_the_form_without_inflating_it(served_site, referring, upload, message):
    browser, path = referring
    bomb = upload()
    assert len(bomb) < 2 * MEGABYTE
    served_site.warm_every_worker(browser, path)
    workers = workers_of(served_site)
    before = {pid: peak_memory(pid) for pid in workers}
    answer = served_site.post_form(browser, path, {"name": "Sam B.", "consent": "y", "submit": "y"},
                                   files={"cv": ("cv.docx", bomb, "application/octet-stream")})
    assert answer.status_code == 400
    assert message in answer.text and "govuk-error-summary" in answer.text
    grown = {pid: (peak_memory(pid) - before[pid]) // MEGABYTE for pid in workers}
    assert all(megabytes < 100 for megabytes in grown.values()), f"peak memory grew (MB per worker): {grown}"
