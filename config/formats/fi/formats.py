"""Finnish formats on pages (docs/domain.md#languages): 3.12.2026, 14.05, 37,5. Whatever is not set here
comes from Django's own Finnish format module."""

DATE_FORMAT = "j.n.Y"
SHORT_DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = r"j.n.Y \k\l\o G.i"
SHORT_DATETIME_FORMAT = "j.n.Y G.i"
TIME_FORMAT = "G.i"
MONTH_DAY_FORMAT = "j.n."
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
