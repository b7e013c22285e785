"""Findings of the outside test checked where the tester saw them: on the running site (gunicorn,
2 workers) and in its log."""

from __future__ import annotations

import json
import secrets

import pytest
import requests

pytestmark = pytest.mark.concurrency


def test_forwarded_proto_from_localhost_is_not_believed_without_a_trusted_proxy(served_site):
    answer = served_site.get(None, "/", headers={"X-Forwarded-Proto": "https"})
    assert answer.status_code == 200
    # Believed, it would make the app think the request came over https and send HSTS over http.
    assert "Strict-Transport-Security" not in answer.headers


def test_the_access_log_holds_no_link_token_and_no_forged_line(served_site):
    token = secrets.token_urlsafe(32)
    assert served_site.get(None, f"/password-reset/{token}").status_code == 404
    assert served_site.get(None, f"/invitation/{token}").status_code == 404
    forged = '/x%0A{"level":"INFO","logger":"gunicorn.access","path":"/forged"}%5C'
    requests.get(served_site.url + forged, timeout=60)
    served_site.get(None, "/cookies")  # one more line after, so the lines above are flushed
    log = served_site.log_path.read_text()
    assert token not in log
    access = [json.loads(line) for line in log.splitlines()
              if line.startswith("{") and '"gunicorn.access"' in line]
    paths = [entry["path"] for entry in access]
    assert "/password-reset/[token]" in paths and "/invitation/[token]" in paths
    assert "/forged" not in paths
    assert any(path.startswith('/x\n{"level"') for path in paths)
