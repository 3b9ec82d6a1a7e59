"""Background tasks of the coverage app: a scenario's plan (with a progress bar,
core/progress.py)."""

from django.utils import translation
from django_tasks import task

from neuewege.core.progress import Progress

from .models import PlanRun


@task()
def run_plan(*, run_id: int, language: str = "de"):
    """Solve a queued plan of a scenario and keep its result."""
    from .services.plans import solve_run

    run = PlanRun.objects.select_related("scenario__region", "scenario__base").get(pk=run_id)
    with translation.override(language), Progress(run) as work:
        result = solve_run(run, work)
        work.finish(result=result, input_digest=result["plan"]["digest"])
