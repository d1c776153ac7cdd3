"""The quote pages: the Quotes panel of a deal's page, a quote's own page and PDF (pages.py in
`quotes.py`), and the customer's page behind the signed link (`public.py`)."""
