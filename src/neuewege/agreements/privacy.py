"""The professionals' data of the agreements, declared in the privacy registry
(``core/privacy.py``): who signed which version, and the scanned copies signed by hand. Both
are evidence of the cooperation (and of a family centre's Gütesiegel) while the agreement
runs and for a time after; an agreement that ended longer ago than the retention goes as a
whole, its versions, signatures and scans with it."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neuewege.core.privacy import data_category

from .models import Agreement, PaperCopy

ENDED = (Agreement.Status.EXPIRED, Agreement.Status.TERMINATED, Agreement.Status.RENEWED)


def _ended_before(cutoff):
    day = timezone.localdate(cutoff)
    return Agreement.objects.filter(status__in=ENDED).filter(
        Q(terminated_on__lt=day) | Q(terminated_on__isnull=True, ends_on__lt=day)
    )


def _erase(agreements, now) -> int:
    """The scans' files, then the agreements with everything that belongs to them."""
    for copy in PaperCopy.objects.filter(version__agreement__in=agreements):
        copy.file.delete(save=False)
    count = agreements.count()
    agreements.delete()
    return count


data_category(
    "agreement_signatures",
    label=_("Agreements of ended cooperation: the signatories' names and the signed scans"),
    legal_basis=_("Art. 6 (1) e GDPR (the institutions' task of cooperation; evidence)"),
    variable="NEUEWEGE_AGREEMENT_RETENTION_DAYS",
    default_days=10 * 365,  # after the end: evidence for audits and the Gütesiegel
    expired=_ended_before,
    erase=_erase,
    archived_fields=["pk", "title", "region__key", "starts_on", "ends_on", "status"],
)
