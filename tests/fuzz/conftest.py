"""Fuzz examples stay cheap: accepted posts queue their search-index tasks in the database as usual,
but the Whoosh index is not rewritten after every commit (the index has tests of its own)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _index_follows_later(monkeypatch):
    from marketplace.search import sync

    monkeypatch.setattr(sync, "apply_pending", lambda **kwargs: {})
