"""Stage 5, write: rendered documents -> files in the output folder, atomically."""
