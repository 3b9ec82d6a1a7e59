"""The state's clause library: the seed's two templates (``library.TEMPLATES``)."""

from django.db import migrations

from neuewege.agreements.library import load_library


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]
    operations = [migrations.RunPython(load_library, migrations.RunPython.noop)]
