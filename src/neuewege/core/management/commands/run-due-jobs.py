from django.core.management.base import BaseCommand, CommandError

from neuewege.core.jobs import run_due_jobs


class Command(BaseCommand):
    help = "Run every job that is due (reminders, clean-up). Idempotent: run it as often as needed."

    def handle(self, *args, **options):
        failed = []
        for name, result, succeeded in run_due_jobs():
            self.stdout.write(f"{name}: {result}" if succeeded else f"{name}: FAILED {result}")
            if not succeeded:
                failed.append(name)
        if failed:  # a non-zero exit, so that cron or the timer reports it
            raise CommandError(f"failed: {', '.join(failed)}")
