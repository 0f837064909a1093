"""The runner's record (``python -m compat run --record FILE``): its schema, and the one reader of it.

A record is JSON lines, one event per line, flushed as written (``compat/steps.py`` writes them), so a run that
is killed loses at most its last, partial line. The events, in the order a run writes them:

- ``{"step": k, "losses": {"D_loss": 0.69, ...}}`` — training step ``k`` (1-based; a resumed run continues the
  count) and the scalar losses it computed, by the script's own names. A non-finite value is written as the
  string ``"nan"``, ``"inf"`` or ``"-inf"`` (``float()`` reads it back);
- ``{"checkpoint": {"step": k, "path": "..."}}`` — a ``tf.train.Saver.save`` after ``k`` steps (where a resumed
  run can pick up);
- ``{"shapes": {"generator": [64, 28, 28, 1], ...}}`` — the shapes asked for with ``--record-shape`` (a string
  ``"unavailable: ..."`` for an expression that failed);
- ``{"variables": [["name:0", [shape...]], ...]}`` — the trainable variables, at the end;
- ``{"end": {"status": "ok" | "interrupted" | "error: ...", "steps": n, "era": "tf1" | "tf2", ...}}`` — the last
  line; further keys (such as wall-clock seconds) may or may not be present and are ignored here.
"""
import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Record:
    """One run's record, read back.

    Attributes:
      steps: ``[(k, {series: float})]`` in the order written.
      checkpoints: ``[{"step": k, "path": ...}]``.
      shapes: label -> shape (list) or an "unavailable: ..." string.
      variables: ``[[name, shape], ...]``.
      end: the end line's dict, or None when the run did not get that far (killed, still running).
      partial_lines: lines that were not complete JSON (a run killed mid-line).
    """
    steps: list = field(default_factory=list)
    checkpoints: list = field(default_factory=list)
    shapes: dict = field(default_factory=dict)
    variables: list = field(default_factory=list)
    end: dict = None
    partial_lines: int = 0

    @property
    def last_step(self):
        """The number of the last recorded step (0 before the first)."""
        return self.steps[-1][0] if self.steps else 0

    def losses(self):
        """One dict of losses per step, in order (what the equivalence check compares)."""
        return [losses for _, losses in self.steps]

    def series(self):
        """``{series: [[step, value], ...]}`` (what a baseline stores)."""
        by_series = {}
        for step, losses in self.steps:
            for name, value in losses.items():
                by_series.setdefault(name, []).append([step, value])
        return by_series


def events(path):
    """The complete events of the record at ``path``, as dicts, and the count of incomplete lines.

    Returns:
      ``(events, partial_lines)``; ``([], 0)`` when the file does not exist (the run never started recording).
    """
    path = Path(path)
    if not path.exists():
        return [], 0
    parsed, partial = [], 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:  # a run killed mid-line: keep what was complete
            partial += 1
            continue
        if isinstance(event, dict):
            parsed.append(event)
        else:
            partial += 1
    return parsed, partial


def read(path):
    """Parse the record at ``path`` into a :class:`Record` (an empty one when there is no file)."""
    parsed, partial = events(path)
    record = Record(partial_lines=partial)
    for event in parsed:
        if "step" in event and "losses" in event:
            record.steps.append((int(event["step"]), {k: float(v) for k, v in event["losses"].items()}))
        elif "checkpoint" in event:
            record.checkpoints.append(event["checkpoint"])
        elif "shapes" in event:
            record.shapes = event["shapes"]
        elif "variables" in event:
            record.variables = event["variables"]
        elif "end" in event:
            record.end = event["end"]
    return record
