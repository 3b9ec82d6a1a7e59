"""The cooperation pages in the permission matrix (tests/test_permission_matrix.py): the people
of region A read them, its coordinator changes them; the state level gets 403 (it sees a
region's figures, not its Check, tasks or minutes)."""

from tests.matrix_roles import COORD_A, READ_A

STATE_ONLY = {"state", "no_region"}  # of no region: 403 for every other account
MEMBERS_A = {"staff_a", "viewer_a", "coordinator_a"}

COOPERATION_PAGES = {
    "region-dashboard": READ_A,  # aggregates: the state level drills down to it
    "state-overview": STATE_ONLY,
    "state-overview-export": STATE_ONLY,
    "check-list": MEMBERS_A,
    "check-detail": MEMBERS_A,
    "check-compare": MEMBERS_A,
    "check-pdf": MEMBERS_A,
    "task-list": MEMBERS_A,
    "goal-list": MEMBERS_A,
    "goal-create": COORD_A,
    "goal-update": COORD_A,
    "measurement-create": COORD_A,
    "steering-group": MEMBERS_A,
    "meeting-detail": MEMBERS_A,
    "check-create": COORD_A,
    "action-plan-create": COORD_A,
    "task-create": COORD_A,
    "task-update": {"coordinator_a", "staff_a"},  # staff_a's person owns the task
    "steering-group-update": COORD_A,
    "meeting-create": COORD_A,
    "meeting-minutes": COORD_A,
    "meeting-update": COORD_A,
    "meeting-invite": COORD_A,
}


def add_cooperation_world(world, *, region, person_a, secret):
    """Two Check versions, a task of person A, a meeting and a goal in region A, each carrying the
    secret the outsiders must never see."""
    from datetime import date, datetime, timedelta

    from django.utils import timezone

    from neuewege.cooperation import services
    from neuewege.core.access import access_for

    access = access_for(world["users"]["coordinator_a"])
    for day in (date(2015, 8, 27), date(2016, 3, 1)):
        services.save_check(
            access=access, region=region, data={"held_on": day, "conflicts": secret}
        )
    task = services.save_task(
        access=access, region=region, data={"title": secret, "owner": person_a}
    )
    starts = timezone.make_aware(datetime(2026, 12, 10, 10))
    meeting = services.schedule_meeting(
        access=access,
        region=region,
        data={
            "kind": "steering_group",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "place": secret,
        },
    )
    goal = services.save_goal(
        access=access,
        region=region,
        data={"title": secret, "target_value": 10, "target_date": date(2027, 12, 31)},
    )
    world["pk_for"]["goal-update"] = goal.pk
    world["pk_for"]["measurement-create"] = goal.pk
    world["kwargs"]["version"] = 2
    world["kwargs_for"]["state-overview-export"] = {"fmt": "xlsx"}
    world["pk_for"]["task-update"] = task.pk
    world["pk_for"]["meeting-detail"] = meeting.pk
    world["pk_for"]["meeting-minutes"] = meeting.pk
    world["pk_for"]["meeting-update"] = meeting.pk
    world["pk_for"]["meeting-invite"] = meeting.pk
