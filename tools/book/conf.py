"""Sphinx's settings for the course's book (built by tools/book/build.py; see its docstring).

Everything the pages load is in the book itself: MathJax comes from the sphinx-mathjax-offline
package (Sphinx would otherwise load it from a CDN), the theme ships its fonts and icons, and no
notebook stores widget state (MyST-NB would then load the widget manager from a CDN).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from utils import REPOSITORY_URL  # noqa: E402

project = "Seven steps to deep learning"
author = "the course's authors"
copyright = "the course's authors; readings and datasets belong to the authors credited"
language = "en"
root_doc = "index"

extensions = ["myst_nb", "sphinx-mathjax-offline", "tools.book.alt_text"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# The notebooks are shown with their stored outputs: never executed here.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = "Seven steps to deep learning"
html_copy_source = False
html_show_sourcelink = False
html_static_path = [str(Path(__file__).parent / "static")]
templates_path = [str(Path(__file__).parent / "templates")]
# The theme's sidebar, with its site title inside a landmark (templates/course-title.html).
html_sidebars = {"**": ["course-title.html", "icon-links.html", "search-button-field.html", "sbt-sidebar-nav.html"]}
html_css_files = ["book.css"]
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": "main",
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": False,
    "launch_buttons": {"colab_url": "https://colab.research.google.com", "notebook_interface": "jupyterlab"},
    "home_page_in_toc": True,
    "show_toc_level": 2,
}
