"""Pages of activities: the list and its bulk actions, a timeline, quick actions, My tasks."""

from __future__ import annotations

from django.urls import path

from rapport.activities import views

urlpatterns = [
    path("activities", views.activities, name="activities"),
    path("activities/bulk", views.activity_bulk, name="activity-bulk"),
    path("activities/timeline", views.timeline, name="activity-timeline"),
    path("activities/new", views.new_activity, name="new-activity"),
    path("tasks", views.my_tasks, name="my-tasks"),
    path("tasks/<int:activity_id>/complete", views.complete_task, name="complete-task"),
    path("tasks/<int:activity_id>/reopen", views.reopen_task, name="reopen-task"),
]
