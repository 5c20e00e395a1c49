"""Qt table models over `inventory.queries`: they hold ids and fetch rows on demand."""
