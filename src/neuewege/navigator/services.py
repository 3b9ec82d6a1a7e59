"""Writes of the navigator: the upload of an HSDS file for its import in the background."""

from django.db import transaction

from .models import HsdsImport


def upload_hsds(*, region, upload, user, language: str, check_only: bool = False) -> HsdsImport:
    """Keep the uploaded file (already within its limits) and queue its check and import."""
    from .tasks import import_hsds

    with transaction.atomic(durable=True):
        record = HsdsImport.objects.create(
            region=region,
            filename=upload.name[:200],
            content=upload.read(),
            check_only=check_only,
            uploaded_by=user,
            language=language,
        )
        transaction.on_commit(lambda: import_hsds.enqueue(import_id=record.pk))
    return record
