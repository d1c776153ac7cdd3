"""Pages of deals (/deals, the board, a deal's page) and Settings > Pipelines."""

from __future__ import annotations

from django.urls import path

from rapport.deals.pages import board, deal_contacts, line_items, lists, pipelines, record

urlpatterns = [
    path("deals", lists.deal_list, name="deal-list"),
    path("deals/new", record.deal_new, name="deal-new"),
    path("deals/bulk", lists.deal_bulk, name="deal-bulk"),
    path("deals/related", lists.related_deals, name="deal-related"),
    path("deals/contact-options", deal_contacts.contact_options, name="deal-contact-options"),
    path("deals/product-options", line_items.product_options, name="deal-product-options"),
    path("deals/board", board.deal_board, name="deal-board"),
    path("deals/board/column", board.board_column, name="deal-board-column"),
    path("deals/board/move", board.board_move, name="deal-board-move"),
    path("deals/<int:deal_id>", record.deal_detail, name="deal-detail"),
    path("deals/<int:deal_id>/history", record.deal_history, name="deal-history"),
    path("deals/<int:deal_id>/move", record.deal_move, name="deal-move"),
    path("deals/<int:deal_id>/delete", record.deal_delete, name="deal-delete"),
    path("deals/<int:deal_id>/contacts", deal_contacts.contact_add, name="deal-contact-add"),
    path(
        "deals/<int:deal_id>/contacts/<int:contact_id>",
        deal_contacts.contact_change,
        name="deal-contact-change",
    ),
    path("deals/<int:deal_id>/line-items", line_items.line_add, name="deal-line-add"),
    path(
        "deals/<int:deal_id>/line-items/<int:line_id>",
        line_items.line_change,
        name="deal-line-change",
    ),
    path("deals/<int:deal_id>/price-book", line_items.price_book_change, name="deal-price-book"),
    path("deals/<int:deal_id>/fields/<str:name>", record.deal_field, name="deal-field"),
    path(
        "deals/<int:deal_id>/fields/<str:name>/edit",
        record.deal_field_edit,
        name="deal-field-edit",
    ),
    path("settings/pipelines", pipelines.pipeline_list, name="settings-pipelines"),
    path("settings/pipelines/order", pipelines.pipeline_order, name="settings-pipeline-order"),
    path("settings/pipelines/<int:pipeline_id>", pipelines.pipeline_edit, name="settings-pipeline"),
    path(
        "settings/pipelines/<int:pipeline_id>/delete",
        pipelines.pipeline_delete,
        name="settings-pipeline-delete",
    ),
]
