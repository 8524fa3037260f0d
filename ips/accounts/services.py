"""Two-factor enrolment and verification, on django-otp's TOTP and static (recovery) devices.

No cryptography of our own: django-otp generates keys, checks codes (with its own throttling
and replay protection) and marks the session as verified (`django_otp.login`).
"""

import datetime as dt
from base64 import b32encode
from typing import Any, cast

import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ips.accounts.models import User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Gjenopprettingskoder"


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed device shown during enrolment (one per user; reused on reload so the QR
    code the person already scanned stays valid)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_data_uri(device: TOTPDevice) -> str:
    # An SVG data: URI (img-src 'self' data: in the CSP); the QR is drawn here, no external service.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def totp_enrol_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending device with a code from the app. Returns the new recovery codes
    (shown once), or None when the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Earlier unconfirmed devices (abandoned enrolments) are of no further use.
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        codes = recovery_codes_replace(user=device.user)
    _second_factor_passed(request, device)
    return codes


def recovery_codes_replace(*, user: User) -> list[str]:
    """A fresh set of single-use recovery codes; any earlier set stops working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _second_factor_passed(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    # A new session key once the session is fully signed in: a key seen before (e.g. planted
    # or read between the password and the code) is worth nothing afterwards.
    request.session.cycle_key()


def _candidate_devices(user: User, token: str) -> list:
    # A six-digit code is for the app; anything else can only be a recovery code.
    return [
        device
        for device in devices_for_user(user, confirmed=True)
        if token.isdigit() or not isinstance(device, TOTPDevice)
    ]


def second_factor_locked_until(*, user: User, token: str) -> dt.datetime | None:
    """When django-otp's throttle (after wrong codes: 1 s, 2 s, 4 s ... doubling) lets this
    user try such a code again; None when it may be tried now. A code sent while throttled is
    not even checked, so the person must be told to wait rather than that the code was wrong."""
    token = "".join(token.split()).lower()
    until = []
    for device in _candidate_devices(user, token):
        allowed, data = device.verify_is_allowed()
        if allowed:
            return None
        if data and data.get("locked_until"):
            until.append(data["locked_until"])
    return min(until) if until else None


def second_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """Accept a code from the app or an unused recovery code. Recovery codes are consumed."""
    token = "".join(token.split()).lower()
    if not token:
        return False
    user = cast(User, request.user)  # signed in with the password: the second step's page
    for device in _candidate_devices(user, token):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            _second_factor_passed(request, verified)
            return True
    return False
