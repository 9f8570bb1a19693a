"""The web edition's fonts hold each character of the pages in both cases, taken of the characters once."""

import pytest

from builder.write.web.fonts import in_both_cases


@pytest.mark.parametrize('text', [
    'Plain ASCII, and Kabul.',
    'Straße, İstanbul, ﬁne: letters whose other case is two characters.',
    'ΟΔΥΣΣΕΥΣ and ΣΟΦΙΑ: a capital sigma in a word and at its end.',
    'ΣΣ',
    'σοφία and Σ alone',
    'Μ. ΣΑΣ.',
])
def test_the_characters_of_the_text_in_both_cases_as_the_whole_text_gives_them(text):
    expected = set(text) | set(text.upper()) | set(text.lower())
    assert in_both_cases(text, set(text)) == expected
