import time

from django.core.management.base import BaseCommand

from neuewege.cooperation.demo import generate_cooperation
from neuewege.core.demo.generate import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_accounts, generate
from neuewege.evaluation.demo import generate_evaluation
from neuewege.events.demo import generate_events


class Command(BaseCommand):
    help = "Generate demo data (a few regions, demo accounts) or the state-scale dataset."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "state"], default="demo")
        parser.add_argument("--seed", type=int, default=2015)

    def handle(self, *args, scale, seed, **options):
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
        events = generate_events(scale, seed)
        if events is None:
            self.stdout.write(f"{scale} events already present; nothing generated.")
        else:
            self.stdout.write(events.line())
        cooperation = generate_cooperation(scale, seed)
        self.stdout.write(cooperation or f"{scale} cooperation already present; nothing generated.")
        evaluation = generate_evaluation(scale, seed)
        self.stdout.write(
            evaluation or f"{scale} survey responses already present; nothing generated."
        )
        if scale == "demo":
            self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
            for user in demo_accounts():
                regions = ", ".join(str(r) for r in user.regions.all()) or (
                    user.person.institution.name if user.person else "all regions"
                )
                self.stdout.write(f"  {user.email:45} {user.get_role_display():22} {regions}")
            self.stdout.write(
                "Coordinators and the state level sign in with a second factor as well: add the"
                f" key {DEMO_TOTP_SECRET} to an authenticator app (time-based), or get a code"
                f" with `oathtool --totp -b {DEMO_TOTP_SECRET}` (demo data only)."
            )
