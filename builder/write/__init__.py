"""Stage 7, write: the laid-out book -> files in the output folder.

One registered writer per format (``formats.py``); outputs staged and
committed together (``atomic.py``).
"""
