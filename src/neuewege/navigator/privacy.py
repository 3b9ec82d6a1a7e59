"""The navigator's data in the privacy registry (``core/privacy.py``): uploaded HSDS files and
their reports name contact persons of offers; they are kept for a day."""

from django.utils.translation import gettext_lazy as _

from neuewege.core.privacy import data_category

from .models import HsdsImport

data_category(
    "hsds_uploads",
    label=_("Uploaded Open Referral (HSDS) files and their reports (they name contact persons)"),
    legal_basis=_("Art. 6 (1) e GDPR (the region's task)"),
    variable="NEUEWEGE_UPLOAD_DAYS",
    default_days=1,
    expired=lambda cutoff: HsdsImport.objects.filter(created_at__lt=cutoff),
)
