from django.core.management.base import BaseCommand, CommandError

from neuewege.core.jobs import JOBS, run_due_jobs


class Command(BaseCommand):
    help = (
        "Run every job that is due (reminders, e-mails, clean-up), each at its own cadence; a "
        "job another call is running is left to it. Idempotent: run it as often as needed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", dest="everything", help="Run every job now, due or not."
        )
        parser.add_argument(
            "--job",
            action="append",
            dest="jobs",
            metavar="NAME",
            help=f"Run this job now (repeatable): {', '.join(JOBS)}.",
        )

    def handle(self, *args, everything=False, jobs=None, **options):
        try:
            runs = run_due_jobs(names=jobs, everything=everything)
        except KeyError as error:
            raise CommandError(f"unknown job: {error.args[0]}") from None
        failed = []
        for run in runs:
            if run.succeeded:
                self.stdout.write(f"{run.job}: {run.result}")
            else:
                self.stdout.write(f"{run.job}: FAILED {run.error}")
                failed.append(run.job)
        if failed:  # a non-zero exit, so that cron or the timer reports it
            raise CommandError(f"failed: {', '.join(failed)}")
