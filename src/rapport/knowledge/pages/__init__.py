"""The knowledge base pages: browsing and reading (browse.py), writing (editor.py),
categories (categories.py) and ticket suggestions (suggest.py)."""
