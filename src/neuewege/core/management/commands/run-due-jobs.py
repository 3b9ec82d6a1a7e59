from django.core.management.base import BaseCommand

from neuewege.core.jobs import run_due_jobs


class Command(BaseCommand):
    help = "Run every job that is due (reminders, clean-up). Idempotent: run it as often as needed."

    def handle(self, *args, **options):
        for name, result in run_due_jobs():
            self.stdout.write(f"{name}: {result}")
