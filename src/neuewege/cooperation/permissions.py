"""The cooperation app's part of the table of permissions (``core.access``)."""

from django.utils.translation import gettext_lazy as _

from neuewege.core.access import PROGRAMME, REGIONS, declare


def _owns_task(access, task) -> bool:
    """The person a task is given to changes its status and notes."""
    return (
        task.owner_id is not None
        and task.owner_id == access.own_person_id
        and access.has(SEE, task)
    )


# The state level sees a region's figures, not these records.
SEE = declare(
    "cooperation.see",
    _("See the Regionen-Check, action plan, steering group and minutes of the region"),
    coordinator=REGIONS,
    staff=REGIONS,
    viewer=REGIONS,
)
MANAGE = declare(
    "cooperation.manage",
    _("Run the Regionen-Check, the action plan and the steering group"),
    coordinator=REGIONS,
)
UPDATE_TASK = declare(
    "cooperation.update_task",
    _("Change a task (the person it is given to: its status and notes)"),
    also=_owns_task,
    coordinator=REGIONS,
)
SEE_MATERIALS = declare(
    "cooperation.see_materials",
    _("See materials (the programme's: every account; a region's: its people)"),
    state=PROGRAMME,
    coordinator=REGIONS | PROGRAMME,
    staff=REGIONS | PROGRAMME,
    viewer=REGIONS | PROGRAMME,
)
MANAGE_MATERIALS = declare(
    "cooperation.manage_materials",
    _("Keep materials (the programme's: the state level; a region's: its coordinator)"),
    state=PROGRAMME,
    coordinator=REGIONS,
)
