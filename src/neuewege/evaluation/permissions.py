"""The evaluation app's part of the table of permissions (``core.access``)."""

from django.utils.translation import gettext_lazy as _

from neuewege.core.access import REGIONS, declare

# What parents wrote stays with the people of their region: never the state level.
READ_FREE_TEXTS = declare(
    "evaluation.read_free_texts",
    _("Read what parents wrote in the follow-up survey"),
    coordinator=REGIONS,
    staff=REGIONS,
    viewer=REGIONS,
)
