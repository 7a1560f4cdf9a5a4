"""Maintainer tools: what checks and measures the course, as opposed to ``utils``, which the
notebooks import. Run them from the repository root (``python -m tools.matrix ...``)."""
