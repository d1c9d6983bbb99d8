"""The brief's words, numbers and names: :mod:`resourcemodel.labels` under its old name.

The translation table and formatting moved to :mod:`resourcemodel.labels` so that charts
and maps use them without importing the brief; existing imports of
``resourcemodel.brief.i18n`` get the same objects.
"""

from resourcemodel.labels import *  # noqa: F403
from resourcemodel.labels import LRI, PDI, STRINGS, MissingTranslationError  # noqa: F401
