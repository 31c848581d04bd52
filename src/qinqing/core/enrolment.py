"""Enrolling an authenticator needs a one-time code an administrator issued (issue 18).

Before, the TOTP secret was shown at the first login, so whoever first got hold of the password
enrolled their own phone. Now an administrator issues a code (``./qinqing twofactor issue
USERNAME``) and hands it over out of band; the user enters it on the second-factor page, and only
then is a fresh secret made and shown. The code is a django-otp static token on a device named
``enrolment``, used once; issuing one retires the user's authenticators (a lost phone is
re-enrolled this way). Every step is an audit event.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit

DEVICE_NAME = "enrolment"
# The authenticator made once a code was entered; its secret is shown until it is confirmed.
# (An unconfirmed device of any other name dates from before codes: never shown.)
AUTHORISED_NAME = "authorised"
# No 0/O, 1/I/L: read out over the phone or from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def enrolment_code_issue(*, user, actor) -> str:
    """A new one-time enrolment code for ``user`` (shown once); earlier codes and the user's
    authenticators are retired."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(12))
    with transaction.atomic():
        retired = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user, name=DEVICE_NAME).delete()
        device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        StaticToken.objects.create(device=device, token=code)
        audit.record_event(actor=actor, action="core.totp.enrolment_code_issue", object_type="auth.User",
                           object_id=user.pk, details={"retired_devices": retired})
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def enrolment_code_pending(user) -> bool:
    return StaticDevice.objects.filter(user=user, name=DEVICE_NAME, token_set__isnull=False).exists()


def authorised_device(user) -> TOTPDevice | None:
    """The user's authenticator waiting to be confirmed, made after an enrolment code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHORISED_NAME).first()


def enrolment_code_redeem(*, user, code: str) -> bool:
    """True (and the code used up) when ``code`` is the user's issued enrolment code: a fresh
    authenticator secret is then made for the user to scan. Wrong guesses are slowed down by
    django-otp's throttling of the device."""
    device = StaticDevice.objects.filter(user=user, name=DEVICE_NAME).first()
    if device is None:
        return False
    with transaction.atomic():
        if not device.verify_token(_normalise(code)):
            return False
        device.delete()
        # A secret made (and perhaps seen) before the code was entered is not used.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=AUTHORISED_NAME, confirmed=False)
        audit.record_event(actor=user, action="core.totp.enrolment_code_use", object_type="auth.User",
                           object_id=user.pk, details={"device": device.pk})
    return True
