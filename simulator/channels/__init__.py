"""Per-platform API shapes (serialization, signing, paging rules)."""
