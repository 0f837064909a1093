"""Find the era names a script uses, and explain what each became (``python -m compat explain SCRIPT``).

The scanner reads source, never runs it. ``import``/``from ... import`` statements of the era roots give the local
aliases (``tf``, ``np``, ``slim``, ``input_data``), and so do plain module-level assignments of an era chain to a
name (``tfe = tf.contrib.eager``, ``layers = tf.layers``); then every maximal attribute chain on an alias
(``tfe.Variable`` is ``tf.contrib.eager.Variable``), and every call of a from-imported name, is one use. Sources are
read as Python reads them (PEP 263 coding lines, UTF-8 BOM); a sibling module that does not parse is skipped and
named, as Python itself would fail only when it is imported.

Each use is explained from the era table (``compat/table.py``):

- a ``TABLE`` row (or the nearest row above the name): what removed it, what serves it, what to write today;
- a ``tf.`` name with no row is looked up in the installed TensorFlow's API without importing it
  (``compat.api_index``): present in TF 2 -> not an era name; only in ``tf.compat.v1`` -> a TF1 name served by it
  (queue-runner input names also get their ``tf.data`` equivalent, ``QUEUE_INPUT``); in neither -> unknown;
- ``CHANGED_MEANING``: calls whose spelling survived but whose meaning changed (``tf.nn.dropout(x, 0.75)``: keep
  probability in TF1, drop rate in TF2), listed only for the calls that hit the trap, in scripts of the era the
  row speaks to (a TF 2 script's ``dropout(x, 0.3)`` already means a rate);
- ``OLD_ARGUMENT_ORDER``: TF 0.x argument orders, listed only where the call's own arguments use them.

The same scan decides a script's era for the runner (``detect_era``): TF1 if any ``tf.`` name it uses is missing
from the installed TensorFlow 2's API.
"""
import ast
import importlib
import os
import tokenize
from dataclasses import dataclass, field

from compat import api_index, table

_MEANINGS = {}
for _row in table.CHANGED_MEANING:
    _MEANINGS.setdefault(_row.name, []).append(_row)
_QUEUE = {row.name: row for row in table.QUEUE_INPUT}
_OLD_ORDER = {row.name: row for row in table.OLD_ARGUMENT_ORDER}


@dataclass
class Use:
    name: str  # era spelling, e.g. "tf.contrib.layers.batch_norm"
    path: str
    line: int
    call: ast.Call = field(default=None, repr=False, compare=False)  # the call when the use is called


def read_source(path):
    """The module's text as Python decodes it (coding line, BOM). Raises OSError, SyntaxError, UnicodeDecodeError."""
    with tokenize.open(path) as handle:
        return handle.read()


def _chain(node, aliases):
    """The era name of an attribute chain on an alias (``tfe.Variable`` -> ``tf.contrib.eager.Variable``), or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in aliases:
        return ".".join([aliases[node.id]] + parts[::-1])
    return None


def _import_aliases(tree, path):
    """Local name -> era name for every import of an era root anywhere in the module, plus the import's own uses."""
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
                    if item.name == "*":
                        continue
                    era_name = f"{module}.{item.name}"
                    aliases[item.asname or item.name] = era_name
                    uses.append(Use(era_name, path, node.lineno))
    return aliases, uses


def _module_statements(body):
    """Module-level statements in source order, including those inside if/try/with blocks."""
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            blocks = [node.body, getattr(node, "orelse", []), getattr(node, "finalbody", [])]
            for block in blocks + [handler.body for handler in getattr(node, "handlers", [])]:
                yield from _module_statements(block)


def scan_source(source, path):
    """Every era use in one module's source, in source order. Raises SyntaxError if it does not parse."""
    tree = ast.parse(source, filename=path)
    aliases, uses = _import_aliases(tree, path)
    # `tfe = tf.contrib.eager`: one pass in source order, so `tf = tf.compat.v1` rebinds once, as Python does
    for node in _module_statements(tree.body):
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            era_name = _chain(node.value, aliases) if isinstance(node.value, (ast.Attribute, ast.Name)) else None
            for target in node.targets:
                if era_name:  # other rebindings are kept: `except ImportError: slim = None` must not hide slim
                    aliases[target.id] = era_name
    calls = {id(n.func): n for n in ast.walk(tree) if isinstance(n, ast.Call)}
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            era_name = _chain(node, aliases)
            if era_name:
                uses.append(Use(era_name, path, node.lineno, calls.get(id(node))))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and "." in aliases.get(node.func.id, ""):
            uses.append(Use(aliases[node.func.id], path, node.lineno, node))  # `dropout(x, 0.5)` after a from-import
    return sorted(uses, key=lambda u: (u.path, u.line, u.name))


def _sibling_files(tree, path, folder):
    """Files of the script's folder that ``tree``'s imports would load (``ops.py``, ``models/gan.py`` ...)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            dotted, base = [a.name for a in node.names], folder
        elif isinstance(node, ast.ImportFrom):
            base = folder
            if node.level:  # package-relative: from the importing file's own package
                base = os.path.dirname(path)
                for _ in range(node.level - 1):
                    base = os.path.dirname(base)
            module = node.module or ""
            dotted = [f"{module}.{a.name}".strip(".") for a in node.names]
        else:
            continue
        for name in dotted:
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                stem = os.path.join(base, *parts[:i])
                for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
                    if os.path.isfile(candidate):
                        found.append(candidate)
    return found


@dataclass
class Scan:
    uses: list
    skipped: list  # (path, reason): sibling modules that could not be read; Python fails only if they are imported


def scan_script(script):
    """Uses in the script and in the sibling modules it imports, recursively.

    Raises OSError/SyntaxError/UnicodeDecodeError for the script itself; a sibling that cannot be read is skipped.
    """
    script = os.path.abspath(script)
    folder = os.path.dirname(script)
    pending, seen, scan = [script], set(), Scan([], [])
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        try:
            source = read_source(path)
            tree = ast.parse(source, filename=path)
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError) as error:
            if path == script:
                raise
            scan.skipped.append((path, _reason(error)))
            continue
        scan.uses.extend(scan_source(source, path))
        pending.extend(_sibling_files(tree, path, folder))
    return scan


def _reason(error):
    if isinstance(error, SyntaxError):
        return f"does not parse (line {error.lineno}: {error.msg})"
    return f"cannot be read ({type(error).__name__}: {error})"


def has_live(module, name):
    """Whether ``module.<name>`` resolves on the live module (TensorFlow's lazy loaders raise odd errors: False)."""
    for part in name.split("."):
        try:
            module = getattr(module, part)
        except Exception:  # noqa: BLE001 - any failure means "not there" (lazy loaders raise odd errors)
            return False
    return True


def tf_has(name):
    """Whether the installed TensorFlow 2 exports ``tf.<name>``: from its API files, importing it only if they
    cannot tell."""
    known = api_index.has(name)
    if known is not None:
        return known
    parts = name.split(".")
    for i in range(len(parts), -1, -1):  # the longest importable module, then attributes (tensorflow.core.protobuf)
        try:
            module = importlib.import_module(".".join(["tensorflow", *parts[:i]]))
        except Exception:  # noqa: BLE001 - not a module (or a broken internal one): try a shorter prefix
            continue
        return has_live(module, ".".join(parts[i:])) if i < len(parts) else True
    return False


def classify(name):
    """(status, row) for one era name: ``"era"`` with its table row, ``"tf1"``, ``"unknown"``, or (None, None)."""
    row = table.nearest_row(name)
    if row is not None:
        return "era", row
    alias, _, rest = name.partition(".")
    if alias == "np" and rest:  # NumPy imports in a blink: ask it (a removed name without a row is still named)
        import numpy

        return (None, None) if has_live(numpy, rest) else ("unknown", None)
    if alias != "tf" or not rest:
        return None, None
    if tf_has(rest):
        return None, None
    if tf_has(f"compat.v1.{rest}"):
        return "tf1", None
    return "unknown", None


def _plain_args(call):
    """(positional count, keyword names), or None when ``*args``/``**kwargs`` hide what the call passes."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    return len(call.args), {k.arg for k in call.keywords}


def hits_changed_meaning(row, call):
    """Whether a use (its call, or None when the name is not called) meets the row's conditions."""
    if row.positional is None and row.keyword is None and row.default_of is None:
        return True
    passed = _plain_args(call) if call is not None else None
    if passed is None:
        return False
    count, keywords = passed
    if row.positional is not None and count <= row.positional:
        return False
    if row.keyword is not None and row.keyword not in keywords:
        return False
    if row.default_of is not None:
        keyword, position = row.default_of
        if keyword in keywords or count > position:
            return False
    return True


def _int_literal(node):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int


def uses_old_order(row, call):
    """Whether a call of ``row.name`` is written in its TF 0.x argument order (see ``table.OldArgumentOrder``)."""
    if call is None:
        return False
    if {k.arg for k in call.keywords} & set(row.keywords):
        return True
    if row.any_positional and call.args:
        return True
    return bool(row.int_first and call.args and _int_literal(call.args[0]))


@dataclass
class Explanation:
    name: str
    lines: list  # (path, line) of the uses that are explained
    # "era" (table row), "tf1" (served by tf.compat.v1), "unknown", "changed" (meaning changed only),
    # "input" (still in TF 2, part of the queue-runner input pipeline tf.data replaced),
    # "order" (still in TF 2, called in its TF 0.x argument order)
    status: str
    row: object = None  # table.Era
    changed: list = field(default_factory=list)  # table.ChangedMeaning rows the uses hit
    changed_lines: list = field(default_factory=list)  # (path, line) of the uses that hit them
    tf_data: object = None  # table.QueueInput
    old_order: object = None  # table.OldArgumentOrder the uses are written in


@dataclass
class Report:
    items: list  # Explanation, in order of first use
    skipped: list  # (path, reason) from Scan


def explain(script):
    """A Report on every era name the script (and its sibling modules) uses. Raises as ``scan_script``."""
    scan = scan_script(script)
    era = _era_of(scan.uses)
    grouped = {}
    for use in scan.uses:
        grouped.setdefault(use.name, []).append(use)
    items = []
    for name, uses in grouped.items():
        status, row = classify(name)
        lines = [(u.path, u.line) for u in uses]
        old_order = _OLD_ORDER.get(name)
        if old_order is not None:  # only the calls still written in the TF 0.x order are era uses
            lines = [(u.path, u.line) for u in uses if uses_old_order(old_order, u.call)]
            if not lines:
                status = None
            elif status is None:  # a name TF 2 still has, called in an order it now reads differently
                status = "order"
        changed, changed_lines = [], []
        for meaning in (m for m in _MEANINGS.get(name, ()) if era in m.scripts):
            hit = [(u.path, u.line) for u in uses if hits_changed_meaning(meaning, u.call)]
            if hit:
                changed.append(meaning)
                changed_lines.extend(hit)
        if status is None and name in _QUEUE:  # still in TF 2 (tf.train.Coordinator) but its pipeline is not
            status = "input"
        if status is None and changed:
            status, lines = "changed", sorted(set(changed_lines))
        elif status is not None and changed:
            lines = sorted(set(lines) | set(changed_lines))
        if status:
            items.append(Explanation(name, lines, status, row, changed, sorted(set(changed_lines)), _QUEUE.get(name),
                                     old_order if old_order is not None and status in ("era", "order") else None))
    items.sort(key=lambda e: (e.lines[0], e.name))
    return Report(items, scan.skipped)


def detect_era(script):
    """``"tf1"`` if the script uses a ``tf.`` name the installed TensorFlow 2 lacks, else ``"tf2"``.

    Never raises for a script Python can run: a sibling that does not parse is skipped; a script that cannot be read
    gets ``"tf2"`` (Python's own error follows when the runner compiles it).
    """
    try:
        uses = scan_script(script).uses
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return "tf2"
    return _era_of(uses)


def _era_of(uses):
    names = {use.name[3:] for use in uses if use.name.startswith("tf.")}
    return "tf1" if any(not tf_has(name) for name in names) else "tf2"


def format_report(script, report):
    """Human-readable report: one block per era name, with where it is used, what serves it and what replaced it."""
    explanations = report.items
    out = [f"{script}: {len(explanations)} era name(s)"]
    base = os.path.dirname(os.path.abspath(script))
    for path, reason in report.skipped:
        out.append(f"  skipped {os.path.relpath(path, base)}: {reason}; Python fails only if it is imported")
    for item in explanations:
        where = ", ".join(f"{os.path.relpath(p, base)}:{n}" for p, n in item.lines)
        out.append(f"\n  {item.name}    [{where}]")
        if item.status == "era":
            row = item.row
            shown = row.name if row.name == item.name else f"{row.name} (nearest entry)"
            out.append(f"    entry:    {shown}")
            if item.old_order is not None:
                out.append(f"    order:    written as TF 0.x {item.old_order.old}")
            out.append(f"    removed:  {row.removed}")
            out.append(f"    served:   {row.serves or 'not served'}")
            out.append(f"    today:    {row.modern}")
            if row.note:
                out.append(f"    note:     {row.note}")
        elif item.status == "tf1":
            out.append("    removed:  TF 2.0 (kept only under tf.compat.v1)")
            out.append(f"    served:   tensorflow.compat.v1:{item.name[3:]}")
            if item.tf_data is not None:
                out.append(f"    today:    {item.tf_data.tf_data}")
            else:
                out.append("    today:    no table entry: see the TF 2 migration guide for this name")
        elif item.status == "order":
            out.append(f"    order:    written as TF 0.x {item.old_order.old}")
            out.append(f"    today:    {item.old_order.modern}")
        elif item.status == "input":
            out.append("    kept:     still in TF 2, but the queue-runner input pipeline it served is gone")
            out.append(f"    today:    {item.tf_data.tf_data}")
        elif item.status == "unknown" and item.name.startswith("np."):
            out.append(f"    unknown:  the installed NumPy has no {item.name} and the table no entry; the script "
                       "will stop here with NumPy's AttributeError")
        elif item.status == "unknown":
            out.append("    unknown:  neither TensorFlow 2 nor tf.compat.v1 has this name; the runner will "
                       "stop here with an error")
        if item.changed and item.changed_lines != item.lines:
            hits = ", ".join(f"{os.path.relpath(p, base)}:{n}" for p, n in item.changed_lines)
            out.append(f"    changed:  at {hits}")
        for meaning in item.changed:
            out.append(f"    changed:  TF 1: {meaning.era}")
            out.append(f"              TF 2: {meaning.today}")
    return "\n".join(out)


def as_json(report):
    """The report as JSON-ready data: one dict per name (the ``--json`` output)."""
    result = []
    for item in report.items:
        entry = {"name": item.name, "lines": item.lines, "status": item.status}
        if item.row is not None:
            entry.update(removed=item.row.removed, serves=item.row.serves, modern=item.row.modern,
                         note=item.row.note, entry=item.row.name)
        if item.changed:
            entry["changed"] = [{"era": m.era, "today": m.today} for m in item.changed]
            entry["changed_lines"] = item.changed_lines
        if item.tf_data is not None:
            entry["tf_data"] = item.tf_data.tf_data
        if item.old_order is not None:
            entry["old_order"] = item.old_order.old
        result.append(entry)
    return result
