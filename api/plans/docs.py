"""OpenAPI summaries and descriptions of the plans resources, naming who may call each."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema

COUNSELLORS = (
    "Counsellors of the participant's municipality (and a counsellor covering the participant). "
    "Managers, the coordinator and employer users: 403. Outside your scope: 404."
)


def operation(summary: str, description: str = "", **kwargs: Any) -> Any:
    """``extend_schema`` with a summary and a description that ends by naming the roles."""
    text = f"{description}\n\n{COUNSELLORS}" if description else COUNSELLORS
    return extend_schema(summary=summary, description=text, **kwargs)
