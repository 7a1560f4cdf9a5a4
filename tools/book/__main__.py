"""python -m tools.book [--out FOLDER]: build the book (see tools/book/build.py)."""

import sys

from tools.book.build import main

sys.exit(main(sys.argv[1:]))
