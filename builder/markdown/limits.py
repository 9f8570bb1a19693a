"""Refuse nesting deeper than the engines can lay out.

markdown-it silently drops content nested past its ``maxNesting`` (20), and
WeasyPrint recurses out past about 137 nested elements. Rather than lose text,
a chapter that comes near either limit fails with a located error.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from .state import diagnostics_from_env, location_of

# Well below markdown-it's maxNesting (20), where it starts to drop text.
MAX_DEPTH = 16


def nesting_limit_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push('nesting_limit', _check_depth)


def _check_depth(state: StateCore) -> None:
    depth = 0
    for token in state.tokens:
        depth += token.nesting
        deepest = depth + _inline_depth(token.children or [])
        if deepest > MAX_DEPTH or token.level >= MAX_DEPTH:
            diagnostics_from_env(state.env).error(
                'nesting-too-deep',
                'content is nested too deeply: lists, quotes, divs and emphasis inside one another here '
                f'make more than {MAX_DEPTH} levels of markup, which the engines would drop or fail on; flatten it',
                location_of(state.env, token),
            )
            return


def _inline_depth(children) -> int:  # type: ignore[no-untyped-def]
    depth = deepest = 0
    for child in children:
        depth += child.nesting
        deepest = max(deepest, depth)
    return deepest
