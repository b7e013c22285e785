"""Through the running site (gunicorn, 2 workers): a nominator's photos, held when the form comes back
with a mistake, are still held when the next submit reaches the other worker, and go with the
nomination when it is sent."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.payback.models import PaybackProject
from tests.payback.records import good_nomination, jpeg

HELD = re.compile(r'name="photos_held" type="hidden" value="([^"]+)"')


def test_photos_held_by_one_worker_are_sent_by_the_other(served_site):
    browser = served_site.session()
    close = {"Connection": "close"}  # a new connection each time, so the workers take turns
    answer = served_site.post_form(browser, "/community-payback/nominate", {**good_nomination(postcode="")},
                                   files=[("photos", ("towpath.jpg", jpeg(), "image/jpeg"))], headers=close)
    assert answer.status_code == 400 and "1 photo uploaded" in answer.text
    holder, token = answer.headers["X-Served-By"], HELD.search(answer.text).group(1)

    # Send the form back, still with the mistake, until a worker other than the holder answers it.
    for _ in range(40):
        again = served_site.post_form(browser, "/community-payback/nominate",
                                      {**good_nomination(postcode=""), "photos_held": token}, headers=close)
        if again.headers["X-Served-By"] != holder:
            break
    else:
        raise AssertionError("the other worker never answered")
    assert again.status_code == 400 and "1 photo uploaded" in again.text
    assert "no longer held" not in again.text

    sent = served_site.post_form(browser, "/community-payback/nominate",
                                 {**good_nomination(), "photos_held": HELD.search(again.text).group(1)},
                                 headers=close, allow_redirects=False)
    assert sent.status_code == 302
    db.session.rollback()
    project = db.session.scalar(select(PaybackProject))
    assert len(project.photos) == 1 and project.photos[0].width == 640
