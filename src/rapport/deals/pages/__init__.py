"""The deal pages: the list, the board, a deal's page, the new-deal form, and Settings >
Pipelines.

Thin like every page: they read input, call rapport.deals.services / queries / board with the
Principal, and render a deal from its API body (deals.schemas.deal_body) through FieldSpecs.
`records` holds what the others share (the specs, the display context, the in-place editor).
"""
