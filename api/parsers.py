from typing import Any

import orjson
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

#: No request body Polku takes nests deeper than a few levels; deeper ones answer 400 before
#: anything (validation, hashing for Idempotency-Key) walks them recursively.
MAX_DEPTH = 32


class TooDeep(Exception):
    pass


def contains_nul(value: Any, *, max_depth: int | None = None) -> bool:
    """Whether a NUL character is in any key or string of ``value``: walked with an explicit
    stack (no recursion, so no depth can raise RecursionError). Beyond ``max_depth`` levels it
    raises ``TooDeep``."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict | list):
            if max_depth is not None and depth > max_depth:
                raise TooDeep()
            if isinstance(item, dict):
                for key, child in item.items():
                    if isinstance(key, str) and "\x00" in key:
                        return True
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
    return False


class StrictJSONParser(BaseParser):
    """JSON bodies only. A body that claims to be JSON and is not answers 400 (``parse_error``);
    a NUL character anywhere in it, raw or escaped, answers 400 too."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        if not raw.strip():
            return {}
        if b"\x00" in raw:
            raise ParseError(_("NUL characters are not allowed."))
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            if "recursion" in str(error).lower():
                raise ParseError(_too_deep()) from None
            raise ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": error}
            ) from None
        try:
            has_nul = contains_nul(data, max_depth=MAX_DEPTH)
        except TooDeep:
            raise ParseError(_too_deep()) from None
        if has_nul:
            raise ParseError(_("NUL characters are not allowed."))
        return data


def _too_deep() -> str:
    return f"The body nests deeper than {MAX_DEPTH} levels."
