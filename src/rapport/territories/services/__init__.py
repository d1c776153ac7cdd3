"""Writes about territories (territories.py) and the ready-made assignment workflows
(assignment.py)."""

from rapport.territories.services.assignment import (
    AssignmentChoice,
    assignment_definition,
    choice_of,
    set_up_assignment,
)
from rapport.territories.services.territories import (
    create_territory,
    delete_territory,
    reorder_territories,
    update_territory,
)

__all__ = [
    "AssignmentChoice",
    "assignment_definition",
    "choice_of",
    "create_territory",
    "delete_territory",
    "reorder_territories",
    "set_up_assignment",
    "update_territory",
]
