"""Every write about pipelines, stages and deals; re-exported so callers import from
`rapport.deals.services`."""

from rapport.deals.services.bulk import (
    bulk_delete_deals,
    bulk_tag_deals,
    bulk_update_deals,
    export_deals,
)
from rapport.deals.services.deals import (
    STAGE_CHANGED,
    StageChanged,
    create_deal,
    delete_deal,
    hard_delete_deal,
    move_deal_to_stage,
    restore_deal,
    snapshot,
    update_deal,
)
from rapport.deals.services.line_items import set_line_items
from rapport.deals.services.pipelines import (
    create_pipeline,
    delete_pipeline,
    ensure_default_pipeline,
    reorder_pipelines,
    update_pipeline,
)

__all__ = [
    "STAGE_CHANGED",
    "StageChanged",
    "bulk_delete_deals",
    "bulk_tag_deals",
    "bulk_update_deals",
    "create_deal",
    "create_pipeline",
    "delete_deal",
    "delete_pipeline",
    "ensure_default_pipeline",
    "export_deals",
    "hard_delete_deal",
    "move_deal_to_stage",
    "reorder_pipelines",
    "restore_deal",
    "set_line_items",
    "snapshot",
    "update_deal",
    "update_pipeline",
]
