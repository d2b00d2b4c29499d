"""The worklist of statutory deadlines (DESIGN.md §10): rules in ``rules``, the statement in
``sql``, the reads in ``selectors``."""
