from django.db import migrations, models


class Migration(migrations.Migration):
    """The seed a survey link is derived from, so that the reminder can carry the same link
    (evaluation/invitations.py), and the count of refused e-mails."""

    dependencies = [("evaluation", "0002_questionnaires")]

    operations = [
        migrations.AddField(
            model_name="surveyinvitation",
            name="seed",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="surveyinvitation",
            name="failed_attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
