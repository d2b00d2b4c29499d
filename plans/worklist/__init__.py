"""The worklist of statutory deadlines (docs/domain.md#plans-appointments-and-the-worklist): rules in ``rules``, the statement in
``sql``, the reads in ``selectors``."""
