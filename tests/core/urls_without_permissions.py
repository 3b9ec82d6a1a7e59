"""A site whose pages break the rule every page keeps (tests/core/test_permissions.py)."""

from django.http import HttpResponse
from django.urls import path

from neuewege.core.exporters import alias


def bare(request):
    return HttpResponse("")


def misspelt(request):
    return HttpResponse("")


misspelt.permission = "events.plann"

urlpatterns = [
    path("bare/", bare, name="bare"),
    path("misspelt/", misspelt, name="misspelt"),
    path("file/", alias("no-such-export", "csv"), name="file"),
]
