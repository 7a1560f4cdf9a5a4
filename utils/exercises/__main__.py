"""``python -m utils.exercises`` (what ``python course.py progress`` runs): your progress, step by step."""

import sys

from utils.exercises.report import main

sys.exit(main())
