from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from neuewege.core.access import system_access
from neuewege.core.imports import MAX_FILE_BYTES, Importer, too_large_message
from neuewege.core.models import Region


class Command(BaseCommand):
    help = (
        "Import institutions or people from a CSV or XLSX file (columns: docs/import.md). "
        "Every row is checked; nothing is saved if any row has a problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["institutions", "people"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--region", help="Kreisschlüssel, if the file has no region column")
        parser.add_argument("--check", action="store_true", help="only check, save nothing")

    def handle(self, *args, kind, file, region, check, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        region_obj = None
        if region:
            region_obj = Region.objects.filter(key=region).first()
            if region_obj is None:
                raise CommandError(f"Unknown region key {region!r}")
        if file.stat().st_size > MAX_FILE_BYTES:  # refused before it is read
            raise CommandError(f"{file.name}: {too_large_message()}")
        importer = Importer(access=system_access(), kind=kind, region=region_obj)
        content = file.read_bytes()
        report = (importer.check if check else importer.apply)(file.name, content)
        for line, column, message in report.warnings:
            self.stderr.write(f"{file.name}: line {line}, column {column!r}: note: {message}")
        if not report.is_valid:
            for line, column, message in report.problems:
                where = f"line {line}" + (f", column {column!r}" if column else "")
                self.stderr.write(f"{file.name}: {where}: {message}")
            raise CommandError(f"{len(report.problems)} problem(s); nothing was saved.")
        verb = "would be" if check else "were"
        self.stdout.write(
            f"{report.created_count} {verb} created, {report.updated_count} {verb} updated."
        )
