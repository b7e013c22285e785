"""The served-site harness itself: gunicorn with 2 workers on the test database, signed in through
the real sign-in page, and a change made through one worker seen by every worker."""

from marketplace.extensions import db
from tests.factories import ParticipantFactory, UserFactory


def test_every_worker_answers_and_serves_a_change_made_after_it_warmed_up(served_site):
    manager = UserFactory(role="case_manager")
    db.session.commit()
    browser = served_site.signed_in(manager)
    served_site.warm_every_worker(browser, "/participants/")
    person = ParticipantFactory(case_manager=manager, first_name="Oluwaseun", last_name="Adeyemi-Hart")
    db.session.commit()
    pages = served_site.every_worker(browser, "/participants/")
    assert len(pages) == 2
    for page in pages.values():
        assert page.status_code == 200
        assert "Adeyemi-Hart" in page.text, person.id
