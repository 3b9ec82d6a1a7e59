from django.db import migrations


def load(apps, schema_editor):
    from neuewege.navigator.taxonomy import load_taxonomy

    load_taxonomy(apps.get_model("navigator", "Need"))


class Migration(migrations.Migration):
    dependencies = [("navigator", "0001_directory")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
