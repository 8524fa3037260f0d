"""Repeated wrong passwords lock sign-in for a while; the lock ends by itself or by an admin."""

import time

from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = reverse("login")


def attempt(username, password, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})


def locked(response) -> bool:
    return response.status_code == 200 and "For mange mislykkede" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_from_that_address(world, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(4):
        response = attempt("spesialist", "feil-passord")
        assert "Skriv inn riktig brukernavn" in response.content.decode()
    assert locked(attempt("spesialist", "feil-passord"))
    # Even the right password is refused while locked, with the clear message and minutes left.
    response = attempt("spesialist", PASSWORD)
    assert locked(response)
    assert "15 minutter" in response.content.decode()
    # The real person at their own address is not locked out by someone elsewhere.
    assert attempt("spesialist", PASSWORD, address="10.9.9.9").status_code == 302


def test_lock_expires_by_itself(world, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    # 6 seconds instead of 15 minutes: long enough that three sign-in attempts on a busy CI
    # machine all fall inside the lock (2 seconds did not always).
    settings.LOGIN_LOCKOUT_MINUTES = 0.1
    attempt("spesialist", "feil")
    attempt("spesialist", "feil")
    assert locked(attempt("spesialist", PASSWORD))
    time.sleep(6.2)
    assert attempt("spesialist", PASSWORD).status_code == 302


def test_many_addresses_guessing_one_username_lock_the_username(world, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_USERNAME = 6
    for n in range(6):
        attempt("leder", "feil", address=f"10.1.0.{n}")
    assert locked(attempt("leder", PASSWORD, address="10.2.0.1"))


def test_one_address_trying_many_usernames_is_locked(world, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 4
    for name in ("a", "b", "c", "d"):
        attempt(name, "feil", address="10.3.0.1")
    assert locked(attempt("spesialist", PASSWORD, address="10.3.0.1"))


def test_administrator_unlocks_at_once(world, settings, rf):
    settings.LOGIN_FAILURE_LIMIT = 2
    attempt("spesialist", "feil")
    attempt("spesialist", "feil")
    assert locked(attempt("spesialist", PASSWORD))

    admin_client = world.client_for("admin")
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_login", "_selected_action": [world.specialist.pk]},
    )
    assert response.status_code == 302
    assert attempt("spesialist", PASSWORD).status_code == 302
    assert site  # the action is registered on the real admin site


ADMIN_LOGIN = "/admin/login/"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_login_is_the_same_throttled_door(world):
    """Finding 1 of issue 17: 25 wrong passwords for `admin` through /admin/login/, then the
    right one, signed in with Django's stock admin form. Now the admin address sends every
    request to the throttled sign-in, so the lock holds there as on /login/."""
    client = Client(REMOTE_ADDR="10.0.0.7")
    for n in range(25):
        response = client.post(
            ADMIN_LOGIN + "?next=/admin/", {"username": "admin", "password": "feil-passord"}
        )
        assert response.status_code == 307  # the admin address itself checks no password
        assert response["Location"] == LOGIN + "?next=/admin/"
        # A browser (or curl -L) re-sends the POST to /login/, where the throttle counts it.
        response = client.post(
            ADMIN_LOGIN + "?next=/admin/",
            {"username": "admin", "password": "feil-passord"},
            follow=True,
        )
        assert response.redirect_chain == [(LOGIN + "?next=/admin/", 307)]
        assert not _signed_in(client), n
    response = client.post(
        ADMIN_LOGIN + "?next=/admin/", {"username": "admin", "password": PASSWORD}, follow=True
    )
    assert locked(response)
    assert not _signed_in(client)
    # The same lock on the app's own door.
    assert locked(attempt("admin", PASSWORD, address="10.0.0.7"))


def test_admin_asks_for_sign_in_through_the_app_door(world):
    response = Client().get("/admin/", follow=True)
    first, second = response.redirect_chain[0][0], response.redirect_chain[1][0]
    assert first.startswith(ADMIN_LOGIN)
    assert second == LOGIN + "?next=%2Fadmin%2F"
    assert response.status_code == 200
    assert response.context["next"] == "/admin/"
