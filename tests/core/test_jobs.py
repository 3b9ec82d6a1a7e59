"""The due jobs: each at its cadence, a failed one tried again at the next call, every run
recorded, and never the same job twice at once — also when two calls of ``run-due-jobs``
start together (PostgreSQL, real threads and connections)."""

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from neuewege.core import jobs
from neuewege.core.models import JobRun
from tests.events.test_concurrency import run_together

calls = []


def count_call():
    calls.append("count")
    return f"{calls.count('count')} call(s)"


def slow_call():
    time.sleep(0.5)  # long enough for the other call to try to take the job
    return count_call()


def broken_call():
    calls.append("broken")
    raise RuntimeError("the mail server is away")


@pytest.fixture
def only(monkeypatch):
    """Run these jobs only, declared as the apps declare theirs."""

    def declare(*declared):
        monkeypatch.setattr(jobs, "JOBS", {})
        for function, every in declared:
            jobs.due_job(function, every=every)
        calls.clear()

    return declare


def age(job, by):
    JobRun.objects.filter(job=job).update(started_at=timezone.now() - by)


@pytest.mark.django_db
def test_a_job_runs_at_its_cadence_and_each_run_is_recorded(only):
    only((count_call, jobs.DAILY))
    assert [run.result for run in jobs.run_due_jobs()] == ["1 call(s)"]
    assert jobs.run_due_jobs() == []  # ran today
    age("count_call", timedelta(hours=23, minutes=58))  # the timer may come a little early
    assert [run.job for run in jobs.run_due_jobs()] == ["count_call"]
    run = JobRun.objects.order_by("-id").first()
    assert run.succeeded and run.finished_at >= run.started_at and run.error == ""
    assert len(jobs.run_due_jobs(everything=True)) == 1  # --all: due or not
    assert len(calls) == 3


@pytest.mark.django_db
def test_a_failed_job_is_recorded_and_tried_again_while_the_others_run(only, capsys):
    only((broken_call, jobs.DAILY), (count_call, jobs.DAILY))
    with pytest.raises(CommandError, match="failed: broken_call"):
        call_command("run-due-jobs")
    out = capsys.readouterr().out
    assert "broken_call: FAILED RuntimeError('the mail server is away')" in out
    assert "count_call: 1 call(s)" in out
    failed = JobRun.objects.get(job="broken_call")
    assert failed.succeeded is False and "mail server" in failed.error and failed.finished_at
    with pytest.raises(CommandError):
        call_command("run-due-jobs")  # not succeeded: due again; the other is not
    assert calls == ["broken", "count", "broken"]


@pytest.mark.django_db
def test_a_job_another_call_runs_is_left_to_it_until_that_call_is_abandoned(only):
    only((count_call, jobs.EACH_CALL))
    JobRun.objects.create(job="count_call", started_at=timezone.now())  # another call's
    assert jobs.run_due_jobs() == [] and calls == []
    age("count_call", jobs.ABANDONED_AFTER + timedelta(minutes=1))
    assert [run.job for run in jobs.run_due_jobs()] == ["count_call"]
    abandoned = JobRun.objects.filter(job="count_call").order_by("id").first()
    assert abandoned.succeeded is False and abandoned.error.startswith("abandoned")


@pytest.mark.django_db
def test_unknown_jobs_and_twins_are_refused(only):
    only((count_call, jobs.EACH_CALL))
    with pytest.raises(CommandError, match="unknown job: nothing_like_it"):
        call_command("run-due-jobs", "--job", "nothing_like_it")
    assert not JobRun.objects.exists()

    def twin():
        return ""

    twin.__name__ = "count_call"  # another function of the same name
    with pytest.raises(ImproperlyConfigured, match="count_call"):
        jobs.due_job(twin)


@pytest.mark.django_db
def test_old_records_of_runs_are_forgotten(only):
    only((count_call, jobs.EACH_CALL))
    jobs.run_due_jobs()
    age("count_call", timedelta(days=jobs.RUN_RECORD_DAYS + 1))
    kept = JobRun.objects.create(job="count_call", started_at=timezone.now(), finished_at=None)
    assert jobs.forget_old_job_runs() == "1 old record(s) of runs deleted"
    assert list(JobRun.objects.all()) == [kept]


def test_every_app_declares_its_jobs():
    assert {"forget_old_job_runs", "purge_personal_data", "send_due_notifications",
            "create_survey_invitations", "remind_task_owners"} <= set(jobs.JOBS)  # fmt: skip
    assert jobs.JOBS["purge_personal_data"].every == jobs.DAILY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_calls_at_once_run_each_job_once(only):
    only((slow_call, jobs.EACH_CALL))
    runs = run_together(2, lambda _index: [run.job for run in jobs.run_due_jobs()])
    assert sorted(runs) == [[], ["slow_call"]]
    assert len(calls) == 1
    assert JobRun.objects.get().succeeded
