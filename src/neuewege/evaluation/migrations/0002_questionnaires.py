from django.db import migrations

from neuewege.evaluation.questionnaires import load_questionnaires


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(load_questionnaires, migrations.RunPython.noop)]
