"""The agreements' dates as the daily job handles them: reminders 90, 60 and 30 days before the
end, each once, to the parties' contacts; automatic renewal and expiry after the end."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail

from neuewege.agreements.models import Agreement, ReminderSent
from neuewege.agreements.reminders import run_agreement_dates

from ..factories import PersonFactory, UserFactory
from .conftest import in_force, make_framework

pytestmark = pytest.mark.django_db

END = date(2028, 12, 31)


@pytest.fixture
def agreement(coord, framework_parties, accounts, steering_group):
    """Wesel's framework agreement in force until ``END``."""
    return in_force(coord, make_framework(coord, framework_parties, ends_on=END), accounts)


def run(day: date) -> list:
    """Run the job on ``day``; the reminders it sent — each one message per recipient (nobody
    sees the others' addresses), gathered here into one with every recipient."""
    before = len(mail.outbox)
    run_agreement_dates(today=day)
    reminders = {}
    for message in mail.outbox[before:]:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        key = (message.subject, message.body)
        reminders.setdefault(key, SimpleNamespace(subject=key[0], body=key[1], to=[]))
        reminders[key].to += message.to
    return list(reminders.values())


def test_each_reminder_is_sent_once_90_60_and_30_days_before_the_end(agreement):
    mails = {}
    for days_before in range(120, -1, -1):
        day = END - timedelta(days=days_before)
        sent = run(day) + run(day)  # twice on the same day
        if sent:
            mails[days_before] = sent
    assert sorted(mails) == [30, 60, 90]
    for days, sent in mails.items():
        assert len(sent) == 1
        assert f"{days}" in sent[0].subject and agreement.title in sent[0].subject
        assert "31.12.2028" in sent[0].body
        assert f"/{agreement.pk}/" in sent[0].body  # the link to the agreement
    assert sorted(ReminderSent.objects.values_list("days_before", flat=True)) == [30, 60, 90]
    assert set(ReminderSent.objects.values_list("ends_on", flat=True)) == {END}


def test_in_force_45_days_before_the_end_only_the_nearest_reminder_then_the_next(
    coord, framework_parties, accounts, steering_group
):
    draft = make_framework(coord, framework_parties, ends_on=END)
    # not in force yet: no reminder, even inside the 90 days
    assert run(END - timedelta(days=80)) == []
    agreement = in_force(coord, draft, accounts)
    first = run(END - timedelta(days=45))
    assert len(first) == 1
    assert "45" in first[0].subject  # the days actually left, not the 60 of the reminder
    assert "in 45 " in first[0].body and "in 60 " not in first[0].body
    assert list(ReminderSent.objects.values_list("days_before", flat=True)) == [60]
    for days_before in range(44, 30, -1):
        assert run(END - timedelta(days=days_before)) == []
    last = run(END - timedelta(days=30))
    assert len(last) == 1 and "30" in last[0].subject
    assert run(END - timedelta(days=10)) == []
    assert agreement.reminders.count() == 2  # never the one at 90 days


def test_the_reminder_goes_to_the_parties_and_their_active_accounts(
    agreement, jc_staff, aa_staff, ja_staff, region_coordinator, fc_staff, second_centre_staff
):
    former = PersonFactory(institution=aa_staff.person.institution, function="bca")
    inactive = UserFactory(role="staff", person=former, email="frueher@agentur.example")
    inactive.is_active = False
    inactive.save()
    (sent,) = run(END - timedelta(days=90))
    assert sorted(sent.to) == sorted(
        [
            "jobcenter@wesel.example",
            "agentur@wesel.example",
            jc_staff.email,
            aa_staff.email,
            ja_staff.email,
            region_coordinator.email,  # her person is at the Jugendamt, a party
        ]
    )
    # the family centres are no party of the framework; an inactive account gets nothing
    assert fc_staff.email not in sent.to and second_centre_staff.email not in sent.to
    assert inactive.email not in sent.to


def test_an_automatic_renewal_runs_on_and_brings_new_reminders(
    coord, framework_parties, accounts, steering_group
):
    agreement = in_force(
        coord,
        make_framework(coord, framework_parties, ends_on=END, renews_automatically=True),
        accounts,
    )
    assert len(run(END - timedelta(days=30))) == 1
    assert run(END) == []
    run(END + timedelta(days=1))
    agreement.refresh_from_db()
    new_end = END + relativedelta(months=12)
    assert agreement.status == Agreement.Status.IN_FORCE
    assert (agreement.ends_on, agreement.renewals) == (new_end, 1)
    assert run(END + timedelta(days=2)) == []
    (again,) = run(new_end - timedelta(days=90))
    assert "31.12.2029" in again.body
    assert ReminderSent.objects.filter(ends_on=new_end, days_before=90).exists()
    assert run(new_end - timedelta(days=90)) == []


def test_a_renewal_term_counts_from_the_end(coord, framework_parties, accounts, steering_group):
    """End 31 January, one month at a time, the job not run for two months: 31 March, not
    28 March."""
    agreement = in_force(
        coord,
        make_framework(
            coord,
            framework_parties,
            ends_on=date(2028, 1, 31),
            renews_automatically=True,
            renewal_months=1,
        ),
        accounts,
    )
    run(date(2028, 3, 15))
    agreement.refresh_from_db()
    assert (agreement.ends_on, agreement.renewals) == (date(2028, 3, 31), 2)


def test_an_agreement_that_does_not_renew_expires_after_its_end(agreement):
    run(END)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.IN_FORCE
    run(END + timedelta(days=1))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.EXPIRED and agreement.ends_on == END
    assert run(END + timedelta(days=2)) == []


def test_the_job_is_one_of_the_due_jobs_and_runs_for_today(
    coord, framework_parties, accounts, steering_group
):
    from django.utils import timezone

    from neuewege.core.jobs import run_due_jobs

    today = timezone.localdate()
    in_force(
        coord,
        make_framework(
            coord,
            framework_parties,
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=90),
        ),
        accounts,
    )
    (job_run,) = run_due_jobs(names=["run_agreement_dates"])
    assert job_run.succeeded, job_run.error
    assert job_run.result.startswith("1 agreement reminder(s) sent")
    assert {message.subject for message in mail.outbox} == {mail.outbox[0].subject}
    assert "90" in mail.outbox[0].subject


def test_a_term_ending_with_a_short_month_renews_to_the_end_of_the_next(
    coord, framework_parties, accounts, steering_group
):
    """30 June + one month is 31 July (the day before 1 August), not 30 July."""
    agreement = in_force(
        coord,
        make_framework(
            coord,
            framework_parties,
            ends_on=date(2028, 6, 30),
            renews_automatically=True,
            renewal_months=1,
        ),
        accounts,
    )
    run(date(2028, 7, 2))
    agreement.refresh_from_db()
    assert (agreement.ends_on, agreement.renewals) == (date(2028, 7, 31), 1)
