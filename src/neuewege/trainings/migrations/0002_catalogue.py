from django.db import migrations

from neuewege.trainings.catalogue import load_catalogue


class Migration(migrations.Migration):
    dependencies = [("trainings", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
