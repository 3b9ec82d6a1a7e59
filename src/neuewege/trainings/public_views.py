"""The professionals' pages (no account): the registration link a coordinator sends
(``t/<key>/``), and the link of the e-mail that confirms or cancels a registration
(``t/confirm/<token>/``). Every rule is decided by ``services.registrations``."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from neuewege.core import limits
from neuewege.core.access import public
from neuewege.core.errors import DomainError, NotFound

from . import selectors
from .forms import RegistrationForm
from .models import TrainingRegistration
from .services import registrations as services

MESSAGE_PAGE = "trainings/public/message.html"
JUST_REGISTERED = "neuewege.training_registered"  # the training whose form was just sent


def message_page(request, title, text, *, status=200, alert="info", training=None):
    return render(
        request,
        MESSAGE_PAGE,
        {"title": title, "text": text, "alert": alert, "training": training},
        status=status,
    )


def _form(training, data=None):
    return RegistrationForm(
        data,
        training=training,
        institutions=selectors.registration_institutions(training),
        sessions=selectors.open_sessions(training),
    )


def _add_errors(form, error: DomainError):
    """Errors at their field; those of no field (the training is full, closed …) at the top."""
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


@public
@never_cache
@limits.limit_posts("booking", MESSAGE_PAGE)
def register(request, key):
    training = selectors.training_for_key(key)
    if training is None:
        return message_page(
            request,
            _("This link does not work"),
            _("There is no training with this registration link. Please check the link."),
            status=404,
            alert="danger",
        )
    if request.method == "GET" and request.session.pop(JUST_REGISTERED, None) == training.pk:
        return render(request, "trainings/public/registered.html", {"training": training})
    problem = services.registration_problem(training)
    form = _form(training, request.POST if request.method == "POST" and not problem else None)
    if form.is_bound and form.is_valid():
        application = form.application()
        wait = limits.hit("booking-contact", application.email.strip().lower())
        if wait:
            return limits.too_many(request, wait, MESSAGE_PAGE)
        try:
            services.register(key=key, application=application)
        except DomainError as error:
            _add_errors(form, error)
        else:
            request.session[JUST_REGISTERED] = training.pk
            return redirect("training-register", key=key)
    return render(
        request,
        "trainings/public/register.html",
        {
            "training": training,
            "form": form,
            "sessions": selectors.open_sessions(training),
            "problem": problem,
        },
        status=409 if problem and request.method == "POST" else 422 if form.errors else 200,
    )


@public
@never_cache
@limits.limit_posts("cancel", MESSAGE_PAGE)
def confirm(request, token):
    """GET shows the registration with buttons (a mail scanner that opens the link changes
    nothing); POST confirms or cancels."""
    try:
        registration = services.registration_for_token(token)
    except NotFound as error:
        return message_page(
            request,
            _("This link does not work"),
            " ".join(error.messages()),
            status=404,
            alert="danger",
        )
    problem = done = None
    if request.method == "POST":
        try:
            if "cancel" in request.POST:
                registration = services.cancel_own(token=token)
                done = _("Your registration is cancelled.")
            else:
                registration = services.confirm(token=token)
                done = _("Your registration is confirmed.")
        except DomainError as error:
            problem = " ".join(error.messages())
        registration = services.registration_for_token(token)
    return render(
        request,
        "trainings/public/confirm.html",
        {
            "registration": registration,
            "training": registration.training,
            "sessions": registration.available_sessions.filter(cancelled_at__isnull=True),
            "status": TrainingRegistration.Status,
            "problem": problem,
            "done": done,
        },
        status=409 if problem else 200,
    )
