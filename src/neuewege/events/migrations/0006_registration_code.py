"""A short booking code on every registration; existing registrations get one here."""

from django.db import migrations, models

import neuewege.events.models

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def backfill(apps, schema_editor):
    import secrets

    Registration = apps.get_model("events", "Registration")
    taken = set()
    pending = []
    for registration in Registration.objects.filter(code="").only("pk").iterator():
        code = ""
        while not code or code in taken:
            code = "".join(secrets.choice(ALPHABET) for _digit in range(6))
        taken.add(code)
        registration.code = code
        pending.append(registration)
        if len(pending) >= 1000:
            Registration.objects.bulk_update(pending, ["code"])
            pending = []
    Registration.objects.bulk_update(pending, ["code"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_registration_language_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="code",
            field=models.CharField(
                default="", editable=False, max_length=6, verbose_name="booking code"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="code",
            field=models.CharField(
                default=neuewege.events.models.new_booking_code,
                editable=False,
                max_length=6,
                unique=True,
                verbose_name="booking code",
            ),
        ),
    ]
