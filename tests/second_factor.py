"""How tests sign in as accounts that must use a second factor — one mechanism for all tests.

``client.force_login(user)`` (the ``client`` fixture of tests/conftest.py) also passes the
second factor for an account that needs one: the account gets an authenticator app (if it has
none) and the session is marked as verified with it, as the code step would do. Browser tests
sign in through the real forms with ``tests.browser.conftest.sign_in``, which types a recovery
code from ``recovery_code_for``. The code step itself, the set-up and the enforcement have
their own tests (tests/core/test_second_factor.py, tests/browser/test_second_factor_journey.py).
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from neuewege.core.access import access_for
from neuewege.core.models import RecoveryCode, RecoveryCodeDevice


def authenticator_for(user) -> TOTPDevice | None:
    """The account's app, created for an account that must use a factor (None otherwise)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and access_for(user).must_use_second_factor:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    return device


def recovery_code_for(user) -> str | None:
    """A fresh one-time recovery code for a browser sign-in of an account that must use a
    second factor (each sign-in uses one); None for the others."""
    if authenticator_for(user) is None:
        return None
    device, _created = RecoveryCodeDevice.objects.get_or_create(user=user, name="Test codes")
    number = RecoveryCode.objects.filter(device=device).count() + RecoveryCode.objects.count()
    code = f"TEST{number:06d}"
    RecoveryCode.objects.create(device=device, digest=RecoveryCodeDevice.digest_of(code))
    return code


class SignInClient(Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = authenticator_for(user)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
