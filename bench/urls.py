"""The product's URLs plus a bare Django view, the baseline every page is compared with."""

from django.http import HttpResponse
from django.urls import include, path

from neuewege.core.access import public


@public
def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("neuewege.urls")),
]
