"""Account e-mail addresses in the one form signing in looks them up in (lower case).

Signing in normalises the address typed (``User.normalize_username``: NFKC, no surrounding
spaces, lower case) and finds the account by exact match; accounts stored earlier with capitals
(``Koordination@Kreis-Wesel.de``) would no longer be found. This migration stores every such
address in lower case.

Accounts whose addresses differ only in case (``Anna.Schmidt@…`` and ``anna.schmidt@…``) are
two accounts of one mailbox, often with different roles and regions. They are neither merged
nor is one of them chosen: all of them are left unchanged and listed in the migration's output,
for an operator to decide (in the admin: change the address of the one not needed, or
deactivate it). Until then only an address already in lower case can sign in. The migration
does not refuse either: that would hold back the whole release (and its security fixes) for a
question of data that harms nobody while it waits.
"""

import sys
import unicodedata
from collections import defaultdict

from django.db import migrations


def normalized(email: str) -> str:
    # User.normalize_username when this was written: NFKC, stripped, lower case.
    return unicodedata.normalize("NFKC", email or "").strip().lower()


def lowercase_account_emails(apps, schema_editor, out=None):
    User = apps.get_model("core", "User")
    accounts = defaultdict(list)
    for account in User.objects.only("pk", "email", "role", "last_login").order_by("pk"):
        accounts[normalized(account.email)].append(account)
    left = []
    for address, group in accounts.items():
        if len(group) > 1:
            left.extend(group)
        elif group[0].email != address:
            User.objects.filter(pk=group[0].pk).update(email=address)
    if left:
        report(left, out or sys.stdout)
    return left


def report(accounts, out):
    out.write(
        "\n  Accounts whose e-mail addresses differ only in case were left unchanged; only an\n"
        "  address in lower case can sign in. Keep one account per person: in the admin,\n"
        "  change the address of the other or deactivate it.\n"
    )
    for account in accounts:
        last = f"{account.last_login:%Y-%m-%d}" if account.last_login else "never"
        out.write(f"    account {account.pk}: {account.email} ({account.role}, last sign-in {last})\n")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_import_background_work"),
    ]

    operations = [
        migrations.RunPython(lowercase_account_emails, migrations.RunPython.noop, elidable=True),
    ]
