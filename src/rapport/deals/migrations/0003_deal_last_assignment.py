from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0002_grant_builtin_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="deal",
            name="last_assignment",
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
