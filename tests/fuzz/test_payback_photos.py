"""Hostile photos for a Community Payback nomination: any bytes at all, and real JPEGs and PNGs with
bytes changed, are either refused with the photo rule's message or come out as a fresh JPEG with no
metadata; no other error escapes the check (payback/photos.py)."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from marketplace.payback import photos
from tests.payback.records import jpeg

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))  # make test: 200 each; make fuzz: 1,000


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 20, 30, 40)).save(out, "PNG")
    return out.getvalue()


SEEDS = [jpeg((40, 30)), _png()]


@st.composite
def damaged(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[:draw(st.integers(1, len(data)))])


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(st.binary(max_size=2000), damaged()))
def test_any_bytes_are_refused_or_cleaned(data):
    try:
        cleaned, width, height = photos.clean_image(data)
    except photos.NotAnImage as reason:
        assert str(reason).startswith(("must be a photo", "has too many pixels"))
        return
    image = Image.open(io.BytesIO(cleaned))
    assert image.format == "JPEG" and image.size == (width, height) and not image.getexif()
