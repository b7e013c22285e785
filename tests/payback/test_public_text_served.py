"""Through the running site (gunicorn, 2 workers): what a nominator wrote (and the photos a payback
manager did not choose) never reaches a public page.
Before its public text is written a nomination is on no public page of any worker; the payback
manager's attempt to publish the nominator's words is refused; once the checked text is saved and the
project shortlisted, every worker's public pages (the list, the project, the vote pages) and the
voter's email carry that text and nothing of the nominator's."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.models import OutboxMessage
from marketplace.extensions import db
from marketplace.payback import photos
from marketplace.payback.models import PaybackPhoto
from tests.factories import PaybackProjectFactory, UserFactory
from tests.payback.records import emailed_path, jpeg

NOMINATOR = {"nominator_name": "Janet Okonkwo", "nominator_email": "janet.ok@home.example",
             "nominator_phone": "07700 900123"}
ORIGINAL = {
    "title": "Fix the fence Janet Okonkwo reported behind 14 Mill Lane",
    "description": "The fence by my house is down. Ring me on 07700 900123 or janet.ok@home.example. "
                   "My neighbour Derek Hollis says the kids climb through.",
    "benefit": "Families on Mill Lane, PR1 8JP, and my grandson Tyler.",
}
# Every fragment of the nominator's own words and details that must never be served publicly.
SECRETS = ("Janet", "Okonkwo", "07700", "900123", "janet.ok", "Derek", "Hollis", "14 Mill Lane", "PR1 8JP",
           "Tyler", "The fence by my house", "Fix the fence", "Families on Mill Lane")
PUBLIC = {
    "public_title": "Repair the fence along the Mill Lane footpath",
    "public_description": "Replace about 30 metres of broken fencing beside the footpath.",
    "public_benefit": "Families who use the footpath to reach the primary school.",
}


def _date(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _assert_only_public_text(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} served on {where}"


def test_the_nominators_words_never_reach_a_public_page_of_any_worker(served_site):
    manager = UserFactory(role="payback_manager")  # North West, like the factory's projects
    project = PaybackProjectFactory(**NOMINATOR, **ORIGINAL)
    for colour in ("green", "red"):  # two photos sent with it; the manager will show only the first
        cleaned, width, height = photos.clean_image(jpeg(colour=colour))
        project.photos.append(PaybackPhoto(stored_name=photos.store(cleaned), width=width, height=height,
                                           size=len(cleaned)))
    db.session.commit()
    chosen, withheld = (photo.id for photo in project.photos)
    project_path = f"/community-payback/projects/{project.id}"
    assert {page.status_code for page in served_site.every_worker(
        None, f"{project_path}/photos/{chosen}").values()} == {404}

    # Confirmed and waiting: on no public page of any worker.
    for page in served_site.every_worker(None, "/community-payback/").values():
        _assert_only_public_text(page.text, "the public list before review")
    assert {page.status_code for page in served_site.every_worker(None, project_path).values()} == {404}

    staff = served_site.signed_in(manager)
    nomination = f"/community-payback/nominations/{project.id}"
    shortlist = {"decision": "shortlist", **{f"score_{name}": "4" for name in (
        "duration", "scale", "skills", "value", "supervision", "safety")},
        "vote_opens_on": _date(clock.today()), "vote_closes_on": _date(clock.today())}
    refused = served_site.post_form(staff, f"{nomination}/assess", shortlist, allow_redirects=False)
    assert refused.status_code == 400 and "Write the text the public will see" in refused.text

    # Publishing the nominator's words as they are is refused, every problem at once.
    refused = served_site.post_form(staff, f"{nomination}/public-text", {
        "public_title": ORIGINAL["title"], "public_description": ORIGINAL["description"],
        "public_benefit": ORIGINAL["benefit"], "checked": "y"}, allow_redirects=False)
    assert refused.status_code == 400
    assert "the nominator&#39;s name" in refused.text and "the nominator&#39;s phone number" in refused.text

    saved = served_site.post_form(staff, f"{nomination}/public-text", {**PUBLIC, "checked": "y",
                                                                       "public_photos": [str(chosen)]},
                                  allow_redirects=False)
    assert saved.status_code == 302, saved.text[-1500:]
    shortlisted = served_site.post_form(staff, f"{nomination}/assess", shortlist, allow_redirects=False)
    assert shortlisted.status_code == 302, shortlisted.text[-1500:]

    # Every worker serves the reviewed text, and nothing of the nominator's, on every public page.
    for path in ("/community-payback/", project_path, f"{project_path}/vote-sent"):
        pages = served_site.every_worker(None, path)
        assert len(pages) == served_site.workers
        for page in pages.values():
            assert page.status_code == 200 and PUBLIC["public_title"] in page.text, path
            _assert_only_public_text(page.text, path)
    for page in served_site.every_worker(None, project_path).values():
        assert PUBLIC["public_description"] in page.text and PUBLIC["public_benefit"] in page.text
        assert f"photos/{chosen}" in page.text and f"photos/{withheld}" not in page.text
    for photo_id, status in ((chosen, 200), (withheld, 404)):
        served = served_site.every_worker(None, f"{project_path}/photos/{photo_id}")
        assert {page.status_code for page in served.values()} == {status}
    assert all(page.content.startswith(b"\xff\xd8") and b"NominatorPhone" not in page.content
               for page in served_site.every_worker(None, f"{project_path}/photos/{chosen}").values())

    # A resident votes: the email and the vote pages name the project by its public title only.
    voter = served_site.session()
    asked = served_site.post_form(voter, project_path, {"email": "sam@voter.example"})
    assert asked.status_code == 200 and PUBLIC["public_title"] in asked.text
    _assert_only_public_text(asked.text, "the vote-sent page")
    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "sam@voter.example"))
    assert PUBLIC["public_title"] in email.subject
    _assert_only_public_text(email.subject + email.body, "the voter's email")
    confirm = emailed_path("sam@voter.example", "Confirm your vote")
    for page in served_site.every_worker(None, confirm).values():
        assert PUBLIC["public_title"] in page.text
        _assert_only_public_text(page.text, "the vote confirmation page")
    counted = served_site.post_form(voter, confirm)
    assert counted.status_code == 200 and "1 vote" in counted.text
    _assert_only_public_text(counted.text, "the vote counted page")
