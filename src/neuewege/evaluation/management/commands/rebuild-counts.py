from django.core.management.base import BaseCommand

from neuewege.evaluation.aggregates import rebuild_kept_counts


class Command(BaseCommand):
    help = (
        "Recount the kept counts of the results (registrations, attendance, invitations, "
        "responses and answers per month) from every row and clear the stale marks. The due "
        "job refresh_kept_counts keeps them up to date; this is for when in doubt."
    )

    def handle(self, *args, **options):
        self.stdout.write(rebuild_kept_counts())
