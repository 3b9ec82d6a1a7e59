"""Accounts of a region: the list, invitations, roles and regions, the reset of a lost second
factor and whether the region requires one; and an account's own API tokens."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import services
from ..access import MANAGE_ACCOUNTS, SIGNED_IN
from ..errors import DomainError
from ..forms import AccountForm, ApiTokenForm, InvitationForm, RegionSecondFactorForm
from .base import AccessMixin, submit


class AccountListView(AccessMixin, View):
    permission = MANAGE_ACCOUNTS

    def get(self, request, region_key):
        accounts = (
            self.access.accounts()
            .filter(Q(person__institution__region=self.region) | Q(regions=self.region))
            .distinct()
            .select_related("person__institution")
            .prefetch_related("regions")
            .annotate(
                has_second_factor=Exists(
                    TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
                )
            )
        )
        return self.render("core/account_list.html", accounts=accounts)


class AccountInviteView(AccessMixin, View):
    permission = MANAGE_ACCOUNTS

    def get(self, request, region_key):
        form = InvitationForm(access=self.access, initial={"regions": [self.region]})
        return self.render("core/account_form.html", form=form)

    def post(self, request, region_key):
        form = InvitationForm(request.POST, access=self.access)
        sent = _("The invitation was sent to %(email)s.") % {"email": form.data.get("email")}
        if submit(
            request,
            form,
            lambda data: services.invite_account(
                access=self.access,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                region_ids=[region.id for region in data["regions"]],
                person=data["person"],
                signs_agreements=data["signs_agreements"],
                base_url=request.build_absolute_uri("/").rstrip("/"),
            ),
            sent,
        ):
            return redirect("account-list", region_key=self.region.key)
        return self.render("core/account_form.html", form=form)


class AccountUpdateView(AccessMixin, View):
    permission = MANAGE_ACCOUNTS

    def account(self):
        return get_object_or_404(self.access.accounts(), pk=self.kwargs["pk"])

    def get(self, request, region_key, pk):
        account = self.account()
        form = AccountForm(
            access=self.access,
            account=account,
            initial={
                "role": account.role,
                "regions": list(account.regions.all()),
                "person": account.person,
                "is_active": account.is_active,
                "signs_agreements": account.signs_agreements,
            },
        )
        return self.render("core/account_form.html", form=form, account=account)

    def post(self, request, region_key, pk):
        account = self.account()
        if "resend" in request.POST:
            try:
                services.resend_invitation(
                    access=self.access,
                    user=account,
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                )
            except DomainError as error:
                messages.error(request, " ".join(error.messages()))
            else:
                messages.success(
                    request,
                    _("The invitation was sent again to %(email)s.") % {"email": account.email},
                )
            return redirect("account-list", region_key=self.region.key)
        form = AccountForm(request.POST, access=self.access, account=account)
        if submit(
            request,
            form,
            lambda data: services.update_account(
                access=self.access,
                user=account,
                role=data["role"],
                region_ids=[region.id for region in data["regions"]],
                person=data["person"],
                is_active=data["is_active"],
                signs_agreements=data["signs_agreements"],
            ),
            _("The account was saved."),
        ):
            return redirect("account-list", region_key=self.region.key)
        return self.render("core/account_form.html", form=form, account=account)


class AccountSecondFactorResetView(AccessMixin, View):
    """A colleague lost their phone: the coordinator resets the second factor."""

    permission = MANAGE_ACCOUNTS

    def account(self):
        return get_object_or_404(self.access.accounts(), pk=self.kwargs["pk"])

    def get(self, request, region_key, pk):
        account = self.account()
        return self.render(
            "core/account_second_factor_reset.html",
            account=account,
            has_factor=services.has_second_factor(account),
        )

    def post(self, request, region_key, pk):
        account = self.account()
        try:
            services.reset_second_factor(access=self.access, account=account)
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
        else:
            messages.success(
                request,
                _("The second factor of %(email)s was reset.") % {"email": account.email},
            )
        return redirect("account-list", region_key=self.region.key)


class RegionSecondFactorView(AccessMixin, View):
    """Whether every account of the region must sign in with a second factor."""

    permission = MANAGE_ACCOUNTS

    def get(self, request, region_key):
        form = RegionSecondFactorForm(initial={"required": self.region.second_factor_required})
        return self.render("core/region_second_factor.html", form=form)

    def post(self, request, region_key):
        form = RegionSecondFactorForm(request.POST)
        if submit(
            request,
            form,
            lambda data: services.require_second_factor(
                access=self.access, region=self.region, required=data["required"]
            ),
            _("Saved."),
        ):
            return redirect("account-list", region_key=self.region.key)
        return self.render("core/region_second_factor.html", form=form)


class ApiTokenView(LoginRequiredMixin, View):
    permission = SIGNED_IN

    def page(self, form=None, secret=None):
        return render(
            self.request,
            "core/api_tokens.html",
            {
                "form": form or ApiTokenForm(),
                "secret": secret,
                "tokens": self.request.user.api_tokens.all(),
            },
        )

    def get(self, request):
        return self.page()

    def post(self, request):
        if "revoke" in request.POST:
            try:
                services.revoke_api_token(user=request.user, token_id=int(request.POST["revoke"]))
            except (DomainError, ValueError):
                messages.error(request, _("This token does not exist or is already revoked."))
            else:
                messages.success(request, _("The token was revoked."))
            return redirect("api-tokens")
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, secret = services.create_api_token(
                user=request.user, name=form.cleaned_data["name"]
            )
            return self.page(secret=secret)
        return self.page(form=form)
