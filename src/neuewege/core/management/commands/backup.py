from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from neuewege.core.backup import VENDOR_NAMES, BackupError, backup, megabytes


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) with the database (pg_dump or SQLite's backup API), the"
        " uploaded files and a manifest with checksums. Restore it with `neuewege restore`."
    )
    # like dbshell: no system checks, so that data can be saved (or brought back) quickly and
    # also under a configuration the checks would complain about
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="file or directory to write to (default: var/backups/neuewege-<time>.tar.gz)",
        )

    def handle(self, *args, path, **options):
        try:
            result = backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        vendor = VENDOR_NAMES[result.vendor]
        self.stdout.write(
            f"Backup written to {result.path} ({megabytes(result.size)}): the {vendor} database"
            f" and {result.media_files} uploaded file(s)."
        )
