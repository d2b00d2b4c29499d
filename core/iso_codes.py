"""ISO 639 language and ISO 3166 country codes, from pycountry's copy of the ISO tables."""

from __future__ import annotations

from functools import lru_cache

import pycountry

STATELESS = "XX"


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    codes: set[str] = set()
    for language in pycountry.languages:
        alpha_2 = getattr(language, "alpha_2", None)
        if alpha_2:
            codes.add(alpha_2)
        else:
            codes.add(language.alpha_3)
    return frozenset(codes)


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries) | {STATELESS}


def is_language(code: str) -> bool:
    """ISO 639-1 where the language has a two-letter code, else ISO 639-3 (``prs`` Dari)."""
    return code in _languages()


def is_country(code: str) -> bool:
    """ISO 3166-1 alpha-2, or ``XX`` for a stateless person."""
    return code in _countries()
