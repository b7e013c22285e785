"""The demo's Virtual Campus people sign in as `make run` says they can: one with the demo password,
one at a prison kiosk with the printed PIN."""

import re

from marketplace.campus.demo import DEMO_PIN


def test_the_printed_demo_logins_work_for_the_passphrase_and_the_kiosk_person(app, client):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "11"])
    assert result.exit_code == 0, result.output
    logins = app.test_cli_runner().invoke(args=["seed", "logins"]).output
    kiosk = re.search(r"at a prison kiosk .*participant number (\w+) and PIN (\d+)", logins)
    assert kiosk is not None, logins
    number, pin = kiosk.groups()
    assert pin == DEMO_PIN
    signed_in = client.post_form("/campus/kiosk", {"participant_number": number, "pin": pin})
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/campus/home")
    assert "Change your PIN" in client.get("/campus/home").get_data(as_text=True)
