"""Every literal message in the source is in the zh-Hans catalogue, and none hides where makemessages
cannot see it (a gettext call inside an f-string): an untranslated message shows English on a
Chinese page, and the page walks only find the ones the demo happens to reach."""

import ast
import pathlib
import re

from django.utils.translation import trans_real

ROOT = pathlib.Path(__file__).resolve().parents[2]  # src/qinqing
CALLS = {
    "_", "_t", "gettext", "gettext_lazy", "gettext_noop",
    "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
}
TEMPLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
    r"""(?:\s+context\s+(?:"([^"]*)"|'([^']*)'))?"""
)


def _sources(suffix: str):
    for path in sorted(ROOT.rglob(f"*{suffix}")):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & {"tests", "migrations"}:
            yield path


def _catalogue() -> set:
    return set(trans_real.translation("zh-hans")._catalog.keys())


def _name(call: ast.Call) -> str | None:
    return getattr(call.func, "id", getattr(call.func, "attr", None))


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _python_messages():
    """(where, catalogue key) of every gettext-family call with a literal message."""
    for path in _sources(".py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and _name(node) in CALLS and node.args):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if _name(node).startswith("pgettext"):
                context, message = (_literal(arg) for arg in (node.args + [None])[:2])
                if context is not None and message is not None:
                    yield where, f"{context}\x04{message}"
            elif (message := _literal(node.args[0])) is not None:
                yield where, (message, 0) if _name(node).startswith("ngettext") else message


def test_no_message_is_marked_inside_an_f_string():
    hidden = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path in _sources(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.JoinedStr)
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and _name(call) in CALLS
    ]
    assert not hidden, f"makemessages does not read gettext inside an f-string: {hidden}"


def test_every_literal_message_in_python_is_translated():
    keys = _catalogue()
    missing = [f"{where} {key!r}" for where, key in _python_messages() if key not in keys]
    assert not missing, "not in locale/zh_Hans/LC_MESSAGES/django.po:\n" + "\n".join(missing)


def test_every_translate_tag_in_the_templates_is_translated():
    keys = _catalogue()
    missing = []
    for path in _sources(".html"):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_TAG.finditer(text):
            message = match.group(1) if match.group(1) is not None else match.group(2)
            message = message.replace("%", "%%")  # as Django's {% translate %} looks it up
            context = match.group(3) or match.group(4)
            key = f"{context}\x04{message}" if context else message
            if key not in keys:
                line = text.count("\n", 0, match.start()) + 1
                missing.append(f"{path.relative_to(ROOT)}:{line} {key!r}")
    assert not missing, "not in locale/zh_Hans/LC_MESSAGES/django.po:\n" + "\n".join(missing)


def test_the_checks_see_the_messages_they_look_for():
    """The scans are not empty: they read thousands of messages, and a known one is among them."""
    found = dict(_python_messages())
    assert len(found) > 1000
    assert "Choose the handling unit." in found.values()
