"""The catalogs keep up with the code: every marked string translated (not fuzzy, same
{fields}), the compiled .mo matching the .po, and the domain terms of the seeds used."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from catalog_checks import ROOT, po_path, read_catalog, stale_compiled, translations, untranslated

# English term (regex on the msgid) -> the seed's Chinese term every translation must use.
GLOSSARY = {
    r"\bshift lead\b": "值班长",
    r"\bplans?\b": "预案",
    r"\bgeneral\b(?! office)": "一般",
    r"\bserious\b": "较大",
    r"\bmajor\b": "重大",
    r"\bcritical\b": "特别重大",
    r"\bemergency (?:leading )?group\b": "应急处理领导小组",
}


def test_every_marked_string_has_a_zh_cn_translation():
    problems = untranslated("zh_CN")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def test_compiled_catalog_matches_the_po():
    assert stale_compiled("zh_CN") == []


def test_a_po_edit_without_compiling_is_caught(tmp_path, monkeypatch):
    import catalog_checks

    locale_dir = tmp_path / "locale"
    shutil.copytree(catalog_checks.LOCALE_DIR, locale_dir)
    monkeypatch.setattr(catalog_checks, "LOCALE_DIR", locale_dir)
    monkeypatch.setattr(catalog_checks, "ROOT", tmp_path)
    po = catalog_checks.po_path("zh_CN")
    text = po.read_text(encoding="utf-8")
    msgstr = re.search(r'^msgstr "(.+)"$', text, re.M)
    assert msgstr, "the catalog has no translated entry"
    po.write_text(text[: msgstr.start(1)] + "改" + text[msgstr.start(1) :], encoding="utf-8")
    assert stale_compiled("zh_CN"), "a changed .po with the old .mo must count as stale"


def test_translations_use_the_seed_terms():
    done = translations(read_catalog(po_path("zh_CN")))
    wrong = []
    for (_context, msgid), strings in done.items():
        for pattern, term in GLOSSARY.items():
            if re.search(pattern, msgid, re.I) and not all(term in s for s in strings):
                wrong.append(f"{msgid!r} -> {strings[0]!r} lacks {term}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext tools not installed")
def test_gnu_msgfmt_accepts_the_catalog(tmp_path):
    subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "x.mo"), str(po_path("zh_CN"))], check=True
    )


def test_check_command_reports_current_catalogs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "catalogs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
