"""Links for notifications and emails, built the same way inside a request, in a CLI command (the
reminders job) or in a worker thread: as a path on this site. Emails prefix PUBLIC_URL."""

from __future__ import annotations

from flask import current_app


def path_for(endpoint: str, **values) -> str:
    """The path of `endpoint` (like url_for, but needs no request and no SERVER_NAME)."""
    anchor = values.pop("_anchor", None)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{path}#{anchor}" if anchor else path
