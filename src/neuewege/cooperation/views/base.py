"""What the pages of a region's cooperation share."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from neuewege.core.views.base import AccessMixin

from ..permissions import MANAGE, SEE


class CooperationPage(AccessMixin):
    """A page of a region's cooperation: its people read it, ``MANAGE`` pages are the
    coordinator's."""

    permission = SEE

    def render(self, template, **context):
        context.setdefault("can_manage", self.access.has(MANAGE, self.region))
        return super().render(template, **context)

    def found(self, record):
        if record is None:
            raise Http404
        return record

    def go(self, name, *args):
        return redirect(reverse(name, args=[self.region.key, *args]))


def query_number(value):
    """A whole number from the query string (``?task=``, ``?older=``), else None."""
    return int(value) if value and value.isdigit() and len(value) < 9 else None
