"""Polku's message catalogues without system gettext (ADR 21).

One catalogue for the whole project: ``locale/<fi|sv>/LC_MESSAGES/django.po``, with the compiled
``django.mo`` committed beside it. ``python manage.py update_catalogues`` (``make messages``)
extracts every marked string from the code and the templates with Babel, merges it into the
``.po`` files (keeping every translation) and compiles the ``.mo`` files with Babel. The tests use
the same extraction to fail when a marked string has no Finnish or Swedish translation, and
recompile each ``.po`` to check the committed ``.mo`` matches it.

Babel is a development dependency: only this module, the command and the tests import it.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
#: The translated languages; English is the source language and needs no catalogue.
LANGUAGES = ("fi", "sv")
DOMAIN = "django"
#: Django's gettext family, as Babel keyword specs (argument positions, ``c`` the context).
KEYWORDS: dict[str, tuple | None] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
#: Not shipped code: the tests, the benchmarks, the migrations, the virtualenv.
SKIPPED_PARTS = frozenset(
    {"tests", "bench", "migrations", "node_modules", "locale", "staticfiles", "__pycache__"}
)
TEMPLATE_SUFFIXES = (".html", ".txt")

#: Fixed header dates: the catalogues change only when a message does (the .mo holds the header).
FIXED_DATE = datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC)
HEADER_COMMENT = (
    "# Polku: {language} messages.\n"
    "# Update with `make messages` (python manage.py update_catalogues); see ADR 21."
)

Message = tuple[str | tuple[str, ...], str | None]  # (msgid or (singular, plural), context)


def _packages() -> list[Path]:
    """Every top-level package of the project (new apps are found by themselves)."""
    return sorted(
        path
        for path in ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith(".")
        and path.name not in SKIPPED_PARTS
        and (path / "__init__.py").exists()
    )


def _files() -> Iterator[Path]:
    roots = [*_packages(), ROOT / "templates"]
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            if SKIPPED_PARTS.intersection(path.relative_to(ROOT).parts) or not path.is_file():
                continue
            if path.suffix == ".py" or (
                path.suffix in TEMPLATE_SUFFIXES and "templates" in path.relative_to(ROOT).parts
            ):
                yield path


def _python_messages(source: bytes) -> Iterator[tuple[int, Message, list[str]]]:
    options = {"encoding": "utf-8"}
    for lineno, _funcname, messages, comments in extract_python(
        io.BytesIO(source), list(KEYWORDS), [], options
    ):
        yield lineno, messages, comments


def _resolve(funcname_messages: object, spec: tuple | None) -> Message | None:
    """Babel's raw ``messages`` of one call → (msgid or (singular, plural), context)."""
    messages = funcname_messages if isinstance(funcname_messages, tuple) else (funcname_messages,)
    if spec is None:
        spec = (1,)
    context = None
    ids: list[str] = []
    for position in spec:
        if isinstance(position, tuple):
            index, _kind = position
            value = messages[index - 1] if len(messages) >= index else None
            context = value if isinstance(value, str) else None
            continue
        value = messages[position - 1] if len(messages) >= position else None
        if not isinstance(value, str) or not value:
            return None
        ids.append(value)
    if not ids:
        return None
    return (ids[0] if len(ids) == 1 else tuple(ids)), context


def extract() -> dict[tuple[str, str | None], tuple[str | tuple[str, ...], list[str]]]:
    """Every marked string: ``{(msgid, context): (id or (singular, plural), [locations])}``."""
    found: dict[tuple[str, str | None], tuple[str | tuple[str, ...], list[str]]] = {}
    for path in _files():
        relative = str(path.relative_to(ROOT))
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            source = text
        else:
            if "{%" not in text and "{{" not in text:
                continue
            source = templatize(text, origin=relative)
        for lineno, funcname, messages, _comments in extract_python(
            io.BytesIO(source.encode("utf-8")), list(KEYWORDS), [], {"encoding": "utf-8"}
        ):
            resolved = _resolve(messages, KEYWORDS.get(funcname))
            if resolved is None:
                continue
            message_id, context = resolved
            key = (message_id if isinstance(message_id, str) else message_id[0], context)
            entry = found.setdefault(key, (message_id, []))
            entry[1].append(f"{relative}:{lineno}")
    return found


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def read_catalogue(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="Polku", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def write_catalogue(catalogue: Catalog, language: str) -> None:
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalogue,
        width=100,
        no_location=True,
        omit_header=False,
        sort_output=True,
        ignore_obsolete=True,
        include_previous=False,
    )
    path.write_bytes(buffer.getvalue())


def compiled(catalogue: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def template() -> Catalog:
    catalogue = Catalog(domain=DOMAIN, project="Polku", fuzzy=False)
    for (_key, context), (message_id, locations) in sorted(
        extract().items(), key=lambda item: (item[0][0], item[0][1] or "")
    ):
        catalogue.add(
            message_id,
            string=("", "") if isinstance(message_id, tuple) else "",
            locations=[
                (location.rsplit(":", 1)[0], int(location.rsplit(":", 1)[1]))
                for location in locations
            ],
            context=context,
        )
    return catalogue


def update() -> dict[str, dict[str, int]]:
    """Merge the extracted strings into each language's ``.po`` (translations kept, strings no
    longer in the code dropped) and compile its ``.mo``. Answers counts per language."""
    source = template()
    summary: dict[str, dict[str, int]] = {}
    for language in LANGUAGES:
        catalogue = read_catalogue(language)
        catalogue.update(
            source,
            no_fuzzy_matching=True,
            update_header_comment=False,
            update_creation_date=False,
        )
        catalogue.obsolete.clear()
        catalogue.fuzzy = False
        catalogue.project = "Polku"
        catalogue.version = "1"
        catalogue.creation_date = FIXED_DATE
        catalogue.revision_date = FIXED_DATE
        catalogue.last_translator = "Polku"
        catalogue.msgid_bugs_address = ""
        catalogue.header_comment = HEADER_COMMENT.format(
            language={"fi": "Finnish", "sv": "Swedish"}[language]
        )
        catalogue.language_team = {"fi": "Finnish", "sv": "Swedish"}[language]
        write_catalogue(catalogue, language)
        catalogue = read_catalogue(language)
        mo_path(language).write_bytes(compiled(catalogue))
        summary[language] = {
            "messages": sum(1 for message in catalogue if message.id),
            "untranslated": len(untranslated(catalogue)),
        }
    return summary


def untranslated(catalogue: Catalog) -> list[str]:
    """Messages without a translation, or marked fuzzy."""
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing
