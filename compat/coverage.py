"""The coverage sweep: what becomes of every public name TensorFlow 1.15 exported, under the compat runtime.

The names are ``compat/data/tf115_api.txt`` (its header says how they were read from TF 1.15). Each is resolved
through ``import compat.v1 as tf`` — the namespace the runner gives a TF1 script — and lands in one of four classes:

- ``served``    it resolves; ``by`` says what answers it (the serving row's target module, or ``tf.compat.v1``);
- ``dead end``  ``UnknownEraName`` quoting a row that is the name itself or a family row naming a specific
                replacement (``tf.contrib.tpu`` -> ``tf.distribute.TPUStrategy``);
- ``generic``   ``UnknownEraName`` with only the catch-all ``tf.contrib`` row, or no row at all, to quote;
- ``raw``       any other exception: a library's own error reaches the script. The goal is none.

``python -m compat explain --coverage`` prints the figures per family (``tf`` core modules, each ``tf.contrib``
submodule), so a TensorFlow upgrade's changes show up as numbers.
"""
import os
from collections import Counter
from dataclasses import dataclass

from compat import table

API_LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "tf115_api.txt")
CLASSES = ("served", "dead end", "generic", "raw")
GENERIC_ROW = "tf.contrib"  # the catch-all: quoting it tells the user nothing specific


@dataclass(frozen=True)
class Outcome:
    name: str
    kind: str  # one of CLASSES
    by: str  # served: what serves it; dead end/generic: the quoted row ('' for none); raw: the exception type


def surface(path=API_LIST):
    """The TF 1.15 public names, in file order (comment lines skipped)."""
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def family(name):
    """``tf.contrib.<sub>`` for contrib names, ``tf.<module>`` for names in a core submodule, else ``tf``."""
    parts = name.split(".")
    if parts[1:2] == ["contrib"]:
        return ".".join(parts[:3])
    return ".".join(parts[:2]) if len(parts) > 2 else "tf"


def _served_by(name):
    row = table.nearest_row(name)
    if row is not None and row.serves is not None:
        return row.serves.partition(":")[0]
    return "tensorflow.compat.v1"


def classify(name, tf):
    """The ``Outcome`` of resolving ``name`` (``tf.a.b``) attribute by attribute from the era namespace ``tf``."""
    from compat.namespace import UnknownEraName

    node = tf
    try:
        for part in name.split(".")[1:]:
            node = getattr(node, part)
    except UnknownEraName as error:
        row = table.nearest_row(error.era_name)
        if row is None or row.name == GENERIC_ROW:
            return Outcome(name, "generic", row.name if row else "")
        return Outcome(name, "dead end", row.name)
    except Exception as error:  # noqa: BLE001 - any other failure is exactly what the sweep must report
        return Outcome(name, "raw", f"{type(error).__module__}.{type(error).__name__}")
    return Outcome(name, "served", _served_by(name))


def sweep(names=None):
    """Outcomes for ``names`` (default: the whole TF 1.15 surface), resolved through ``compat.v1``."""
    import warnings

    import compat.v1 as tf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecation chatter from lazily imported modules
        return [classify(name, tf) for name in (surface() if names is None else names)]


def figures(outcomes):
    """``{family: Counter(kind -> count)}`` with an ``"all"`` total."""
    by_family = {"all": Counter()}
    for outcome in outcomes:
        by_family.setdefault(family(outcome.name), Counter())[outcome.kind] += 1
        by_family["all"][outcome.kind] += 1
    return by_family


def _dead_end_kind(outcome):
    """Which row a dead end quotes: the name's own, an unserved family's, or a served family's (a miss inside it)."""
    row = table.BY_NAME[outcome.by]
    if row.name == outcome.name:
        return "their own row"
    return "a served family's row" if row.serves else "an unserved family's row"


def format_report(outcomes, show=("raw", "generic")):
    """The coverage table (one line per family, worst first) and every name of the ``show`` classes."""
    table_ = figures(outcomes)
    total = table_.pop("all")
    width = max(len(f) for f in table_) + 2
    header = f"{'family':<{width}}" + "".join(f"{k:>10}" for k in CLASSES) + f"{'covered':>10}"

    def line(label, counts):
        n = sum(counts.values())
        covered = (counts["served"] + counts["dead end"]) / n if n else 1.0
        return f"{label:<{width}}" + "".join(f"{counts[k]:>10}" for k in CLASSES) + f"{covered:>9.1%}"

    out = [f"TF 1.15 public surface under compat.v1: {sum(total.values())} names "
           f"({os.path.relpath(API_LIST, os.getcwd())})", "", header, line("all", total), ""]
    ordered = sorted(table_.items(), key=lambda kv: (
        (kv[1]["served"] + kv[1]["dead end"]) / sum(kv[1].values()), kv[0]))
    out.extend(line(name, counts) for name, counts in ordered)
    served_by = Counter(o.by for o in outcomes if o.kind == "served")
    out += ["", "served by: " + ", ".join(f"{by} {n}" for by, n in served_by.most_common())]
    quoted = Counter(_dead_end_kind(o) for o in outcomes if o.kind == "dead end")
    out.append("dead ends quote: " + ", ".join(f"{kind} {n}" for kind, n in quoted.most_common()))
    for kind in show:
        listed = [o for o in outcomes if o.kind == kind]
        if listed:
            out += ["", f"{kind} ({len(listed)}):"]
            out.extend(f"  {o.name}  [{o.by or 'no row'}]" for o in listed)
    return "\n".join(out)
