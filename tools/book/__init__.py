"""The course as a book: a static website of the README, the seven notebooks (with their stored
outputs, never re-executed), the data and credits pages, built by Sphinx with MyST-NB and
sphinx-book-theme. ``python course.py book`` (or ``python -m tools.book``) builds it into
``_build/book/``; ``build.py`` gathers the pages, ``conf.py`` configures Sphinx.
"""
