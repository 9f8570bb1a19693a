"""Raw HTML, printed verbatim as text.

Outputs stay valid XHTML and carry no author-supplied script, so HTML in a
chapter is never interpreted. markdown-it reads it as HTML (``html_block`` and
``html_inline`` tokens), which keeps Markdown, smart quotes and dashes out of
it; these render rules print it escaped, exactly as written, and a located
warning says so, since Pandoc would have passed it through.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore

from .locations import syntax_location
from .state import diagnostics_from_env

MESSAGE = 'raw HTML is printed as text, exactly as written: the outputs carry no HTML of the author\'s'


def raw_html_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after('inline', 'raw_html_warnings', _warn)
    md.add_render_rule('html_block', lambda self, tokens, idx, options, env: (
        f'<pre class="raw-html"><code>{escapeHtml(tokens[idx].content.rstrip(chr(10)))}</code></pre>\n'))
    md.add_render_rule('html_inline', lambda self, tokens, idx, options, env: (
        f'<code class="raw-html">{escapeHtml(tokens[idx].content)}</code>'))


def _warn(state: StateCore) -> None:
    diagnostics = diagnostics_from_env(state.env)
    for block in state.tokens:
        if block.type == 'html_block':
            diagnostics.warning('raw-html', MESSAGE, syntax_location(state, block)[0])
        cursor = 0
        for child in block.children or ():
            if child.type == 'html_inline':
                where, cursor = syntax_location(state, block, child.content, cursor)
                diagnostics.warning('raw-html', MESSAGE, where)
