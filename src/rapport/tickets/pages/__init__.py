"""Pages of tickets: the queues (lists.py), a ticket's page (record.py) with its conversation and
composer (conversation.py) and its actions (actions.py), the new-ticket form (new.py), and the
"Tickets" panel of contact and company pages (related.py). display.py holds what they share."""
