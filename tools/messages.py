"""Check and compile the report texts' gettext catalogs (``make messages``).

The catalogs are ``src/pilot_eval/locale/<lang>/LC_MESSAGES/pilot_eval.po``, one per
language; the package reads the ``.mo`` compiled beside each (committed, as Django does, so
an installed package needs no Babel to speak). This tool

* checks the catalogs against each other: every msgid in every language, the same
  ``str.format`` fields ({n}, {folder}, …) in every language and plural form, as many plural
  forms as the language's ``Plural-Forms`` says, no empty or fuzzy entry;
* compiles each ``.po`` to its ``.mo`` with Babel (``python tools/messages.py``), or with
  ``--check`` only says whether the committed ``.mo`` files are up to date.

Babel's own checkers compare a msgstr with its msgid; here the msgid is a key ("changes.rated")
without fields, so the fields are compared across languages instead, with bokmål (the
language the texts are written in first) as the reference.

Usage::

    python tools/messages.py            # check, then compile every catalog
    python tools/messages.py --check    # check, and that every .mo matches its .po
"""

from __future__ import annotations

import argparse
import gettext
import io
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "src" / "pilot_eval" / "locale"
DOMAIN = "pilot_eval"
REFERENCE = "nb"


def po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """The ``.po`` file of ``language``."""
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """The languages that have a catalog, sorted."""
    return sorted(p.name for p in locale_dir.iterdir() if po_path(p.name, locale_dir).exists())


def read(language: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    """The catalog of ``language`` as Babel reads it."""
    with open(po_path(language, locale_dir), "rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def compile_mo(catalog: Catalog) -> bytes:
    """``catalog`` compiled to ``.mo`` bytes (fuzzy entries left out)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def entries(mo: bytes) -> dict[object, str]:
    """A compiled catalog's entries as stdlib gettext reads them, header left out.

    The header names the Babel version that compiled it ("Generated-By"), so two builds
    are compared by their entries, not byte for byte.
    """
    catalog = gettext.GNUTranslations(io.BytesIO(mo))
    found = dict(catalog._catalog)  # type: ignore[attr-defined]
    found.pop("", None)
    return {**found, "Plural-Forms": catalog._info.get("plural-forms", "")}  # type: ignore[attr-defined]


def _key(message: Message) -> tuple[str | None, str]:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return message.context, msgid


def _forms(message: Message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (
        message.string,)


def fields(text: str) -> set[str]:
    """The ``str.format`` fields of ``text``.

    Examples
    --------
    >>> sorted(fields("{n} pilots since {date}"))
    ['date', 'n']
    """
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def problems(catalogs: dict[str, Catalog]) -> list[str]:
    """What is wrong between ``catalogs`` (``{language: Catalog}``), one line each.

    Examples
    --------
    >>> nb, en = Catalog(locale="nb"), Catalog(locale="en")
    >>> _ = nb.add("a.b", "{n} piloter"), en.add("a.b", "{count} pilots")
    >>> problems({"nb": nb, "en": en})
    ["en: 'a.b' has the fields ['count'], nb has ['n']"]
    """
    found: list[str] = []
    by_language = {lang: {_key(m): m for m in cat if m.id} for lang, cat in catalogs.items()}
    reference = by_language.get(REFERENCE) or next(iter(by_language.values()))
    all_keys = set().union(*by_language.values())
    for lang, messages in sorted(by_language.items()):
        nplurals = catalogs[lang].num_plurals
        for key in sorted(all_keys - set(messages), key=lambda k: (k[1], k[0] or "")):
            found.append(f"{lang}: {key[1]!r} is missing" + (
                f" (context {key[0]!r})" if key[0] else ""))
        for key, message in messages.items():
            name = key[1]
            forms = _forms(message)
            if message.fuzzy:
                found.append(f"{lang}: {name!r} is fuzzy")
            if not all(f and f.strip() for f in forms):
                found.append(f"{lang}: {name!r} has an empty text")
            if message.pluralizable and len(forms) != nplurals:
                found.append(f"{lang}: {name!r} has {len(forms)} forms, Plural-Forms says "
                             f"{nplurals}")
            other = reference.get(key)
            if other is None or lang == REFERENCE:
                continue
            if message.pluralizable != other.pluralizable:
                found.append(f"{lang}: {name!r} is "
                             f"{'' if message.pluralizable else 'not '}plural, "
                             f"{REFERENCE} {'is' if other.pluralizable else 'is not'}")
                continue
            mine = set().union(*(fields(f) for f in forms))
            theirs = set().union(*(fields(f) for f in _forms(other)))
            if mine != theirs:
                found.append(f"{lang}: {name!r} has the fields {sorted(mine)}, "
                             f"{REFERENCE} has {sorted(theirs)}")
    return found


def main(argv: list[str] | None = None) -> int:
    """Check the catalogs, then compile them (or, with ``--check``, compare)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; fail when a committed .mo is out of date")
    args = parser.parse_args(argv)
    catalogs = {lang: read(lang) for lang in languages()}
    found = problems(catalogs)
    for lang, catalog in catalogs.items():
        mo = po_path(lang).with_suffix(".mo")
        compiled = compile_mo(catalog)
        if args.check:
            if not mo.exists() or entries(mo.read_bytes()) != entries(compiled):
                found.append(f"{lang}: {mo.relative_to(ROOT)} is out of date; run "
                             "python tools/messages.py")
        elif not found:
            mo.write_bytes(compiled)
            print(f"{mo.relative_to(ROOT)}: {len(catalog)} messages")
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
