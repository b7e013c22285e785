def test_start_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Fair Chance Work" in response.data


def test_login_as_reaches_home(client, login_as):
    user = login_as("employer")
    response = client.get("/home")
    assert response.status_code == 200
    assert user.full_name.encode() in response.data
