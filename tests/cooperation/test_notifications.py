"""Invitations to a meeting (e-mail with the meeting as a calendar file) and the weekly
reminder to owners of tasks that are due (a due job)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from neuewege.cooperation import services
from neuewege.cooperation.models import Meeting
from neuewege.core.access import access_for
from neuewege.core.errors import ValidationFailed
from neuewege.core.jobs import run_due_jobs
from tests.factories import PersonFactory

TODAY = date(2026, 11, 24)


@pytest.fixture
def coord(coordinator):
    return access_for(coordinator)


def meeting(coord, region, day, **changes):
    starts = timezone.make_aware(datetime.combine(day, time(10)))
    return services.schedule_meeting(
        access=coord,
        region=region,
        data={
            "kind": Meeting.Kind.STEERING_GROUP,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "place": "Kreishaus Wesel",
            "agenda": "Ziele 2027",
        }
        | changes,
    )


def test_the_invitation_carries_the_meeting_as_a_calendar_file(coord, wesel, family_centre):
    members = [PersonFactory(institution=family_centre) for _ in range(2)]
    members.append(PersonFactory(institution=family_centre, email=None))
    services.save_steering_group(access=coord, region=wesel, data={"members": members})
    upcoming = meeting(coord, wesel, timezone.localdate() + timedelta(days=14))
    sent = services.send_invitations(access=coord, meeting=upcoming)
    assert sorted(sent) == sorted(person.email for person in members[:2])
    message = mail.outbox[-1]
    assert sorted(message.bcc) == sorted(sent) and not message.to
    assert "Kreishaus Wesel" in message.body and "Ziele 2027" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("einladung.ics", "text/calendar")
    entry = Calendar.from_ical(content).walk("VEVENT")[0]
    assert entry["location"] == "Kreishaus Wesel"
    starts = entry.decoded("dtstart")
    assert (str(starts.tzinfo), starts.hour) == ("Europe/Berlin", 10)
    upcoming.refresh_from_db()
    assert upcoming.invited_at is not None


def test_no_invitation_without_recipients_or_for_a_past_meeting(coord, wesel, family_centre):
    upcoming = meeting(coord, wesel, timezone.localdate() + timedelta(days=14))
    with pytest.raises(ValidationFailed):
        services.send_invitations(access=coord, meeting=upcoming)
    services.save_steering_group(
        access=coord, region=wesel, data={"members": [PersonFactory(institution=family_centre)]}
    )
    past = meeting(coord, wesel, timezone.localdate() - timedelta(days=14))
    with pytest.raises(ValidationFailed):
        services.send_invitations(access=coord, meeting=past)
    assert not mail.outbox


def test_owners_of_due_tasks_are_reminded_once_a_week(coord, wesel, family_centre):
    owner = PersonFactory(institution=family_centre, email="owner@fz.example")
    silent = PersonFactory(institution=family_centre, email=None)

    def task(title, due_in, who=owner, **data):
        return services.save_task(
            access=coord,
            region=wesel,
            data={"title": title, "owner": who, "due_on": TODAY + timedelta(days=due_in)} | data,
            today=TODAY - timedelta(days=30),
        )

    task("bald fällig", 3)
    task("überfällig", -2)
    task("später", 30)
    task("erledigt", 1, status="done")
    task("ohne Adresse", 1, who=silent)
    fulfilled = task("durch Sitzung", 1)
    fulfilled.meeting = meeting(coord, wesel, TODAY + timedelta(days=1))
    fulfilled.save()

    assert services.remind_task_owners(TODAY) == "2 task reminder(s) sent, 0 failed"
    assert sorted(m.subject.split(": ", 1)[1] for m in mail.outbox) == ["bald fällig", "überfällig"]
    assert all(m.to == ["owner@fz.example"] for m in mail.outbox)
    assert services.remind_task_owners(TODAY) == "0 task reminder(s) sent, 0 failed"
    assert services.remind_task_owners(TODAY + timedelta(days=7)).startswith("2 ")


def test_the_reminder_job_is_one_of_the_due_jobs(db):
    names = [run.job for run in run_due_jobs()]
    assert "remind_task_owners" in names
