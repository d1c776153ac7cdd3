from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workspaces", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="away_until",
            field=models.DateField(blank=True, null=True),
        ),
    ]
