"""The builder's per-chapter state inside markdown-it's ``env``.

Every plugin reads and writes its data through these accessors, under the one
key ``env['builder']``, as mdit-py-plugins does for its own data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from ..diagnostics import Diagnostics, SourceLocation


@dataclass
class ChapterEnv:
    chapter_id: str
    path: str
    diagnostics: Diagnostics
    # Lines before the text markdown-it sees: 0 for chapters (their front matter is parsed too),
    # the line a definition starts on, less one, for Markdown inside a data file.
    line_offset: int = 0
    # Every chapter's file (book-relative path) and id, for links between chapters.
    chapter_files: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def new_env(chapter_id: str, path: str, diagnostics: Diagnostics,
            chapter_files: dict[str, str] | None = None) -> dict[str, Any]:
    return {'builder': ChapterEnv(chapter_id, path, diagnostics, chapter_files=chapter_files or {}),
            'docId': chapter_id}


def chapter_env(env: dict[str, Any]) -> ChapterEnv:
    return env['builder']


def diagnostics_from_env(env: dict[str, Any]) -> Diagnostics:
    return chapter_env(env).diagnostics


def location_of(env: dict[str, Any], token: Token) -> SourceLocation:
    """Where a token came from: block tokens by their map, inline ones by the stamped meta."""
    ce = chapter_env(env)
    if 'loc' in token.meta:
        return token.meta['loc']
    if token.map:
        return SourceLocation(ce.path, token.map[0] + 1 + ce.line_offset)
    return SourceLocation(ce.path)


def text_like(like: Token, content: str) -> Token:
    """A text token of ``content`` with the meta of ``like``: its source location, if it has one."""
    token = Token('text', '', 0, content=content)
    token.meta = dict(like.meta)
    return token
