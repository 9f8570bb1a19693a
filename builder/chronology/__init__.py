"""The chronology, from ``chronology.yaml`` to the list of events and its timeline figure.

- :mod:`.events`: ``chronology.yaml`` loaded with its dates checked, passages tied to events,
  entries in date order;
- :mod:`.dates`: EDTF dates -> values that sort, print in the book's language and sit on a time axis;
- :mod:`.timeline`: the entries drawn as an SVG figure.

The chronology's page is rendered with the glossary's, by :mod:`builder.backmatter`.
"""
