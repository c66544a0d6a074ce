"""The Jinja2 templates that lay out a Markdown export: loading, sandbox, errors.

A template is the user's own code (``--template FILE``) as much as kbtui's
default layout (``templates/export.md.j2``), so both run in the same sandbox
with the same Markdown filters, and whatever goes wrong in one (a syntax
error, an undefined name, ``1/0``, a sandbox refusal) becomes a
:class:`TemplateError` that names the template and its line: one line the CLI
can print, never a traceback. Apart from :mod:`kbtui.exchange.markdown`
because none of it knows what is exported: it renders any mapping of
variables.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from kbtui.exchange.mdsafe import (
    blockquote,
    code_span,
    escape_block,
    escape_inline,
    hashtag,
    yaml_scalar,
)

TEMPLATE_FILE = "export.md.j2"
"""The default layout, in ``kbtui/exchange/templates``."""


class TemplateError(Exception):
    """A template could not be read, compiled or rendered.

    The message names the template and, when known, the line, as
    ``FILE:LINE: what went wrong``: one line the CLI can print as it is.
    """


def _environment() -> SandboxedEnvironment:
    """The sandbox every template runs in, with the Markdown filters."""
    env = SandboxedEnvironment(
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        yaml=yaml_scalar,
        code=code_span,
        blockquote=blockquote,
        hashtag=hashtag,
        md_block=escape_block,
        md_inline=escape_inline,
    )
    return env


@cache
def _shared_environment() -> SandboxedEnvironment:
    return _environment()


def compile_template(source: str, name: str) -> jinja2.Template:
    """Compile template ``source``; ``name`` is how errors refer to it.

    A syntax error becomes :class:`TemplateError` ``name:LINE: message``.
    """
    env = _shared_environment()
    try:
        code = env.compile(source, name=name, filename=name)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{name}:{exc.lineno}: {exc.message}") from exc
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def load_template(path: Path) -> jinja2.Template:
    """Read and compile a user's template file (``--template FILE``)."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read the template: {exc}") from exc
    return compile_template(source, str(path))


@cache
def default_template() -> jinja2.Template:
    """The built-in layout (compiled once)."""
    source = (
        files("kbtui.exchange").joinpath("templates", TEMPLATE_FILE).read_text(encoding="utf-8")
    )
    return compile_template(source, TEMPLATE_FILE)


def render_template(template: jinja2.Template, variables: Mapping[str, object]) -> str:
    """Render, turning anything a (user's) template raises into :class:`TemplateError`.

    Why catch everything: a template is the user's code, and whatever it
    raises is a fault in it to report with its line. The text ends with a
    newline, whatever the template's last line does.
    """
    try:
        text = template.render(variables)
    except Exception as exc:
        raise TemplateError(_runtime_message(template.name or "template", exc)) from exc
    return text if text.endswith("\n") else text + "\n"


def _runtime_message(name: str, exc: Exception) -> str:
    """``name:LINE: error`` with the template line Jinja's traceback points at."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == name]
    where = f"{name}:{lines[-1]}" if lines else name
    detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{where}: {detail}"
