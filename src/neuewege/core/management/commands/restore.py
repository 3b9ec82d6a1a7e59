from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from neuewege.core.backup import MAX_UNPACKED_BYTES, VENDOR_NAMES, BackupError, megabytes, restore


class Command(BaseCommand):
    help = (
        "Restore an archive of `neuewege backup` into an empty database (one without tables:"
        " not migrated) and an empty MEDIA_ROOT. A damaged or foreign archive is refused and"
        " nothing is changed."
    )
    # like dbshell: no system checks, so that data can be saved (or brought back) quickly and
    # also under a configuration the checks would complain about
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--max-size",
            type=float,
            default=MAX_UNPACKED_BYTES / 1024**3,
            metavar="GB",
            help="refuse archives that unpack to more (default: %(default)g GB)",
        )

    def handle(self, *args, archive, max_size, **options):
        try:
            result = restore(archive, max_bytes=int(max_size * 1024**3))
        except BackupError as error:
            raise CommandError(str(error)) from error
        vendor = VENDOR_NAMES[result.vendor]
        self.stdout.write(
            f"Restored from {archive} (made {result.created_at}): the {vendor} database and"
            f" {result.media_files} uploaded file(s) ({megabytes(result.media_bytes)})."
        )
        if result.pending_migrations:
            self.stdout.write(
                f"This version of Neue Wege has {len(result.pending_migrations)} newer"
                " migration(s): run `neuewege migrate` before starting it."
            )
