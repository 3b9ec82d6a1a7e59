import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.module_loading import import_string

from neuewege.core.demo.generate import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_accounts, generate
from neuewege.core.demo.registry import DEMO_DATA
from neuewege.core.demo.scales import SCALES


class Command(BaseCommand):
    help = (
        "Generate demo data (a few regions, demo accounts), the state-scale dataset or the "
        "Germany-scale one (about ten times the state; PostgreSQL only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="demo")
        parser.add_argument("--seed", type=int, default=2015)

    def handle(self, *args, scale, seed, **options):
        if scale == "germany" and connection.vendor != "postgresql":
            raise CommandError(
                "The Germany-scale dataset (about 5.5 million registrations) is built in "
                "PostgreSQL only, with COPY: set DATABASE_URL to a PostgreSQL database."
            )
        started = time.monotonic()
        result = generate(scale, seed)
        if result is None:
            self.stdout.write(f"{scale} data already present; nothing generated.")
        else:
            institutions, people = result
            self.stdout.write(
                f"Generated {institutions} institutions and {people} people "
                f"in {time.monotonic() - started:.1f} s."
            )
        for demo in DEMO_DATA:  # the apps' (registered in their AppConfig.ready)
            began = time.monotonic()
            line = import_string(demo.generator)(scale, seed)
            self.stdout.write(line or f"{scale} {demo.what} already present; nothing generated.")
            if scale != "demo":
                self.stdout.write(f"  ({time.monotonic() - began:.1f} s)")
            self.stdout.flush()
        if scale != "demo":
            self.stdout.write(f"{scale} dataset built in {time.monotonic() - started:.1f} s.")
        if scale == "demo":
            self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
            for user in demo_accounts():
                regions = ", ".join(str(r) for r in user.regions.all()) or (
                    user.person.institution.name if user.person else "all regions"
                )
                signs = " (signs agreements)" if user.signs_agreements else ""
                self.stdout.write(
                    f"  {user.email:45} {user.get_role_display():22} {regions}{signs}"
                )
            self.stdout.write(
                "Coordinators and the state level sign in with a second factor as well: add the"
                f" key {DEMO_TOTP_SECRET} to an authenticator app (time-based), or get a code"
                f" with `oathtool --totp -b {DEMO_TOTP_SECRET}` (demo data only)."
            )
