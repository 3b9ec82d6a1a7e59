from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from neuewege.core.models import Region
from neuewege.navigator.hsds.importing import MAX_FILE_BYTES, import_file


class Command(BaseCommand):
    help = (
        "Import offers from an Open Referral HSDS 3.0 file (a datapackage .zip or a JSON list of"
        " services) into a region: every record checked, all or nothing, matched by id."
    )

    def add_arguments(self, parser):
        parser.add_argument("region_key", help="the region's Kreisschlüssel, e.g. 05170")
        parser.add_argument("file", type=Path)
        parser.add_argument("--check", action="store_true", help="only check, save nothing")

    def handle(self, *args, region_key, file, check, **options):
        region = Region.objects.filter(key=region_key).first()
        if region is None:
            raise CommandError(f"No region has the key {region_key!r}.")
        if not file.is_file():
            raise CommandError(f"{file} is no file.")
        if file.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{file} is larger than {MAX_FILE_BYTES // 2**20} MB.")
        report = import_file(
            region=region, filename=file.name, content=file.read_bytes(), write=not check
        )
        for problem in report.problems:
            self.stderr.write(f"{file.name}: {problem}")
        for record in report.refused:
            for problem in record.problems:
                where = f"{record.file}, row {record.row}"
                field = f", {problem['field']}" if problem["field"] else ""
                self.stderr.write(f"{where}{field}: {problem['message']}")
        if not report.is_valid:
            raise CommandError("The file was refused; nothing was saved.")
        verb = "imported" if report.applied else "checked (nothing saved)"
        self.stdout.write(
            f"{file.name} {verb}: {report.created_count} created, "
            f"{report.updated_count} updated, in {region.name}."
        )
