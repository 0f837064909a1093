"""``tf.contrib.training.HParams`` and ``parse_values`` of TF 1.15, written from their documented behaviour.

A hyperparameter keeps the type of the value it was created with (a list keeps its first element's type, and stays a
list). ``set_hparam``, ``parse`` and ``override_from_dict`` cast new values to that type, refusing casts TF1 refused:
nothing becomes a ``str`` unless it is one, no bool <-> number, no float -> int, no non-number -> number.
``parse("a=1,b=[2,3],c=x")`` reads comma-separated assignments; bools parse ``true``/``True``/``false``/``False`` or an
integer. Plain attribute assignment (``hparams.lr = 0.1``) is not checked, as in TF1. The ``hparam_def`` protocol
buffer form is not served.
"""
import json
import numbers
import re

# name[index] = value | name = [v1, v2 ...], separated by commas
_ASSIGNMENT = re.compile(r"""
    (?P<name>[a-zA-Z][\w.]*)
    (\[\s*(?P<index>\d+)\s*\])?
    \s*=\s*
    ((?P<val>[^,\[]*) | \[(?P<vals>[^\]]*)\])
    ($|,\s*)""", re.VERBOSE)


def _parse_fail(name, var_type, value, values):
    raise ValueError(f"Could not parse hparam '{name}' of type '{var_type.__name__}' with value '{value}' in {values}")


def _reuse_fail(name, values):
    raise ValueError(f"Multiple assignments to variable '{name}' in {values}")


def _bool_parser(name, values):
    def parse(text):
        if text in ("true", "True"):
            return True
        if text in ("false", "False"):
            return False
        try:
            return bool(int(text))
        except ValueError:
            _parse_fail(name, bool, text, values)

    return parse


def parse_values(values, type_map, ignore_unknown=False):
    """Parse ``"name=value,name=[v1,v2],name[i]=value"`` into a dict of typed values.

    Args:
      values: the string to parse.
      type_map: hyperparameter name -> the Python type its values parse to.
      ignore_unknown: skip names not in ``type_map`` instead of raising.

    Returns:
      name -> value, a list for ``[...]`` values, a dict index -> value for ``name[i]=`` assignments.

    Raises:
      ValueError: on malformed text, an unknown name, a value its type cannot parse, or a name assigned twice.
    """
    result = {}
    pos = 0
    while pos < len(values):
        match = _ASSIGNMENT.match(values, pos)
        if not match:
            raise ValueError(f"Malformed hyperparameter value: {values[pos:]}")
        pos = match.end()
        name, index, val, vals = match.group("name", "index", "val", "vals")
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        var_type = type_map[name]
        parse = _bool_parser(name, values) if var_type == bool else var_type
        if val is not None:
            try:
                parsed = parse(val)
            except ValueError:
                _parse_fail(name, var_type, val, values)
            if index is None:
                if name in result:
                    _reuse_fail(name, values)
                result[name] = parsed
            else:
                slots = result.setdefault(name, {})
                if not isinstance(slots, dict):
                    _reuse_fail(name, values)
                if int(index) in slots:
                    _reuse_fail(f"{name}[{index}]", values)
                slots[int(index)] = parsed
        elif vals is not None:
            if index is not None:
                raise ValueError("Assignment of a list to a list index.")
            if name in result:
                _reuse_fail(name, values)
            try:
                result[name] = [parse(element) for element in re.split("[ ,]", vals) if element]
            except ValueError:
                _parse_fail(name, var_type, vals, values)
        else:
            _parse_fail(name, var_type, "", values)
    return result


def _cast(name, param_type, value):
    """``value`` as ``param_type``, refusing the casts TF1 refused (see the module docstring)."""
    if type(value) == param_type or issubclass(param_type, type(None)):
        return value
    refused = (
        (issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)))
        or issubclass(param_type, bool) != isinstance(value, bool)
        or (issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral))
        or (issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number))
    )
    if refused:
        raise ValueError(f"Could not cast hparam '{name}' of type '{param_type}' from value {value!r}")
    return param_type(value)


class HParams:
    """A set of named hyperparameters, each an attribute (``hparams.learning_rate``) with a fixed type.

    Args:
      hparam_def: not served (the HParamDef protocol buffer); must be None.
      model_structure: any object, kept for ``get_model_structure``.
      **kwargs: the hyperparameters and their initial values (a list value makes a multi-valued one).

    Raises:
      ValueError: for an empty list value or a name that is already an attribute (``values``, ``parse`` ...).
    """

    def __init__(self, hparam_def=None, model_structure=None, **kwargs):
        if hparam_def is not None:
            raise ValueError("HParams(hparam_def=...) is not served by the compat runtime: pass the values as "
                             "keyword arguments")
        self._hparam_types = {}
        self._model_structure = model_structure
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name, value):
        """Add hyperparameter ``name`` with ``value``; its type (and list-ness) is fixed from ``value``."""
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        """Set an existing hyperparameter, cast to its type. Raises KeyError for an unknown name and ValueError for
        a list given to a single-valued one (or the reverse) or a refused cast."""
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast(name, param_type, v) for v in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast(name, param_type, value))

    def del_hparam(self, name):
        """Remove hyperparameter ``name`` if it exists."""
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values):
        """Override hyperparameters from ``"a=1,b=[2,3]"`` text (see ``parse_values``); returns self."""
        type_map = {name: param_type for name, (param_type, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict):
        """``set_hparam`` for each item of ``values_dict``; returns self."""
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_model_structure(self, model_structure):
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys=False):
        """The hyperparameters as a JSON object; callables inside dicts and lists are left out."""
        def without_callables(obj):
            if isinstance(obj, dict):
                return {k: without_callables(v) for k, v in obj.items() if not callable(v)}
            if isinstance(obj, list):
                return [without_callables(v) for v in obj if not callable(v)]
            raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

        return json.dumps(self.values(), indent=indent, separators=separators, sort_keys=sort_keys,
                          default=without_callables)

    def parse_json(self, values_json):
        """Override hyperparameters from a JSON object's items (cast as by ``set_hparam``); returns self."""
        return self.override_from_dict(json.loads(values_json))

    def values(self):
        """A dict name -> current value of every hyperparameter."""
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key, default=None):
        """The value of ``key``, else ``default``. A ``default`` that the hyperparameter's type would refuse
        raises ValueError, as in TF1."""
        if key not in self._hparam_types:
            return default
        if default is not None:
            param_type, is_list = self._hparam_types[key]
            type_str = f"list<{param_type}>" if is_list else str(param_type)
            fail = f"Hparam '{key}' of type '{type_str}' is incompatible with default={default}"
            if is_list != isinstance(default, list):
                raise ValueError(fail)
            try:
                for value in default if is_list else [default]:
                    _cast(key, param_type, value)
            except ValueError as error:
                raise ValueError(f"{fail}. {error}") from None
        return getattr(self, key)

    def __contains__(self, key):
        return key in self._hparam_types

    def __str__(self):
        return str(sorted(self.values().items()))

    def __repr__(self):
        return f"{type(self).__name__}({self})"
