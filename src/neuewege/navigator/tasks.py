"""Background tasks of the navigator: checking and importing an uploaded HSDS file."""

from django.utils import timezone, translation
from django_tasks import task

from neuewege.core.progress import Progress

from .hsds.importing import import_file
from .models import HsdsImport


@task()
def import_hsds(*, import_id: int):
    """Check an uploaded HSDS file and, unless only to be checked, import it: all records or
    none. The report is kept with the upload; the file itself once it is imported."""
    upload = HsdsImport.objects.select_related("region").get(pk=import_id)
    with translation.override(upload.language), Progress(upload) as work:
        report = import_file(
            region=upload.region,
            filename=upload.filename,
            content=bytes(upload.content),
            write=not upload.check_only,
            progress=work,
        )
        done = {"report": report.as_json()}
        if report.applied:
            done |= {
                "applied_at": timezone.now(),
                "created_count": report.created_count,
                "updated_count": report.updated_count,
                "content": b"",
            }
        work.finish(**done)
