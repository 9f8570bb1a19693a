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

from .locations import warn_at_each

MESSAGE = 'raw HTML is printed as text, exactly as written: the outputs carry no HTML of the author\'s'


def raw_html_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after('inline', 'raw_html_warnings', lambda state: warn_at_each(
        state, 'raw-html', MESSAGE, 'html_block', {'html_inline': lambda token: token.content}))
    md.add_render_rule('html_block', lambda self, tokens, idx, options, env: (
        f'<pre class="raw-html"><code>{escapeHtml(tokens[idx].content.rstrip(chr(10)))}</code></pre>\n'))
    md.add_render_rule('html_inline', lambda self, tokens, idx, options, env: (
        f'<code class="raw-html">{escapeHtml(tokens[idx].content)}</code>'))

