"""Pages of workflows and their runs, under /workflows."""

from __future__ import annotations

from django.urls import path

from rapport.automation.pages import dry_runs, editor, runs, workflows

urlpatterns = [
    path("workflows", workflows.workflow_list, name="workflow-list"),
    path("workflows/new", editor.workflow_new, name="workflow-new"),
    path("workflows/runs/<int:run_id>", runs.run_detail, name="workflow-run"),
    path("workflows/runs/<int:run_id>/retry", runs.run_retry, name="workflow-run-retry"),
    path("workflows/runs/<int:run_id>/cancel", runs.run_cancel, name="workflow-run-cancel"),
    path("workflows/<int:workflow_id>", workflows.workflow_detail, name="workflow-detail"),
    path("workflows/<int:workflow_id>/edit", editor.workflow_edit, name="workflow-edit"),
    path("workflows/<int:workflow_id>/runs", workflows.workflow_runs, name="workflow-runs"),
    path(
        "workflows/<int:workflow_id>/activate",
        workflows.workflow_activate,
        name="workflow-activate",
    ),
    path(
        "workflows/<int:workflow_id>/deactivate",
        workflows.workflow_deactivate,
        name="workflow-deactivate",
    ),
    path("workflows/<int:workflow_id>/delete", workflows.workflow_delete, name="workflow-delete"),
    path("workflows/<int:workflow_id>/test", dry_runs.workflow_test, name="workflow-test"),
    path("workflows/<int:workflow_id>/run", dry_runs.workflow_run, name="workflow-run-now"),
    path(
        "workflows/<int:workflow_id>/records",
        dry_runs.record_options,
        name="workflow-test-records",
    ),
]
