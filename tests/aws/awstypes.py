"""What an `aws` command prints, as types: botocore's output shape, narrowed by the command's `--query`.

A command's output is the operation's output shape (botocore's model, the one the AWS CLI reads)
with `--query` applied to it. `query_type()` applies the query to the shape itself, not to a value:
a jmespath expression is walked node by node, each step on a type (`Reservations[0]` of a
structure whose member Reservations is a list gives that list's member shape, `length(...)` an
integer, `` `instance` `` the literal). A member the shape lacks is a problem named with the
member, the shape and the members it has. The result says what each printed value must look like.

How a value prints (`token_problem()`) is the AWS CLI version 2's way, which the reader runs:
text and table print Python's `str()` of the parsed value (`True`, `None`, `80.0` for a Double,
`80` for an Integer), JSON prints JSON (`true`, `null`, `80.0`), and a Timestamp is ISO 8601
(version 2's default `cli_timestamp_format`; version 1 printed what the service sent). A value
can always be None: a member may be absent, an index may find nothing.

Plain botocore and jmespath: the check's environment (`nox -s check`) and the emulator's have both.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import jmespath


# -- Types ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Type:
    """What a query's result, or a part of it, may be."""


@dataclass(frozen=True)
class Shape(Type):
    """A value of a botocore shape (`shape`), reached by `path` (for messages)."""

    shape: object = field(compare=False)
    path: str = ""

    @property
    def kind(self) -> str:
        return self.shape.type_name

    def __repr__(self) -> str:
        return f"{self.path or self.shape.name} ({self.shape.type_name.capitalize()})"


@dataclass(frozen=True)
class Literal(Type):
    value: object = None


@dataclass(frozen=True)
class Scalar(Type):
    """A scalar a function makes: `integer` (length), `string` (join), `boolean`, or `any`."""

    kind: str = "any"


@dataclass(frozen=True)
class Array(Type):
    """A list of any length (a projection's result), whose elements are never null."""

    element: Type = Scalar()


@dataclass(frozen=True)
class Tuple(Type):
    """A multi-select list, `[A, B]`: exactly these items, each possibly null."""

    items: tuple[Type, ...] = ()


@dataclass(frozen=True)
class Object(Type):
    """A multi-select hash, `{a: A, b: B}`: exactly these keys, in this order."""

    items: tuple[tuple[str, Type], ...] = ()


@dataclass(frozen=True)
class Union(Type):
    """`A || B`: either."""

    options: tuple[Type, ...] = ()


NULL = Literal(None)
ANY = Scalar("any")
SCALAR_SHAPES = {"string", "integer", "long", "double", "float", "boolean", "timestamp", "blob"}


def union(*types: Type) -> Type:
    flat: list[Type] = []
    for t in types:
        for option in t.options if isinstance(t, Union) else (t,):
            if option not in flat:
                flat.append(option)
    return flat[0] if len(flat) == 1 else Union(tuple(flat))


def element_of(t: Type) -> Type | None:
    """The element type of a list type; None when `t` is not a list."""
    if isinstance(t, Shape) and t.kind == "list":
        return Shape(t.shape.member, f"{t.path}[]")
    if isinstance(t, Array):
        return t.element
    if isinstance(t, Tuple):
        return union(*t.items) if t.items else NULL
    if isinstance(t, Union):
        found = [e for e in (element_of(o) for o in t.options) if e is not None]
        return union(*found) if found else None
    if t == ANY:
        return ANY
    if isinstance(t, Literal) and isinstance(t.value, list):
        return union(*(Literal(v) for v in t.value)) if t.value else NULL
    return None


def kind_of(t: Type) -> set[str]:
    """What a value of `t` may be when printed: "scalar", "list" or "dict" (None is a scalar)."""
    if isinstance(t, Shape):
        return {"list"} if t.kind == "list" else {"dict"} if t.kind in ("structure", "map") else {"scalar"}
    if isinstance(t, (Array, Tuple)):
        return {"list"}
    if isinstance(t, Object):
        return {"dict"}
    if isinstance(t, Union):
        return set().union(*(kind_of(o) for o in t.options))
    if isinstance(t, Literal):
        return {"list"} if isinstance(t.value, list) else {"dict"} if isinstance(t.value, dict) else {"scalar"}
    return {"scalar"}


# -- The query, applied to the shape -----------------------------------------------------------

class QueryError(ValueError):
    """A query that names what the shape lacks, or that jmespath cannot read."""


def query_type(output_shape, query: str | None) -> tuple[Type, list[str]]:
    """The type of `query` applied to an output shape, and the problems found on the way."""
    root = Shape(output_shape, output_shape.name) if output_shape is not None else Object(())
    if not query:
        return root, []
    try:
        with warnings.catch_warnings():  # `Name` for `"Name"`: deprecated, still read by every AWS CLI
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            parsed = jmespath.compile(query).parsed
    except jmespath.exceptions.JMESPathError as e:
        raise QueryError(f"jmespath cannot read --query {query!r}: {e}") from None
    problems: list[str] = []
    return _eval(parsed, root, problems), problems


def _field(t: Type, name: str, problems: list[str]) -> Type:
    if isinstance(t, Shape):
        if t.kind == "structure":
            if name in t.shape.members:
                return Shape(t.shape.members[name], f"{t.path}.{name}".lstrip("."))
            problems.append(f"`{name}` is not a member of {shape_name(t)}; its members are "
                            f"{', '.join(t.shape.members) or 'none'}")
            return ANY
        if t.kind == "map":
            return Shape(t.shape.value, f"{t.path}.{name}")
        return NULL
    if isinstance(t, Object):
        return dict(t.items).get(name, NULL)
    if isinstance(t, Union):
        found = [o for o in t.options if isinstance(o, Shape) and o.kind == "structure" and name in o.shape.members]
        if not found and any(isinstance(o, Shape) and o.kind == "structure" for o in t.options):
            _field(next(o for o in t.options if isinstance(o, Shape) and o.kind == "structure"), name, problems)
        return union(*(_field(o, name, []) for o in t.options))
    if t == ANY:
        return ANY
    if isinstance(t, Literal) and isinstance(t.value, dict):
        return Literal(t.value.get(name))
    return NULL


def shape_name(t: Shape) -> str:
    """A structure as a message names it: its shape, and the path that reached it."""
    return t.shape.name if t.path in ("", t.shape.name) else f"{t.shape.name} ({t.path})"


def _projection(left: Type, right: dict, problems: list[str], condition: dict | None = None) -> Type:
    element = element_of(left)
    if element is None:
        return NULL
    if condition is not None:
        _eval(condition, element, problems)
    return Array(_eval(right, element, problems))


FUNCTIONS = {  # jmespath's functions whose result type does not depend on their arguments
    "length": Scalar("integer"), "join": Scalar("string"), "to_string": Scalar("string"),
    "starts_with": Scalar("boolean"), "ends_with": Scalar("boolean"), "contains": Scalar("boolean"),
    "type": Scalar("string"), "to_number": Scalar("any"), "abs": Scalar("any"), "sum": Scalar("any"),
    "avg": Scalar("any"), "ceil": Scalar("integer"), "floor": Scalar("integer"), "keys": Array(Scalar("string")),
}


def _eval(node: dict, t: Type, problems: list[str]) -> Type:
    kind, children = node["type"], node.get("children", [])
    if kind == "field":
        return _field(t, node["value"], problems)
    if kind in ("identity", "current"):
        return t
    if kind == "literal":
        return Literal(node["value"])
    if kind in ("subexpression", "pipe", "index_expression"):  # each child applied to the one before's result
        for child in children:
            t = _eval(child, t, problems)
        return t
    if kind == "index":
        element = element_of(t)
        return NULL if element is None else element
    if kind == "slice":
        element = element_of(t)
        return NULL if element is None else Array(element)
    if kind == "flatten":
        inner = _eval(children[0], t, problems)
        element = element_of(inner)
        if element is None:
            return NULL
        nested = element_of(element)
        return Array(union(nested, element) if nested is not None and kind_of(element) != {"list"} else nested or element)
    if kind == "projection":
        return _projection(_eval(children[0], t, problems), children[1], problems)
    if kind == "value_projection":
        left = _eval(children[0], t, problems)
        if isinstance(left, Shape) and left.kind == "structure":
            values = union(*(Shape(s, f"{left.path}.{n}") for n, s in left.shape.members.items()))
        elif isinstance(left, Shape) and left.kind == "map":
            values = Shape(left.shape.value, f"{left.path}.*")
        else:
            values = ANY
        return Array(_eval(children[1], values, problems))
    if kind == "filter_projection":
        return _projection(_eval(children[0], t, problems), children[1], problems, condition=children[2])
    if kind in ("comparator", "not_expression", "and_expression"):
        results = [_eval(c, t, problems) for c in children]
        return Scalar("boolean") if kind != "and_expression" else union(*results)
    if kind == "or_expression":
        return union(*(_eval(c, t, problems) for c in children))
    if kind == "multi_select_list":
        return Tuple(tuple(_eval(c, t, problems) for c in children))
    if kind == "multi_select_dict":
        return Object(tuple((c["value"], _eval(c["children"][0], t, problems)) for c in children))
    if kind == "expref":
        return Scalar("any")
    if kind == "function_expression":
        name = node["value"]
        args = [c for c in children]
        if name in ("sort_by", "max_by", "min_by", "map", "reverse", "sort"):
            listed = [a for a in args if a["type"] != "expref"]
            target = _eval(listed[-1] if name == "map" else listed[0], t, problems)
            element = element_of(target)
            for a in args:
                if a["type"] == "expref" and element is not None:
                    _eval(a["children"][0], element, problems)
            if name in ("max_by", "min_by"):
                return element if element is not None else NULL
            if name == "map":
                expression = next(a for a in args if a["type"] == "expref")["children"][0]
                return Array(_eval(expression, element, [])) if element is not None else NULL
            return target
        for a in args:
            if a["type"] != "expref":
                _eval(a, t, problems)
        if name in ("max", "min"):
            element = element_of(_eval(args[0], t, []))
            return element if element is not None else NULL
        if name == "not_null":
            return union(*(_eval(a, t, []) for a in args))
        if name in ("to_array",):
            return Array(_eval(args[0], t, []))
        if name in ("merge", "values"):
            return ANY
        return FUNCTIONS.get(name, ANY)
    raise QueryError(f"the check does not know jmespath's {kind!r}: add it to _eval in tests/aws/awstypes.py")


# -- How one printed value must look ------------------------------------------------------------

# AWS CLI version 2 prints a Timestamp as Python's isoformat() of the parsed time: `+00:00`, never `Z`.
ISO_8601 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?[+-]\d{2}:\d{2}")
INTEGER = re.compile(r"-?\d+")
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|-?inf|nan")
TEXT_TRUE = {"True", "False"}


def describe(t: Type) -> str:
    """A type as a failure message names it."""
    if isinstance(t, Shape):
        return repr(t)
    if isinstance(t, Literal):
        return "None" if t.value is None else repr(t.value)
    if isinstance(t, Scalar):
        return {"integer": "a number", "string": "a string", "boolean": "True or False"}.get(t.kind, "anything")
    if isinstance(t, Union):
        return " or ".join(describe(o) for o in t.options)
    if isinstance(t, Array):
        return f"a list of {describe(t.element)}"
    if isinstance(t, Tuple):
        return "[" + ", ".join(describe(i) for i in t.items) + "]"
    if isinstance(t, Object):
        return "{" + ", ".join(f"{k}: {describe(v)}" for k, v in t.items) + "}"
    return "anything"


def scalar_problem(token: str, t: Type, json: bool = False, raw: str | None = None) -> tuple[bool, str | None]:
    """Whether a printed value (`token`: text as printed; in JSON, `raw` is its JSON text) can be a
    value of `t` at all (loose), and what AWS CLI version 2 would print differently (strict), or None."""
    if isinstance(t, Union):
        results = [scalar_problem(token, o, json, raw) for o in t.options]
        if any(ok and not problem for ok, problem in results):
            return True, None
        loose = [r for r in results if r[0]]
        return (True, loose[0][1]) if loose else (False, None)
    if (raw if json else token) == ("null" if json else "None"):  # an absent member, or nothing found
        return (t.value is None) if isinstance(t, Literal) else True, None
    if isinstance(t, Literal):
        expected = _printed(t.value, json)
        return (raw if json else token) == expected, None
    if isinstance(t, Scalar):
        if t.kind == "integer":
            return bool(INTEGER.fullmatch(raw if json else token)), None
        if t.kind == "boolean":
            return (raw in ("true", "false")) if json else token in TEXT_TRUE, None
        return True, None
    if not isinstance(t, Shape) or t.kind not in SCALAR_SHAPES:
        return False, None
    value = raw if json else token
    kind = t.kind
    if kind in ("integer", "long"):
        if INTEGER.fullmatch(value):
            return True, None
        if NUMBER.fullmatch(value):
            return True, f"{t!r} is an integer: AWS prints whole numbers without a decimal point, not `{value}`"
        return False, None
    if kind in ("double", "float"):
        if not NUMBER.fullmatch(value):
            return False, None
        if INTEGER.fullmatch(value):
            return True, (f"{t!r} is a {kind.capitalize()}: AWS prints it with its decimal point "
                          f"(`{value}.0`), not `{value}`")
        return True, None
    if kind == "boolean":
        return (value in ("true", "false")) if json else value in TEXT_TRUE, None
    if json and not (raw or "").startswith('"'):
        if kind == "string" and NUMBER.fullmatch(value):
            return True, f"{t!r} is a string: AWS prints it quoted in JSON (`\"{value}\"`), not `{value}`"
        if kind == "timestamp" and NUMBER.fullmatch(value):
            return True, (f"{t!r} is a Timestamp: AWS CLI version 2 prints it in ISO 8601 "
                          f"(`2026-01-01T00:00:00+00:00`), not as `{value}`")
        return False, None
    if kind == "timestamp":
        if ISO_8601.fullmatch(token):
            return True, None
        return True, (f"{t!r} is a Timestamp: AWS CLI version 2 prints it in ISO 8601 "
                      f"(`2026-01-01T00:00:00+00:00`), not as `{token}`")
    if kind == "string" and t.shape.enum and token not in t.shape.enum:
        return True, f"{t!r} is one of {', '.join(t.shape.enum)}: AWS never prints `{token}`"
    return True, None


def _printed(value: object, json: bool) -> str:
    if json:
        import json as _json

        return _json.dumps(value)
    return str(value)
