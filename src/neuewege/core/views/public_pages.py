"""Pages anyone reaches without signing in: the start page (which sends on), the legal pages,
reporting a barrier, the language switch and the health check."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import i18n

from .. import legal, limits, services
from ..access import STATE_FIGURES, access_for, public
from ..forms import BarrierReportForm
from ..middleware import parent_page


@public
def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    access = access_for(request.user)
    if access.has(STATE_FIGURES):
        return redirect("state-overview")
    regions = list(access.regions()[:2])
    if len(regions) == 1:
        return redirect("region-home", region_key=regions[0].key)
    return redirect("region-list")


def legal_page(page):
    """The imprint, the privacy statement and the accessibility statement: in the parents'
    layout and language (staff reach them from their footer too), with the operator's details
    from the settings and, on the privacy statement, the data categories of the registry."""

    @parent_page
    @public
    def view(request):
        context = {"operator": legal.operator(), "missing": legal.missing(page)}
        if page == "privacy":
            context["categories"] = legal.told_to_visitors()
        return render(request, f"core/legal/{page}.html", context)

    return view


@parent_page
@public
@limits.limit_posts("barrier-report", "core/barrier_report.html")
def barrier_report(request):
    if request.method == "POST":
        form = BarrierReportForm(request.POST)
        if form.is_valid():
            data = {
                name: form.cleaned_data[name] for name in ("page_url", "description", "contact")
            }
            services.report_barrier(**data)
            return redirect(reverse("barrier-report") + "?gesendet=1")  # a reload sends nothing
    elif request.GET.get("gesendet") == "1":
        return render(request, "core/barrier_report.html", {"sent": True})
    else:
        form = BarrierReportForm(initial={"page_url": request.GET.get("page", "")[:500]})
    return render(request, "core/barrier_report.html", {"form": form})


@public
def set_language(request):
    """Django's language switch (a POST with the language and the page to return to)."""
    return i18n.set_language(request)


@public
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
