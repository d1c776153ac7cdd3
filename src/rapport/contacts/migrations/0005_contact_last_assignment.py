from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_contact_lead_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="last_assignment",
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
