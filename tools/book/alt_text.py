"""A Sphinx extension for the book: every figure of a notebook gets its text alternative.

A notebook cell that draws figures stores one entry per figure in its metadata,
``cell.metadata["dl7"]["figures"] = [{"title": ..., "description": ...}, ...]`` (in the order of the
cell's image outputs; written by the maintainers' alt-text script). The image's ``alt`` becomes
"title. description". A figure without an entry gets a warning and the cell's first line as alt.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def alt_text(entry: dict) -> str:
    """The text alternative of a figure from its stored title and description."""
    title, description = entry.get("title", "").strip(), entry.get("description", "").strip()
    if title and description:
        return f"{title.rstrip('.')}. {description}"
    return title or description


def add_alt_texts(app, doctree) -> None:
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code":
            continue
        entries = (cell.get("cell_metadata") or {}).get("dl7", {}).get("figures", [])
        images = list(cell.findall(nodes.image))
        for number, image in enumerate(images):
            text = alt_text(entries[number]) if number < len(entries) else ""
            if not text:
                logger.warning(
                    f"figure {number + 1} of cell {cell.get('cell_index', 0) + 1} has no description (cell metadata dl7.figures)",
                    location=cell,
                )
                text = "A figure drawn by the code above"
            image["alt"] = text


def setup(app):
    app.connect("doctree-read", add_alt_texts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
