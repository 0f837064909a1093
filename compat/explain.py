"""Find the era names a script uses, and explain what each became (``python -m compat explain SCRIPT``).

The scanner reads source, never runs it: ``import``/``from ... import`` statements of the era roots give the local
aliases (``tf``, ``np``, ``slim``, ``input_data``), then every maximal attribute chain on an alias
(``tf.contrib.layers.batch_norm``) is one use. Each use is explained by its table row (or the nearest row above it);
a ``tf.`` name with no row is checked against TensorFlow itself: present in TF 2.21 → not an era name; only in
``tf.compat.v1`` → a TF1 name served by it; in neither → unknown, reported as such.

The same scan decides a script's era for the runner (``detect_era``): TF1 if any ``tf.`` name it uses is missing
from TensorFlow 2.21's top-level API.
"""
import ast
import os
from dataclasses import dataclass

from compat import table



@dataclass
class Use:
    name: str  # era spelling, e.g. "tf.contrib.layers.batch_norm"
    path: str
    line: int


def scan_source(source, path):
    """Every era use in one module's source, in source order."""
    tree = ast.parse(source, filename=path)
    aliases, uses = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for item in node.names:
                top = item.name.partition(".")[0]
                if top in table.ALIAS_OF:
                    era_name = table.ALIAS_OF[top] + item.name[len(top):]
                    aliases[item.asname or top] = era_name if item.asname else table.ALIAS_OF[top]
                    if "." in era_name:
                        uses.append(Use(era_name, path, node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.partition(".")[0]
            if top in table.ALIAS_OF:
                module = table.ALIAS_OF[top] + node.module[len(top):]
                for item in node.names:
                    era_name = f"{module}.{item.name}"
                    aliases[item.asname or item.name] = era_name
                    uses.append(Use(era_name, path, node.lineno))
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            parts = []
            base = node
            while isinstance(base, ast.Attribute):
                parts.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in aliases:
                uses.append(Use(".".join([aliases[base.id]] + parts[::-1]), path, node.lineno))
    return sorted(uses, key=lambda u: (u.path, u.line, u.name))


def scan_script(script):
    """Uses in the script and in the sibling modules it imports (its ops.py, utils.py ...), recursively."""
    script = os.path.abspath(script)
    folder = os.path.dirname(script)
    pending, seen, uses = [script], set(), []
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        uses.extend(scan_source(source, path))
        for node in ast.walk(ast.parse(source, filename=path)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
            for name in names:
                sibling = os.path.join(folder, *name.split(".")) + ".py"
                if os.path.isfile(sibling):
                    pending.append(sibling)
    return uses


@dataclass
class Explanation:
    name: str
    lines: list  # (path, line)
    status: str  # "era" (table row), "tf1" (served by tf.compat.v1), "unknown"
    row: object = None


def _walk(module, parts):
    for part in parts:
        try:
            module = getattr(module, part)
        except Exception:  # noqa: BLE001 - any failure means "not there" (lazy loaders raise odd errors)
            return False
    return True


def classify(name):
    """(status, row) for one era name; see the module docstring."""
    row = table.nearest_row(name)
    if row is not None:
        return "era", row
    alias, _, rest = name.partition(".")
    if alias != "tf" or not rest:
        return None, None
    import tensorflow as tf

    if _walk(tf, rest.split(".")):
        return None, None
    if _walk(tf.compat.v1, rest.split(".")):
        return "tf1", None
    return "unknown", None


def explain(script):
    """Explanations for every era name the script (and its sibling modules) uses, grouped by name."""
    grouped = {}
    for use in scan_script(script):
        grouped.setdefault(use.name, []).append((use.path, use.line))
    result = []
    for name, lines in grouped.items():
        status, row = classify(name)
        if status:
            result.append(Explanation(name, lines, status, row))
    return sorted(result, key=lambda e: (e.lines[0], e.name))


def detect_era(script):
    """``"tf1"`` if the script uses a ``tf.`` name that TensorFlow 2.21 itself lacks, else ``"tf2"``."""
    import tensorflow as tf

    for use in scan_script(script):
        if use.name.startswith("tf.") and not _walk(tf, use.name.split(".")[1:]):
            return "tf1"
    return "tf2"


def format_report(script, explanations):
    """Human-readable report: one block per era name, with where it is used, what serves it and what replaced it."""
    out = [f"{script}: {len(explanations)} era name(s)"]
    base = os.path.dirname(os.path.abspath(script))
    for item in explanations:
        where = ", ".join(f"{os.path.relpath(p, base)}:{n}" for p, n in item.lines)
        out.append(f"\n  {item.name}    [{where}]")
        if item.status == "era":
            row = item.row
            shown = row.name if row.name == item.name else f"{row.name} (nearest entry)"
            out.append(f"    entry:    {shown}")
            out.append(f"    removed:  {row.removed}")
            out.append(f"    served:   {row.serves or 'not served'}")
            out.append(f"    today:    {row.modern}")
            if row.note:
                out.append(f"    note:     {row.note}")
        elif item.status == "tf1":
            out.append("    removed:  TF 2.0 (kept only under tf.compat.v1)")
            out.append(f"    served:   tensorflow.compat.v1:{item.name[3:]}")
            out.append("    today:    no table entry: see the TF 2 migration guide for this name")
        else:
            out.append("    unknown:  neither TensorFlow 2.21 nor tf.compat.v1 has this name; the runner will "
                       "stop here with an error")
    return "\n".join(out)
