"""The commission pages and Settings -> Commission plans."""

from django.urls import path

from rapport.commissions.pages import plans, statements

urlpatterns = [
    path("commissions", statements.commissions_page, name="commissions"),
    path("commissions/month/<str:action>", statements.month_action, name="commissions-month"),
    path(
        "commissions/statements/<int:statement_id>",
        statements.statement_page,
        name="commission-statement",
    ),
    path(
        "commissions/statements/<int:statement_id>/<str:action>",
        statements.statement_action,
        name="commission-statement-action",
    ),
    path("settings/commission-plans", plans.plans_page, name="settings-commission-plans"),
    path(
        "settings/commission-plans/<int:plan_id>", plans.plan_page, name="settings-commission-plan"
    ),
    path(
        "settings/commission-plans/<int:plan_id>/assign",
        plans.plan_assign,
        name="settings-commission-plan-assign",
    ),
    path(
        "settings/commission-plans/<int:plan_id>/assignments/<int:assignment_id>/remove",
        plans.assignment_remove,
        name="settings-commission-assignment-remove",
    ),
    path(
        "settings/commission-plans/<int:plan_id>/delete",
        plans.plan_delete,
        name="settings-commission-plan-delete",
    ),
]
