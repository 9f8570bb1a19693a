"""Code blocks: highlighted by Pygments when their language is known, one ``code-line`` span per line.

```` ```python ```` or ```` ```{.python .numberLines} ```` is printed with
Pygments' HTML formatter as class names only (``<span class="k">``), which
the stylesheets colour in shades that stay apart in greyscale; a language
Pygments does not know, or none, prints as plain text. Each source line is a
``<span class="code-line">``: the print stylesheet makes it a block, so that a
line too long for the page wraps under itself with a mark
(:func:`builder.layout.breaks.code_lines_as_blocks`), and ``.numberLines``
numbers the lines with a CSS counter, in both outputs. Pygments closes its
spans at each line's end, so a string over three lines is three spans.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# Pandoc's classes that number the lines of a code block.
LINE_NUMBERS = ('numberLines', 'number-lines')

_FORMATTER = HtmlFormatter(nowrap=True)


def highlight_plugin(md: MarkdownIt) -> None:
    md.add_render_rule('fence', _code_block)
    md.add_render_rule('code_block', _code_block)


def code_html(code: str, language: str) -> str:
    """The code's lines, each in a ``code-line`` span, highlighted when Pygments knows ``language``."""
    lexer = _lexer(language)
    html = highlight(code, lexer, _FORMATTER) if lexer else escapeHtml(code)
    lines = html.removesuffix('\n').split('\n')
    return '\n'.join(f'<span class="code-line">{line}</span>' for line in lines)


def _lexer(language: str) -> Lexer | None:
    if not language:
        return None
    try:
        # Leading and trailing blank lines are the author's: Pygments strips them by default.
        return get_lexer_by_name(language, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None


def _code_block(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    token = tokens[idx]
    language = token.info.strip().split(' ')[0] if token.type == 'fence' else ''
    classes = str(token.attrGet('class') or '')
    ident = token.attrGet('id')
    pre = f' class="{escapeHtml(classes)}"' if classes else ''
    code_attrs = (f' id="{escapeHtml(str(ident))}"' if ident else '') + \
        (f' class="language-{escapeHtml(language)}"' if language else '')
    return f'<pre{pre}><code{code_attrs}>{code_html(token.content, language)}</code></pre>\n'
