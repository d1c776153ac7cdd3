"""Settings > Products: the catalogue's pages (products, and price books with their entries)."""
