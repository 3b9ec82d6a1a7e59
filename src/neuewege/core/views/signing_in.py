"""Signing in beyond the password form: changing the password, the invitation link that sets
it, and the second factor (the code step, setting up an authenticator app, recovery codes,
removing it)."""

import base64
from datetime import timedelta

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import limits, services
from ..access import PUBLIC, SIGN_IN_STEP, SIGNED_IN, access_for
from ..clients import client_ip
from ..errors import DomainError
from ..forms import (
    ConfirmAuthenticatorForm,
    RemoveSecondFactorForm,
    SecondFactorCodeForm,
    ThrottledPasswordChangeForm,
)
from ..middleware import second_factor_step
from ..models import RecoveryCodeDevice
from ..signin import retry_at, wait_page
from .base import add_domain_errors


class PasswordChangeView(auth_views.PasswordChangeView):
    permission = SIGNED_IN
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The invitation link (set your password). Links that do not open the form — wrong, used,
    expired or of no account — count per client address (``limits``, "set-password-link");
    beyond the limit every link opened from that address is refused for a while, a valid one
    too."""

    permission = PUBLIC  # the link's token is the key

    def dispatch(self, request, *args, **kwargs):
        address = client_ip(request)
        wait = limits.waiting("set-password-link", address)
        if wait:
            reason = _(
                "Invitation links that do not work were opened too often from your connection. "
                "To protect the accounts, no link is checked from here for a while. If your link "
                "does not work afterwards either, ask your regional coordinator for a new one."
            )
            return wait_page(request, timedelta(seconds=wait), reason)
        response = super().dispatch(request, *args, **kwargs)
        if not self.validlink and response.status_code == 200:  # "this link is not valid"
            limits.hit("set-password-link", address)
        return response


def next_url(request, default="home"):
    """Where to go after a step of signing in: ``next`` if it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def verify_code(request, form):
    """The device that accepts the form's code, else None with the reason at the code field,
    and the status to answer with (429 while the address may not try codes).

    Wrong codes slow down their device (``services.verify_second_factor``) and count per client
    address ("second-factor-code"): beyond that limit every code from the address is refused
    for a while — the right one too — so that one address cannot try codes at many accounts."""
    address = client_ip(request)
    wait = limits.waiting("second-factor-code", address)
    if wait:
        form.add_error(
            "code",
            _(
                "Too many wrong codes were entered from your connection. For your protection, "
                "try again after %(time)s."
            )
            % {"time": retry_at(timedelta(seconds=wait)).strftime("%H:%M")},
        )
        return None, 429
    try:
        device = services.verify_second_factor(user=request.user, code=form.cleaned_data["code"])
    except DomainError as error:
        limits.hit("second-factor-code", address)
        add_domain_errors(form, error)
        return None, 200
    return device, 200


def pass_second_factor(request, device):
    """The session has passed its second factor: a new session key for the raised rights."""
    django_otp.login(request, device)
    request.session.cycle_key()


class SecondFactorVerifyView(View):
    """After the password: a code from the app, or a recovery code."""

    permission = SIGN_IN_STEP

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if second_factor_step(request.user) != "verify":
            return redirect(next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, status=200):
        return render(
            self.request,
            "registration/second_factor_verify.html",
            {"form": form, "next": next_url(self.request)},
            status=status,
        )

    def get(self, request):
        return self.page(SecondFactorCodeForm())

    def post(self, request):
        form = SecondFactorCodeForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        device, status = verify_code(request, form)
        if device is None:
            return self.page(form, status)
        pass_second_factor(request, device)
        return redirect(next_url(request))


class SecondFactorSetupView(LoginRequiredMixin, View):
    """Add an authenticator app: scan the QR code (or type the secret), confirm with a code;
    the recovery codes are shown once."""

    permission = SIGN_IN_STEP

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and services.has_second_factor(request.user):
            return redirect("second-factor")
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, device):
        secret = base64.b32encode(device.bin_key).decode()
        return render(
            self.request,
            "registration/second_factor_setup.html",
            {
                "form": form,
                "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
                "secret": secret,
                "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
                "required": access_for(self.request.user).must_use_second_factor,
                "next": next_url(self.request, default="second-factor"),
            },
        )

    def get(self, request):
        device = services.start_authenticator_setup(user=request.user)
        return self.page(ConfirmAuthenticatorForm(), device)

    def post(self, request):
        form = ConfirmAuthenticatorForm(request.POST)
        if form.is_valid():
            try:
                device, codes = services.confirm_authenticator(
                    user=request.user, code=form.cleaned_data["code"]
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                pass_second_factor(request, device)
                return self.codes_page(codes, set_up=True)
        return self.page(form, services.start_authenticator_setup(user=request.user))

    def codes_page(self, codes, set_up=False):
        return render(
            self.request,
            "registration/recovery_codes.html",
            {"codes": codes, "set_up": set_up, "next": next_url(self.request, "second-factor")},
        )


class SecondFactorView(LoginRequiredMixin, View):
    """The account's second factor: state, new recovery codes, removal."""

    permission = SIGNED_IN

    def get(self, request):
        app = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
        recovery = RecoveryCodeDevice.objects.filter(user=request.user).first()
        return render(
            request,
            "registration/second_factor.html",
            {
                "app": app,
                "codes_left": recovery.codes.count() if recovery else 0,
                "required": access_for(request.user).must_use_second_factor,
            },
        )

    def post(self, request):
        try:
            codes = services.new_recovery_codes(user=request.user)
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
            return redirect("second-factor")
        return SecondFactorSetupView(request=request).codes_page(codes)


class SecondFactorRemoveView(LoginRequiredMixin, View):
    """Removing the factor needs the password and a code: a session left open is not enough."""

    permission = SIGN_IN_STEP

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.has_second_factor(request.user):
            return redirect("second-factor")
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, status=200):
        required = access_for(self.request.user).must_use_second_factor
        return render(
            self.request,
            "registration/second_factor_remove.html",
            {"form": form, "required": required},
            status=status,
        )

    def get(self, request):
        return self.page(RemoveSecondFactorForm())

    def post(self, request):
        form = RemoveSecondFactorForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        # the password is checked like a sign-in (counted by the sign-in throttling)
        user = authenticate(
            request, username=request.user.email, password=form.cleaned_data["password"]
        )
        if user is None or user.pk != request.user.pk:
            form.add_error("password", _("The password is not correct."))
            return self.page(form)
        device, status = verify_code(request, form)
        if device is None:
            return self.page(form, status)
        services.remove_second_factor(user=request.user)
        messages.success(request, _("The second factor was removed."))
        return redirect("second-factor")
