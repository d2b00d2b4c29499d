"""The catalogues are complete and the committed .mo files are what their .po files compile to
(ADR 21). These fail when anyone marks a string for translation and nobody translates it: run
``make messages``, translate what it reports, and commit locale/."""

from __future__ import annotations

import re

import pytest

from core import catalogues

LANGUAGES = catalogues.LANGUAGES
#: %(name)s / %s and {name} placeholders: a translation must keep exactly the msgid's.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*(?::[^}]*)?\}")


@pytest.fixture(scope="module")
def extracted():
    return catalogues.extract()


def _ids(catalogue):
    return {
        (message.id if isinstance(message.id, str) else message.id[0], message.context)
        for message in catalogue
        if message.id
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    # given
    catalogue = catalogues.read_catalogue(language)

    # when
    missing = catalogues.untranslated(catalogue)

    # then
    assert missing == [], f"{language}: translate these in {catalogues.po_path(language)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_in_the_code_is_in_the_catalogue(language, extracted):
    # given
    in_catalogue = _ids(catalogues.read_catalogue(language))

    # when
    missing = {
        key: locations for key, (_id, locations) in extracted.items() if key not in in_catalogue
    }

    # then
    assert not missing, f"run `make messages` and translate into {language}: " + "; ".join(
        f"{key[0]!r} ({', '.join(where[:2])})" for key, where in missing.items()
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_file_is_the_compiled_po_file(language):
    # given
    catalogue = catalogues.read_catalogue(language)

    # when
    compiled = catalogues.compiled(catalogue)

    # then
    assert catalogues.mo_path(language).read_bytes() == compiled, "run `make messages`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_message(language):
    # given
    catalogue = catalogues.read_catalogue(language)

    # when
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for string in strings:
            if string and sorted(set(PLACEHOLDER.findall(string))) != expected:
                wrong.append((ids[0], string))

    # then
    assert wrong == []


def test_the_extraction_finds_python_and_template_strings(extracted):
    # then: one of each kind the project uses, so a broken extractor cannot pass silently
    assert ("Invalid input.", None) in extracted  # gettext in Python
    assert ("Not found.", None) in extracted  # gettext_lazy in Python
    assert ("Log out", None) in extracted  # {% translate %} in a template
    assert ("Signed in as <strong>%(name)s</strong>", None) in extracted  # blocktranslate
