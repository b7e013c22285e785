"""Outgoing mail over STARTTLS checks the server's certificate: a real local SMTP server (a few lines
here) offering a self-signed certificate gets no message and no password (finding 7 of the outside
test: starttls() had no verifying context, so anyone in the middle could read the reset links)."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading

import pytest

from marketplace.core.models import OutboxMessage
from marketplace.core.operations import deliver_outbox, queue_email
from marketplace.extensions import db


@pytest.fixture
def untrusted_smtp(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    heard: list[str] = []

    def serve():
        connection, _ = listener.accept()
        stream = connection.makefile("rwb")

        def say(line: str):
            stream.write(line.encode() + b"\r\n")
            stream.flush()

        say("220 fake ESMTP")
        try:
            while line := stream.readline():
                command = line.decode().strip()
                heard.append(command)
                verb = command.split(" ")[0].upper()
                if verb == "EHLO":
                    say("250-fake")
                    say("250-AUTH PLAIN LOGIN")
                    say("250 STARTTLS")
                elif verb == "STARTTLS":
                    say("220 go ahead")
                    try:
                        connection = context.wrap_socket(connection, server_side=True)
                    except (ssl.SSLError, OSError):
                        return
                    stream = connection.makefile("rwb")
                elif verb == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("250 ok")
        finally:
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], heard
    listener.close()
    thread.join(timeout=10)


def test_mail_is_not_sent_to_a_server_whose_certificate_cannot_be_verified(app, monkeypatch, untrusted_smtp):
    port, heard = untrusted_smtp
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "mailer")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "smtp-secret-password")
    queue_email("robin@example.org", "Reset your password", "https://example.org/password-reset/secret-link")
    db.session.commit()
    with pytest.raises(ssl.SSLCertVerificationError):
        deliver_outbox()
    db.session.rollback()
    assert db.session.scalar(db.select(OutboxMessage.sent_at)) is None
    assert "STARTTLS" in heard and not any(command.upper().startswith(("AUTH", "MAIL", "DATA")) for command in heard)
