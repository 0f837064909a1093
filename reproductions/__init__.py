"""reproductions — run every seed reproduction through the compat runner and compare it with recorded baselines.

``catalog.py`` (one folder per reproduction, ``<name>/entry.json`` and its baselines, sampler and modern port;
a user catalog for one's own scripts) → ``execute.py`` (a run in its own subprocess and folder) →
``baseline.py`` (record once, compare with a stated tolerance) → ``report.py`` (table, figures, index page).
The command line is ``python -m reproductions`` (``__main__.py``).
"""
