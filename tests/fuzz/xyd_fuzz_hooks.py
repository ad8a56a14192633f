"""Schemathesis hooks for the schema fuzz (tests/e2e/fuzz.rs): what a server fault is, and how to draw arguments.

Loaded by `schemathesis run` through SCHEMATHESIS_HOOKS=xyd_fuzz_hooks (tests/fuzz on PYTHONPATH).

A fault is an HTTP 5xx or any GraphQL error whose `extensions.code` is INTERNAL. Everything else the server
answers is a verdict on the request, and fine here: BAD_USER_INPUT for a malformed scalar, FORBIDDEN for a role,
RATE_LIMITED after too many logins, QUERY_TOO_EXPENSIVE for a selection over the cost budget.

Arguments: every scalar of the schema draws from a mix of values the server accepts (so operations get past
validation to real code paths: the seeded world's IDs, codes and names from XYD_FUZZ_SEEDS) and values it must
refuse cleanly (IDs that are not UUIDs, malformed Money/Rate/Date/DateTime, integers beyond 32 bits, extreme
floats, NUL bytes, right-to-left marks, very long text). Schemathesis's negative mode adds literals of the wrong
kind. An input object rarely comes out valid as a whole by chance, so for the arguments the seeds give a valid
value of (`inputs`: "Mutation.createProduct" → {"input": {…}}), most drawn queries keep that valid value with a
few of its fields replaced by drawn ones: one bad field behind otherwise good input reaches the code past
validation. `Upload` can only be a literal here (no multipart), which the server must refuse as input.
"""

from __future__ import annotations

import json
import os

import graphql
import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes


def _seeds() -> dict:
    path = os.environ.get("XYD_FUZZ_SEEDS")
    if not path:
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


SEEDS = _seeds()


@schemathesis.check
def no_server_fault(ctx, response, case):
    """No 5xx, and no GraphQL error classified INTERNAL."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"HTTP {response.status_code} with a body that is not JSON: {response.text[:500]}")
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        if isinstance(extensions, dict) and extensions.get("code") == "INTERNAL":
            raise AssertionError(f"INTERNAL at {error.get('path')}: {error.get('message')}")


# Text a client could send: any Unicode (NUL included), and the awkward cases picked out.
ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u202e\u0644\u0627",  # right-to-left override, Arabic
        "\ufeff",
        "\U0001f4b0" * 3,
        "e\u0301" * 50,
        "\uffff",
        "'; DROP TABLE subjects; --",
        "%00%27",
        "../../etc/passwd",
        "\u96f7\u5dde\u5e02" * 400,  # 雷州市, long
        "x" * 10_000,
    ]
)
ANY_TEXT = st.one_of(st.text(max_size=64), ODD_TEXT)
SEEDED_STRINGS = st.sampled_from(SEEDS.get("strings") or ["440882"])
SEEDED_IDS = st.sampled_from(SEEDS.get("ids") or ["00000000-0000-0000-0000-000000000000"])

NOT_UUIDS = st.one_of(
    st.sampled_from(["1", "-1", "0", "null", "undefined", "{}", "00000000-0000-0000-0000-00000000000g"]),
    st.uuids().map(lambda u: str(u).upper().replace("-", "")),
    st.uuids().map(lambda u: f"{{{u}}}"),
    st.uuids().map(lambda u: str(u)[:-1]),
)
ID = st.one_of(
    SEEDED_IDS.map(nodes.String),
    st.uuids().map(str).map(nodes.String),
    NOT_UUIDS.map(nodes.String),
    ANY_TEXT.map(nodes.String),
    st.integers().map(nodes.Int),
)

INT = st.one_of(
    st.integers(min_value=-2, max_value=120),
    st.integers(min_value=-(2**31), max_value=2**31 - 1),
    st.sampled_from([2**31 - 1, -(2**31), 2**31, 2**53, 10**30, -(10**30)]),
).map(nodes.Int)

STRING = st.one_of(SEEDED_STRINGS, ANY_TEXT, st.emails()).map(nodes.String)


def _decimal_text(max_integer_digits: int) -> st.SearchStrategy[str]:
    valid = st.from_regex(rf"\A\d{{1,{max_integer_digits}}}(\.\d{{1,2}})?\Z")
    malformed = st.one_of(
        st.sampled_from(
            ["", "-1.00", "1.005", "1e3", "NaN", "Infinity", "0x10", "1,000.00", "\uff11\uff10", "+1", ".5", "1."]
        ),
        st.from_regex(r"\A-?\d{1,40}(\.\d{0,6})?\Z"),
        ANY_TEXT,
    )
    return st.one_of(valid, malformed)


MONEY = _decimal_text(12)
RATE = _decimal_text(3)
DATE = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2026-02-30", "2026-13-01", "0000-00-00", "20260101", "2026-1-1", "99999-01-01", "-0001-01-01"]),
    ANY_TEXT,
)
DATE_TIME = st.one_of(
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.sampled_from(["2026-01-01T25:00:00Z", "2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00:00+99:00",
                     "+262143-12-31T23:59:59Z", "-262143-01-01T00:00:00Z", "1970-01-01T00:00:00.9999999999Z"]),
    ANY_TEXT,
)

FLOAT = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 2.0**63, 1e20]),
).map(nodes.Float)

schemathesis.graphql.scalar("ID", ID)
schemathesis.graphql.scalar("Float", FLOAT)
schemathesis.graphql.scalar("Int", INT)
schemathesis.graphql.scalar("String", STRING)
schemathesis.graphql.scalar("Money", st.one_of(MONEY.map(nodes.String), INT))
schemathesis.graphql.scalar("Rate", st.one_of(RATE.map(nodes.String), INT))
schemathesis.graphql.scalar("Date", DATE.map(nodes.String))
schemathesis.graphql.scalar("DateTime", DATE_TIME.map(nodes.String))
schemathesis.graphql.scalar("Upload", st.one_of(ANY_TEXT.map(nodes.String), INT))


def _valid_arguments(operation) -> dict[str, graphql.ValueNode]:
    """The seeds' valid value of each argument of `operation`, as literals of the argument's type."""
    given = (SEEDS.get("inputs") or {}).get(operation.label) or {}
    if not given:
        return {}
    schema = operation.schema.client_schema
    root_name, _, field_name = operation.label.partition(".")
    root = schema.mutation_type if root_name == "Mutation" else schema.query_type
    field = root.fields[field_name]
    literals = {}
    for name, value in given.items():
        literal = graphql.utilities.ast_from_value(value, field.args[name].type)
        if literal is not None:
            literals[name] = literal
    return literals


def _blend(valid: graphql.ValueNode, drawn: graphql.ValueNode, rnd) -> graphql.ValueNode:
    """The valid input object with about a quarter of its fields, and some optional ones, taken from the draw."""
    if not isinstance(valid, graphql.ObjectValueNode) or not isinstance(drawn, graphql.ObjectValueNode):
        return drawn if rnd.random() < 0.25 else valid
    drawn_fields = {f.name.value: f for f in drawn.fields}
    fields = [
        drawn_fields[f.name.value] if f.name.value in drawn_fields and rnd.random() < 0.25 else f for f in valid.fields
    ]
    valid_names = {f.name.value for f in valid.fields}
    fields += [f for name, f in drawn_fields.items() if name not in valid_names and rnd.random() < 0.5]
    return graphql.ObjectValueNode(fields=tuple(fields))


@schemathesis.hook
def flatmap_body(context, body):
    operation = context.operation
    valid = _valid_arguments(operation) if operation is not None else {}
    if not valid:
        return st.just(body)

    def blend(rnd):
        if rnd.random() < 0.2:
            return body  # now and then the draw as it is
        definitions = []
        for definition in body.definitions:
            if isinstance(definition, graphql.OperationDefinitionNode):
                selections = []
                for selection in definition.selection_set.selections:
                    if isinstance(selection, graphql.FieldNode):
                        arguments = {a.name.value: a for a in selection.arguments}
                        for name, literal in valid.items():
                            drawn = arguments[name].value if name in arguments else graphql.NullValueNode()
                            arguments[name] = graphql.ArgumentNode(
                                name=graphql.NameNode(value=name), value=_blend(literal, drawn, rnd)
                            )
                        selection = graphql.FieldNode(
                            alias=selection.alias,
                            name=selection.name,
                            arguments=tuple(arguments.values()),
                            directives=selection.directives,
                            selection_set=selection.selection_set,
                        )
                    selections.append(selection)
                definition = graphql.OperationDefinitionNode(
                    operation=definition.operation,
                    name=definition.name,
                    variable_definitions=definition.variable_definitions,
                    directives=definition.directives,
                    selection_set=graphql.SelectionSetNode(selections=tuple(selections)),
                )
            definitions.append(definition)
        return graphql.DocumentNode(definitions=tuple(definitions))

    return st.randoms(use_true_random=False).map(blend)
