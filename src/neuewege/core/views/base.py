"""What every staff page builds on, in core and in the other apps: the access check of a page
(``AccessMixin``), a form passed to a service (``submit``, ``add_domain_errors``), pages of a
list, the confirmation before deleting, and the progress bar of work in the background."""

from abc import ABC, abstractmethod

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import progress
from ..access import Access, access_for
from ..errors import DomainError


def submit(request, form, save, success_message):
    """Validate ``form`` and pass its data to ``save``. Domain errors land in the form.
    Returns what ``save`` returned, or None when the form must be shown again."""
    if not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except DomainError as error:
        add_domain_errors(form, error)
        return None
    messages.success(request, success_message)
    return result


def add_domain_errors(form, error: DomainError):
    """Show a domain error at its field, or at the top of the form."""
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


class AccessMixin(LoginRequiredMixin):
    """Every staff page: signed in, and ``permission`` (a name of ``core.access``) on the page's
    record or region.

    Pages of a region take ``region_key`` from the URL; pages of one record override
    ``get_record`` (from a selector scoped to the account, so that what lies outside the
    account's regions is answered with 404). ``permission_object`` names what the permission is
    asked about: the record, else the region. A permission the role does not have: 403. Pages
    with ``programme_wide`` may also be of no region (the programme's own records, e.g. its
    materials): then ``region`` is None.
    """

    permission: str  # every page declares one; the URL check and the permission matrix read it
    programme_wide = False
    access: Access

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = request.access = access_for(request.user)  # the page's, for the shell too
        self.record = self.get_record()
        key = kwargs.get("region_key")
        if self.record is not None:
            self.region = self.record.region
        else:
            self.region = self.access.regions_by_key.get(key) if key else None
        of_no_region = self.programme_wide and key is None
        if self.region is None and not of_no_region:
            raise Http404
        if not self.access.has(self.permission, self.permission_object()):
            raise DjangoPermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_record(self):
        return None

    def permission_object(self):
        return self.record if self.record is not None else self.region

    def render(self, template, **context):
        context.setdefault("region", self.region)
        return render(self.request, template, context)


def paginate(request, queryset):
    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


class ConfirmDeleteMixin:
    """GET asks for confirmation, POST calls ``delete``; a refusal is shown on the record."""

    detail_url_name = list_url_name = success_message = ""

    def get(self, request, pk):
        return self.render(
            "core/confirm_delete.html",
            record=self.record,
            cancel_url=reverse(self.detail_url_name, kwargs={"pk": pk}),
        )

    def post(self, request, pk):
        try:
            self.delete()
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
            return redirect(self.detail_url_name, pk=pk)
        messages.success(request, self.success_message % {"name": self.record})
        return redirect(self.list_url_name, region_key=self.region.key)


class ConfirmActionMixin(ABC):
    """GET asks for confirmation, POST acts through a service (``act``); a refusal becomes a
    message. Mixed in before a record page, which gives ``detail()`` (where both lead back) and
    ``preline()`` (what the question is about), and ``View``; an optional ``form_class`` (e.g.
    a reason) is shown with the question and passed to ``act``."""

    title = question = button = success = ""
    form_class = None

    @abstractmethod
    def act(self, form):
        """Do the action through its service (raising a domain error to refuse)."""

    def preline(self) -> str:
        return ""

    def texts(self):
        return {"title": self.title, "question": self.question, "button": self.button}

    def page(self, form=None):
        return self.render(
            "core/confirm_action.html",
            record=self.record,
            form=form,
            preline=self.preline(),
            cancel_url=self.detail().url,
            **self.texts(),
        )

    def get(self, request, *args, **kwargs):
        return self.page(self.form_class() if self.form_class else None)

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            return self.page(form)
        try:
            self.act(form)
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
        else:
            messages.success(request, self.success)
        return self.detail()


def progress_response(view, work, template, **context):
    """While ``work`` (core/progress.py) is not finished: ``template`` with a progress bar, and to
    htmx's polling the bar alone. Once finished (or stalled): to the polling, a reload of the
    page; to anything else None, and the view shows the result."""
    polled = view.request.headers.get("HX-Request") == "true"
    if progress.is_finished(work) or progress.has_stalled(work):
        return HttpResponse(headers={"HX-Refresh": "true"}) if polled else None
    context |= {"work": work, "percent": progress.percent(work), "poll_url": view.request.path}
    if polled:
        return render(view.request, "includes/progress.html", context)
    return view.render(template, **context)
