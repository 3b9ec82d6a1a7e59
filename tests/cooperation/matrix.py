"""The cooperation pages and API routes in the permission matrix (tests/test_permission_matrix.py):
the people of region A read them, its coordinator changes them; the state level gets 403 on the
pages and 404 from the API (it sees a region's figures, not its Check, tasks or minutes)."""

from tests.matrix_roles import READ_A

STATE_ONLY = {"state", "no_region"}  # of no region: 403 for every other account
MEMBERS_A = {"staff_a", "viewer_a", "coordinator_a"}

# Beyond the table (a permission's ``also``): staff_a's person owns the matrix's task.
COOPERATION_ALSO = {"task-update": {"staff_a"}}

# The cooperation API (cooperation/api.py); its placeholders point at region A's records.
# STATE_ONLY: the state level gets 200, every other account 403.
COOPERATION_API = {
    ("GET", "/api/v1/regions/{key}/checks"): MEMBERS_A,
    ("GET", "/api/v1/regions/{key}/checks/{version}"): MEMBERS_A,
    ("POST", "/api/v1/regions/{key}/checks"): "write",
    ("GET", "/api/v1/regions/{key}/tasks"): MEMBERS_A,
    ("GET", "/api/v1/regions/{key}/tasks/{task_id}"): MEMBERS_A,
    ("POST", "/api/v1/regions/{key}/tasks"): "write",
    ("PATCH", "/api/v1/regions/{key}/tasks/{task_id}"): "write",  # and its owner, staff_a
    ("GET", "/api/v1/regions/{key}/meetings"): MEMBERS_A,
    ("GET", "/api/v1/regions/{key}/meetings/{meeting_id}"): MEMBERS_A,
    ("POST", "/api/v1/regions/{key}/meetings"): "write",
    ("GET", "/api/v1/regions/{key}/goals"): MEMBERS_A,
    ("POST", "/api/v1/regions/{key}/goals"): "write",
    ("GET", "/api/v1/regions/{key}/figures"): READ_A,  # aggregates
    ("GET", "/api/v1/state/figures"): STATE_ONLY,
    ("GET", "/api/v1/materials"): "list",  # the programme's
    ("GET", "/api/v1/regions/{key}/materials"): MEMBERS_A,
    ("GET", "/api/v1/materials/{material_id}/versions/{number}/file"): MEMBERS_A,
}

# Valid bodies of the write routes: the coordinator of region A succeeds with them, so that the
# others are refused for who they are, not for what they sent.
INTRUDER = "Eingeschleust"
COOPERATION_API_BODIES = {
    ("POST", "/api/v1/regions/{key}/checks"): {"held_on": "2026-01-15", "conflicts": INTRUDER},
    ("POST", "/api/v1/regions/{key}/tasks"): {"title": INTRUDER},
    ("PATCH", "/api/v1/regions/{key}/tasks/{task_id}"): {"status": "done", "notes": INTRUDER},
    ("POST", "/api/v1/regions/{key}/meetings"): {
        "starts_at": "2027-03-01T10:00:00",
        "ends_at": "2027-03-01T12:00:00",
        "place": INTRUDER,
    },
    ("POST", "/api/v1/regions/{key}/goals"): {
        "title": INTRUDER,
        "target_value": 5,
        "target_date": "2027-12-31",
    },
}


def cooperation_records():
    """What a refused write must leave as it was: the number of each kind of record, and that
    nothing carries the intruder's text."""
    from django.db.models import Q

    from neuewege.cooperation.models import Meeting, RegionalGoal, RegionCheck, Task

    return {
        "checks": RegionCheck.objects.count(),
        "tasks": Task.objects.count(),
        "meetings": Meeting.objects.count(),
        "goals": RegionalGoal.objects.count(),
        "intruded": RegionCheck.objects.filter(conflicts=INTRUDER).exists()
        or Task.objects.filter(Q(title=INTRUDER) | Q(notes=INTRUDER) | Q(status="done")).exists()
        or Meeting.objects.filter(place=INTRUDER).exists()
        or RegionalGoal.objects.filter(title=INTRUDER).exists(),
    }


def add_cooperation_world(world, *, region, person_a, secret):
    """Two Check versions, a task of person A, a meeting and a goal in region A, each carrying the
    secret the outsiders must never see."""
    from datetime import date, datetime, timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
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
    material = services.save_material(
        access=access,
        region=region,
        data={"title": secret, "kind": "template"},
        upload=SimpleUploadedFile("vorlage.pdf", b"%PDF-1.4 " + secret.encode()),
    )
    for name in ("material-detail", "material-update", "material-delete", "material-download"):
        world["pk_for"][name] = material.pk
    world["kwargs"]["number"] = 1
    world["pk_for"]["goal-update"] = goal.pk
    world["pk_for"]["measurement-create"] = goal.pk
    world["kwargs"]["version"] = 2
    world["kwargs_for"]["state-overview-export"] = {"fmt": "xlsx"}
    world["pk_for"]["task-update"] = task.pk
    world["pk_for"]["meeting-detail"] = meeting.pk
    world["pk_for"]["meeting-minutes"] = meeting.pk
    world["pk_for"]["meeting-update"] = meeting.pk
    world["pk_for"]["meeting-invite"] = meeting.pk
    world.setdefault("api_ids", {}).update(
        {
            "{version}": "2",
            "{task_id}": str(task.pk),
            "{meeting_id}": str(meeting.pk),
            "{material_id}": str(material.pk),
            "{number}": "1",
        }
    )
