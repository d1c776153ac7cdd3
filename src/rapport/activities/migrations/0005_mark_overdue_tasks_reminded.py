"""Count the open tasks already past due when reminders began as reminded.

Without this, the first reminder run would notify about every overdue task ever left open,
some of them years old. Tasks due from now on are reminded as usual.
"""

from typing import Any

from django.db import migrations
from django.utils import timezone


def mark(apps: Any, schema_editor: Any) -> None:
    Activity = apps.get_model("activities", "Activity")
    now = timezone.now()
    Activity.objects.filter(
        kind="task", is_done=False, due_at__lt=now, reminded_at__isnull=True
    ).update(reminded_at=now)


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_activity_reminded_at")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
