"""Territory and AssignmentWorkflow: who works which records, and the workflows that say so."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped

ASSIGNMENT_KINDS = ("lead", "deal")


class Territory(WorkspaceScoped):
    """A slice of the market worked by one team: rules on a record's country, region, postcode,
    industry and company size. Territories are tried in `position` order and the first whose
    every rule holds wins; a rule left empty holds for any record."""

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    # The team that works the territory. A deleted team leaves the territory without one (its
    # records then go to the workflow's fallback) rather than deleting it.
    team = models.ForeignKey(
        "workspaces.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="territories",
    )
    is_active = models.BooleanField(default=True)
    countries = models.JSONField(default=list, blank=True)  # ISO 3166-1 alpha-2, upper-case
    regions = models.JSONField(default=list, blank=True)  # compared without case
    postcode_prefixes = models.JSONField(default=list, blank=True)  # upper-case, no spaces
    industries = models.JSONField(default=list, blank=True)  # compared without case
    min_employees = models.PositiveIntegerField(null=True, blank=True)
    max_employees = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    OWNER_FIELD = None
    OBJECT_TYPE = "territory"

    class Meta:
        constraints = [
            models.UniqueConstraint("workspace", Lower("name"), name="territory_unique_name_ci")
        ]
        indexes = [models.Index(fields=["workspace", "position", "id"])]

    def __str__(self) -> str:
        return self.name


class AssignmentWorkflow(WorkspaceScoped):
    """The ready-made workflow that the territories page keeps for one kind of assignment
    (new leads; new deals without an owner), so the page finds it again to update it."""

    kind = models.CharField(max_length=10, choices=[(k, k) for k in ASSIGNMENT_KINDS])
    workflow = models.ForeignKey("automation.Workflow", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind"], name="assignment_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} assignment"
