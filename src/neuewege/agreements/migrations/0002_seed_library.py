"""The state's clause library: the seed's two templates (``library.TEMPLATES``)."""

from django.db import migrations


def seed(apps, schema_editor):
    from neuewege.agreements.library import TEMPLATES

    Clause = apps.get_model("agreements", "Clause")
    ClauseVersion = apps.get_model("agreements", "ClauseVersion")
    for kind, clauses in TEMPLATES.items():
        for position, (key, heading, text) in enumerate(clauses, start=1):
            clause, new = Clause.objects.get_or_create(
                kind=kind,
                key=key,
                region=None,
                defaults={"position": position * 10, "heading": heading},
            )
            if new:
                ClauseVersion.objects.create(clause=clause, number=1, text=text, note="Vorlage")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
