"""Photos with a nomination: images only, checked by decoding them, stored without their metadata;
payback managers of the region see them, the public only those a manager chose while writing the
public text, and only once the project is public."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from PIL import Image
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback import photos
from marketplace.payback.models import PaybackPhoto, PaybackProject
from tests.factories import PaybackProjectFactory, UserFactory
from tests.helpers import sign_in_client
from tests.payback.records import GPS, emailed_path, good_nomination, jpeg

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def png(size=(300, 200), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 0, 255, 128) if mode == "RGBA" else 0).save(out, "PNG")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    return out.getvalue()


def test_a_photo_is_stored_anew_without_its_location_or_camera(app):
    original = jpeg((3000, 1500))
    assert b"NominatorPhone" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)
    cleaned, width, height = photos.clean_image(original)
    stored = Image.open(io.BytesIO(cleaned))
    assert stored.format == "JPEG" and (width, height) == stored.size == (2000, 1000)
    assert not stored.getexif() and b"NominatorPhone" not in cleaned
    cleaned, *_ = photos.clean_image(png())
    assert Image.open(io.BytesIO(cleaned)).mode == "RGB"  # transparency laid on white


@pytest.mark.parametrize(("data", "reason"), [
    (b"%PDF-1.4 not a photo", "must be a photo in JPEG or PNG format"),
    (gif(), "must be a photo in JPEG or PNG format"),
    (b"<html><script>alert(1)</script></html>", "must be a photo in JPEG or PNG format"),
    (jpeg()[:400], "damaged"),
    (png((8000, 6000), "L"), "too many pixels"),  # 48 megapixels in a few kilobytes
])
def test_anything_but_a_whole_jpeg_or_png_is_refused(app, data, reason):
    with pytest.raises(photos.NotAnImage, match=reason):
        photos.clean_image(data)


@pytest.fixture
def nominated(app, client):
    clock.fix(NOW)
    response = client.post_form("/community-payback/nominate", {
        **good_nomination(postcode="PR1 8JP", town="Preston"),
        "photos": [(io.BytesIO(jpeg()), "towpath.jpg"), (io.BytesIO(png()), "brambles.png")]})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    client.post_form(emailed_path("pat@resident.example", "Confirm your Community Payback nomination"))
    return db.session.scalar(select(PaybackProject))


def test_a_nomination_keeps_its_photos_and_refuses_a_bad_one_with_every_other_problem(app, client):
    clock.fix(NOW)
    page = client.post_form("/community-payback/nominate", {
        **good_nomination(postcode="", rules=[]),
        "photos": [(io.BytesIO(jpeg()), "ok.jpg"), (io.BytesIO(b"MZ\x90\x00 a program"), "holiday.jpg")]})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    for message in ("Photo 2 must be a photo in JPEG or PNG format", "Enter the postcode of the place",
                    "Confirm the work meets every rule"):
        assert message in text, message
    assert db.session.scalar(select(PaybackPhoto.id)) is None

    four = [(io.BytesIO(jpeg()), f"{n}.jpg") for n in range(4)]
    page = client.post_form("/community-payback/nominate", {**good_nomination(), "photos": four})
    assert "Choose up to 3 photos" in page.get_data(as_text=True)


def test_managers_see_every_photo_and_the_public_only_the_chosen_ones_once_public(app, client, nominated):
    first, second = nominated.photos
    assert sorted(p.stored_name for p in nominated.photos) == sorted(
        f.name for f in photos.upload_dir().iterdir() if f.name in {first.stored_name, second.stored_name})
    manager = UserFactory(role=Role.PAYBACK_MANAGER)  # North West, like the nomination
    db.session.commit()
    sign_in_client(client, manager)
    nomination = f"/community-payback/nominations/{nominated.id}"
    for photo in nominated.photos:
        shown = client.get(f"{nomination}/photos/{photo.id}")
        assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
        assert "no-store" in shown.headers["Cache-Control"]
        assert b"NominatorPhone" not in shown.data
    public = f"/community-payback/projects/{nominated.id}/photos"
    assert client.get(f"{public}/{first.id}").status_code == 404  # not public yet

    client.post_form(f"{nomination}/public-text", {
        "public_title": "Clear the towpath", "public_description": "Cut back brambles.",
        "public_benefit": "Walkers.", "checked": "y", "public_photos": [str(first.id)]})
    assert client.get(f"{public}/{first.id}").status_code == 404  # chosen, but the project is not public
    client.post_form(f"{nomination}/assess", {
        "decision": "shortlist", **{f"score_{n}": "3" for n in ("duration", "scale", "skills", "value",
                                                                 "supervision", "safety")},
        "vote_opens_on": ["1", "3", "2027"], "vote_closes_on": ["8", "3", "2027"]})
    client.post_form("/sign-out")

    assert client.get(f"{public}/{first.id}").status_code == 200
    assert client.get(f"{public}/{second.id}").status_code == 404
    assert client.get(f"{nomination}/photos/{first.id}").status_code in (302, 401, 403)
    page = client.get(f"/community-payback/projects/{nominated.id}").get_data(as_text=True)
    assert f"photos/{first.id}" in page and f"photos/{second.id}" not in page

    # Taken off the public pages later, it goes at once.
    sign_in_client(client, manager)
    client.post_form(f"{nomination}/public-text", {
        "public_title": "Clear the towpath", "public_description": "Cut back brambles.",
        "public_benefit": "Walkers.", "checked": "y"})
    client.post_form("/sign-out")
    assert client.get(f"{public}/{first.id}").status_code == 404


def test_another_regions_manager_or_another_projects_photo_is_not_found(app, client, nominated):
    photo = nominated.photos[0]
    elsewhere = UserFactory(role=Role.PAYBACK_MANAGER)
    elsewhere.organisation.region = "Wales"
    other = PaybackProjectFactory(status="shortlisted", vote_opens_on=date(2027, 3, 1),
                                  vote_closes_on=date(2027, 3, 8))
    db.session.commit()
    sign_in_client(client, elsewhere)
    assert client.get(f"/community-payback/nominations/{nominated.id}/photos/{photo.id}").status_code == 404
    client.post_form("/sign-out")
    assert client.get(f"/community-payback/projects/{other.id}/photos/{photo.id}").status_code == 404


def test_a_photo_of_another_nomination_cannot_be_made_public(app, client, nominated):
    manager = UserFactory(role=Role.PAYBACK_MANAGER)
    other = PaybackProjectFactory()
    db.session.commit()
    sign_in_client(client, manager)
    page = client.post_form(f"/community-payback/nominations/{other.id}/public-text", {
        "public_title": "Paint the hut", "public_description": "Paint it.", "public_benefit": "Scouts.",
        "checked": "y", "public_photos": [str(nominated.photos[0].id)]})
    assert page.status_code == 400 and "Choose photos sent with this nomination" in page.get_data(as_text=True)


def test_photos_that_passed_are_kept_while_the_form_comes_back_then_sent_with_it(app, client):
    """A nomination with a mistake comes back with its photos held (the nominator does not choose them
    again); the next submit without choosing any sends the held ones; nothing is stored before."""
    clock.fix(NOW)
    before = set(photos.held_dir().iterdir())
    page = client.post_form("/community-payback/nominate", {
        **good_nomination(postcode="", town="Preston"),
        "photos": [(io.BytesIO(jpeg()), "towpath.jpg"), (io.BytesIO(png()), "brambles.png")]})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Enter the postcode of the place" in text
    assert "2 photos uploaded" in text and "Remove these photos" in text
    token = re.search(r'name="photos_held" type="hidden" value="([^"]+)"', text) or re.search(
        r'id="photos_held" name="photos_held" type="hidden" value="([^"]+)"', text)
    assert token, "the held photos' token is on the re-shown form"
    assert db.session.scalar(select(PaybackPhoto.id)) is None

    response = client.post_form("/community-payback/nominate", {
        **good_nomination(postcode="PR1 8JP", town="Preston"), "photos_held": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    project = db.session.scalar(select(PaybackProject))
    assert len(project.photos) == 2
    assert set(photos.held_dir().iterdir()) == before, "the held copies are let go once the nomination has its own"


def test_held_photos_can_be_removed_and_are_nobody_elses(app, client):
    clock.fix(NOW)
    before = set(photos.held_dir().iterdir())
    page = client.post_form("/community-payback/nominate", {
        **good_nomination(postcode=""), "photos": [(io.BytesIO(jpeg()), "towpath.jpg")]})
    token = re.search(r'name="photos_held" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)

    stranger = app.test_client()  # another browser: another session, so the token is not theirs
    page = stranger.post_form("/community-payback/nominate", {**good_nomination(), "photos_held": token})
    assert page.status_code == 400 and "no longer held" in page.get_data(as_text=True)

    page = client.post_form("/community-payback/nominate", {
        **good_nomination(postcode=""), "photos_held": token, "remove_photos": "y"})
    text = page.get_data(as_text=True)
    assert "photo uploaded" not in text and 'name="photos_held" type="hidden" value=""' in text
    assert set(photos.held_dir().iterdir()) == before
    client.post_form("/community-payback/nominate", {**good_nomination(), "photos_held": ""})
    assert db.session.scalar(select(PaybackProject)).photos == []
