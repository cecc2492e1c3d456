"""Strict validators for request bodies, from a vendored copy of the OpenSearch API specification.

The specification (tests/unit/schemas/opensearch-api-spec, see its README.md) is OpenAPI 3.1
split over files that `$ref` each other by relative path (`../schemas/_common.yaml#/components/
...`). Each file is registered under its own file URI, so those references resolve as in the
upstream repository, and bodies are checked with JSON Schema Draft 2020-12, the dialect of
OpenAPI 3.1.

Read literally, the spec is both too loose (its objects are open, so a misspelled query type or
search key passes) and, in a few places, wrong under strict JSON Schema (valid bodies fail). The
`_quirk_*` functions rewrite the loaded documents once, before any validator is built; each says
what it changes and why. Nothing is skipped: every body is checked against its operation's schema.

Keywords that need no rewrite: `x-*` extensions (`x-version-added`, `x-protobuf-*`, ...) and
`format` (`int32`, `float`) are annotations that JSON Schema validators ignore, and
`deprecated`/`description`/`title` beside a `$ref` are legal in 2020-12.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SPEC_ROOT = Path(__file__).parent / "schemas" / "opensearch-api-spec"
SPEC_DIR = SPEC_ROOT / "spec"
NAMESPACES = ("namespaces/_core.yaml", "namespaces/indices.yaml")

Schema = dict[str, Any]
Docs = dict[str, Schema]

# Applicators that apply a subschema to the same instance (their annotations are visible to
# `unevaluatedProperties`), and those that apply one to a member value.
_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_ONE = ("if", "then", "else")
_VALUE_MAPS = ("properties", "patternProperties")
_VALUE_ONE = ("additionalProperties", "unevaluatedProperties", "items", "contains")
_VALUE_LISTS = ("prefixItems",)
# Keywords that make the keys an object accepts depend on the instance, or leave them open.
_CONDITIONAL = ("anyOf", "oneOf", "if", "then", "else", "dependentSchemas")
_OPENING = ("additionalProperties", "patternProperties", "unevaluatedProperties")

OWN_PROPERTY_COUNT = "x-own-property-count"
"""Loader-made keyword: min/max number of an object's keys, not counting the listed ones."""


class SpecViolation(AssertionError):
    """A request body the OpenSearch API specification rejects."""


# --- reading the documents ---------------------------------------------------------------------


def _load_docs(spec_dir: Path) -> Docs:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return {
        path.relative_to(spec_dir).as_posix(): yaml.load(path.read_text(), Loader=loader)
        for path in sorted(spec_dir.rglob("*.yaml"))
    }


def _split_ref(ref: str, rel: str) -> tuple[str, str]:
    """(file, JSON pointer) a `$ref` written in file `rel` points at."""
    target, _, pointer = ref.partition("#")
    if target:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
    return target or rel, pointer


def _at(doc: Any, pointer: str) -> Any:
    for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
        key = part.replace("~1", "/").replace("~0", "~")
        doc = doc[int(key)] if isinstance(doc, list) else doc[key]
    return doc


def _deref(docs: Docs, ref: str, rel: str) -> tuple[Schema, str]:
    target, pointer = _split_ref(ref, rel)
    if target not in docs:
        raise KeyError(f"{rel}: $ref {ref!r} needs {target}, which is not in the copied spec")
    schema: Schema = _at(docs[target], pointer)
    return schema, target


def _request_body_schemas(doc: Schema) -> Iterator[Schema]:
    for body in doc.get("components", {}).get("requestBodies", {}).values():
        for media in body.get("content", {}).values():
            if "schema" in media:
                yield media["schema"]


def _children(schema: Schema) -> Iterator[tuple[Schema, bool]]:
    """Direct subschemas, each with whether it applies to a member value (not in place)."""
    for key in _IN_PLACE_LISTS:
        for sub in schema.get(key, []):
            yield sub, False
    for key in (*_IN_PLACE_ONE, "not"):
        if isinstance(schema.get(key), dict):
            yield schema[key], False
    for key in _VALUE_MAPS:
        for sub in schema.get(key, {}).values():
            if isinstance(sub, dict):
                yield sub, True
    for key in (*_VALUE_ONE, "propertyNames"):
        if isinstance(schema.get(key), dict):
            yield schema[key], True
    for key in _VALUE_LISTS:
        for sub in schema.get(key, []):
            yield sub, True


def _walk(docs: Docs) -> Iterator[tuple[Schema, str, bool]]:
    """Every schema node of every document: (node, file, applies to a whole value)."""
    for rel, doc in docs.items():
        components = doc.get("components", {})
        stack = [(s, False) for s in components.get("schemas", {}).values()]
        stack += [(s, True) for s in _request_body_schemas(doc)]
        while stack:
            node, is_value = stack.pop()
            yield node, rel, is_value
            stack.extend(_children(node))


def _in_place(
    docs: Docs,
    schema: Schema,
    rel: str,
    skip_one_of: int | None = None,
    skip_closed: bool = False,
) -> Iterator[tuple[Schema, str]]:
    """The schema and everything applied in place to the same instance, across `$ref`s.

    Leaves out the `oneOf` alternatives of the node with id `skip_one_of`, and with
    `skip_closed` those of every `oneOf` whose alternatives are closed already.
    """
    seen: set[int] = set()
    stack = [(schema, rel)]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node, where
        # Other operations' bodies reach files that were not copied: leave those alone here;
        # validating such a body fails loudly on the unresolvable `$ref`.
        if isinstance(node.get("$ref"), str) and _split_ref(node["$ref"], where)[0] in docs:
            stack.append(_deref(docs, node["$ref"], where))
        for key in _IN_PLACE_LISTS:
            skip = id(node) == skip_one_of or (skip_closed and CLOSED_ALTERNATIVES in node)
            if not (key == "oneOf" and skip):
                stack += [(sub, where) for sub in node.get(key, [])]
        for key in _IN_PLACE_ONE:
            if isinstance(node.get(key), dict):
                stack.append((node[key], where))


def _declared_names(docs: Docs, schema: Schema, rel: str) -> set[str]:
    return {name for node, _ in _in_place(docs, schema, rel) for name in node.get("properties", {})}


# --- quirks ------------------------------------------------------------------------------------


def _quirk_nullable(docs: Docs) -> None:
    """OpenAPI 3.0 `nullable: true` left in a 3.1 document becomes `type: [T, "null"]`.

    3.1 dropped `nullable` (it is an unknown, ignored keyword in JSON Schema), so a schema that
    says `type: string, nullable: true` would reject the null it means to allow. None of the files
    we copy use it today (flow_framework does); an update of the copy must not bring it back in.
    """
    for node, _, _ in _walk(docs):
        if node.pop("nullable", False) is True and "type" in node:
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            node["type"] = [*types, "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]


def _discriminator_values(docs: Docs, branch: Schema, rel: str, name: str) -> list[Any]:
    for node, _ in _in_place(docs, branch, rel):
        field = node.get("properties", {}).get(name, {})
        if "const" in field:
            return [field["const"]]
        if "enum" in field:
            return list(field["enum"])
    raise ValueError(f"{rel}: discriminator branch {branch} fixes no value of {name!r}")


def _quirk_discriminator(docs: Docs) -> None:
    """`discriminator` + `oneOf` becomes an explicit dispatch on the discriminating property.

    OpenAPI picks the schema of a mapping field (`Property`, 47 alternatives), an analyzer or a
    token filter by its `type`, or by `x-default` when it is absent (an object field). JSON
    Schema ignores `discriminator` and tries every alternative; that gives the right verdict only
    because every alternative but `ObjectProperty` requires its own `type` value, and a wrong
    option (`{"type": "keyword", "analyzer": ...}`) is reported as "not valid under any of the
    given schemas", naming nothing. Rewritten as: the `type` must be one of the alternatives'
    values (or absent, given an `x-default`) and that value's alternative applies (`if`/`then`),
    so the error names the offending key, and each field is checked once, not 47 times.
    """
    for node, rel, _ in list(_walk(docs)):
        if "discriminator" not in node or "oneOf" not in node:
            continue
        discriminator = node.pop("discriminator")
        name = discriminator["propertyName"]
        mapping = {target: value for value, target in discriminator.get("mapping", {}).items()}
        by_value: dict[Any, Schema] = {}
        for branch in node.pop("oneOf"):
            target, where = _deref(docs, branch["$ref"], rel)
            values = [mapping[branch["$ref"]]] if branch["$ref"] in mapping else None
            for value in values or _discriminator_values(docs, target, where, name):
                if value in by_value:
                    raise ValueError(f"{rel}: two branches for {name}={value!r}")
                by_value[value] = branch
        cases: list[Schema] = [
            {"if": {"properties": {name: {"const": v}}, "required": [name]}, "then": branch}
            for v, branch in by_value.items()
        ]
        default = discriminator.get("x-default")
        if default is not None:
            cases.append({"if": {"not": {"required": [name]}}, "then": by_value[default]})
        else:
            node["required"] = sorted({*node.get("required", []), name})
        node.setdefault("properties", {})[name] = {"enum": list(by_value)}
        node["allOf"] = [*node.get("allOf", []), *cases]


AMBIGUOUS_ONE_OF = {
    "schemas/_common.query_dsl.yaml": ("RangeQuery", "DecayPlacement"),
    "schemas/_common.yaml": ("SortCombinations",),
}


def _quirk_ambiguous_one_of(docs: Docs) -> None:
    """`oneOf`s whose alternatives OpenSearch tells apart by more than the JSON become `anyOf`.

    `RangeQuery` is `oneOf: [NumberRangeQuery, DateRangeQuery]` and `DecayPlacement` is
    `oneOf: [Date, Geo, Numeric]`; the server picks one by the mapped type of the field, which a
    schema cannot see. `SortCombinations` has `SortOptions` (`_score`, `_script`, ...) beside
    `FieldWithOrder` (any field name), and the server knows `_score` is no field. So valid bodies
    fit two alternatives and fail `oneOf`: `{"origin": "now", "scale": "10d"}` is a date and
    (a geohash and a distance being strings) a geo placement, `{"from": "A", "to": "M"}` a
    number and a date range, `{"_score": {"order": "desc"}}` a score and a field sort. The
    server needs one fit; the closing of objects still rejects keys no alternative knows.
    """
    for rel, names in AMBIGUOUS_ONE_OF.items():
        for name in names:
            schema = docs[rel]["components"]["schemas"][name]
            schema["anyOf"] = schema.pop("oneOf")


def _quirk_counts_in_all_of(docs: Docs) -> None:
    """`min/maxProperties` and `additionalProperties` in an `allOf` branch see its siblings' keys.

    `FunctionScoreContainer` is `allOf: [{filter, weight}, {exp, gauss, ..., maxProperties: 1}]`:
    at most one *function*, besides the optional `filter` and `weight`. JSON Schema counts every
    key of the instance in each branch, so `{"filter": ..., "weight": 2, "gauss": ...}` fails; the
    same goes for `IntervalsQuery` and `FieldSuggester`. Likewise `GeoDistanceQuery` is
    `allOf: [{distance, ...}, {additionalProperties: GeoLocation}]`, which validates `distance`
    as a location. Fix, for inline branches only: the counts move to `x-own-property-count`,
    which ignores the keys the sibling branches declare, and those keys are declared (as `true`)
    in a branch with `additionalProperties` so that it no longer applies to them.
    """
    for node, rel, _ in list(_walk(docs)):
        branches = node.get("allOf", [])
        for i, branch in enumerate(branches):
            counted = {"minProperties", "maxProperties", "additionalProperties"} & set(branch)
            if not counted:
                continue
            siblings: set[str] = set()
            for j, other in enumerate(branches):
                if j != i:
                    siblings |= _declared_names(docs, other, rel)
            siblings -= set(branch.get("properties", {}))
            if not siblings:
                continue
            if "$ref" in branch:
                raise NotImplementedError(f"{rel}: counted `allOf` branch behind a $ref: {branch}")
            if "additionalProperties" in branch:
                properties = branch.setdefault("properties", {})
                properties.update({name: True for name in sorted(siblings)})
            bounds = {"ignore": sorted(siblings)}
            if "minProperties" in branch:
                bounds["min"] = branch.pop("minProperties")
            if "maxProperties" in branch:
                bounds["max"] = branch.pop("maxProperties")
            if len(bounds) > 1:
                branch[OWN_PROPERTY_COUNT] = bounds


SEARCH_BODY = (
    "namespaces/_core.yaml",
    "/components/requestBodies/search/content/application~1json/schema",
)


def _quirk_msearch_body_drift(docs: Docs) -> None:
    """`_msearch` body lines accept every key a `_search` body accepts.

    The server parses each body line of `_msearch` exactly as a `_search` body (both go through
    `SearchSourceBuilder`), but the spec keeps a separate copy, `MultisearchBody`, which has
    drifted: it lacks `aggs` (the short name of `aggregations`), `slice`, `derived`,
    `search_pipeline` and more. Once objects are closed, facets written as `"aggs"` would fail
    in `_msearch` only. The missing keys are added as `$ref`s to the `_search` body's own.
    """
    rel, pointer = SEARCH_BODY
    search = _at(docs[rel], pointer)["properties"]
    body = docs["schemas/_core.msearch.yaml"]["components"]["schemas"]["MultisearchBody"]
    for name in sorted(search.keys() - body["properties"].keys()):
        body["properties"][name] = {"$ref": f"../{rel}#{pointer}/properties/{name}"}


CLOSED = "x-closed"
"""Loader-made marker on a schema that `_closing` closed (so it is not closed twice)."""
CLOSED_ALTERNATIVES = "x-alternatives-closed"
"""Loader-made marker on a `oneOf` whose object alternatives were closed by `_quirk_open_one_of`."""


def _closing(docs: Docs, schema: Schema, rel: str, beside: Iterable[str] = ()) -> Schema | None:
    """Keywords that make `schema` reject the keys that neither it nor `beside` declares.

    None when there is nothing to close: the schema declares no properties (a free-form object,
    a string, an array), or already decides about other keys (`additionalProperties`), or all
    its properties sit in `oneOf` alternatives that are closed themselves. When the keys it
    accepts do not depend on the instance, they are listed in `propertyNames`, which is cheap;
    otherwise `unevaluatedProperties: false` collects them from the subschemas that matched,
    which re-validates those subschemas (and so doubles the cost at every nesting level).
    """
    if CLOSED in schema or "additionalProperties" in schema or "unevaluatedProperties" in schema:
        return None
    names: set[str] = set()
    static = True
    for node, _ in _in_place(docs, schema, rel, skip_closed=True):
        names.update(node.get("properties", {}))
        if any(key in node for key in _CONDITIONAL) or any(key in node for key in _OPENING):
            static = False
    if not names:
        return None
    if static:
        return {CLOSED: True, "propertyNames": {"enum": sorted(names | set(beside))}}
    closing: Schema = {CLOSED: True, "unevaluatedProperties": False}
    if beside:
        closing["properties"] = {name: True for name in sorted(beside)}
    return closing


def _quirk_open_one_of(docs: Docs) -> None:
    """`oneOf` alternatives are closed too, so that open objects do not all match.

    `_msearch` lines are `RequestItem = oneOf: [MultisearchHeader, MultisearchBody]`, two open
    objects without required keys: `{"index": "x"}` matches both, so `oneOf` rejects every
    header and every body. The value-level closing (`_quirk_closed_objects`) cannot help, as it
    applies after `oneOf` has counted its matches. So each alternative that lists properties is
    closed, except for the keys declared by the schemas applied beside the `oneOf` wherever it
    is reached from (beside the alternatives of `AggregationContainer`: `meta` and `aggs` of
    `Aggregation`); alternatives that list no properties (strings, arrays, free-form objects)
    are left alone. Exactly one alternative must still match. It also lets a value made of
    closed alternatives skip the costly `unevaluatedProperties` (see `_closing`).
    """
    beside: dict[int, set[str]] = {}
    owners: dict[int, tuple[Schema, str]] = {}
    for root, rel, is_value in list(_walk(docs)):
        if not is_value:
            continue
        for node, where in list(_in_place(docs, root, rel)):
            if "oneOf" in node:
                others = _in_place(docs, root, rel, skip_one_of=id(node))
                names = {name for other, _ in others for name in other.get("properties", {})}
                beside.setdefault(id(node), set()).update(names)
                owners[id(node)] = (node, where)
    for node, _ in owners.values():
        node[CLOSED_ALTERNATIVES] = True
    for key, (node, where) in owners.items():
        alternatives = []
        for branch in node["oneOf"]:
            closing = _closing(docs, branch, where, beside[key])
            alternatives.append({"allOf": [branch], **closing} if closing else branch)
        node["oneOf"] = alternatives


def _quirk_closed_objects(docs: Docs) -> None:
    """Objects that list their `properties` accept no other keys.

    The spec almost never says `additionalProperties: false`, so read literally it accepts
    `{"query": {"mtach": ...}}` (QueryContainer only caps the number of keys) or a search body
    with `"sise": 10`. OpenSearch itself rejects unknown keys in these places, so the validator
    should too. `additionalProperties: false` on each schema would break composition (`BoolQuery`
    is `allOf: [QueryBase, {must, filter, ...}]`, and each part would reject the other's keys),
    so the closing (see `_closing`) goes where a schema describes a whole value: a request body,
    a property, an array item, an `additionalProperties` value. Schemas that declare no
    properties (free-form objects such as documents or `_meta`) stay open.
    """
    for node, rel, is_value in list(_walk(docs)):
        closing = _closing(docs, node, rel) if is_value else None
        if closing and "propertyNames" in closing:
            node["allOf"] = [*node.get("allOf", []), closing]  # beside any own propertyNames
            node[CLOSED] = True
        elif closing:
            node.update(closing)


QUIRKS: tuple[Callable[[Docs], None], ...] = (
    _quirk_nullable,
    _quirk_discriminator,
    _quirk_ambiguous_one_of,
    _quirk_counts_in_all_of,
    _quirk_msearch_body_drift,
    _quirk_open_one_of,
    _quirk_closed_objects,  # last: it looks through what the others rewrote
)


def _own_property_count(
    validator: Validator, bounds: dict[str, Any], instance: Any, schema: Schema
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    own = sorted(key for key in instance if key not in bounds["ignore"])
    if "max" in bounds and len(own) > bounds["max"]:
        yield ValidationError(f"{own} has more than {bounds['max']} of these keys")
    if "min" in bounds and len(own) < bounds["min"]:
        yield ValidationError(f"{own} has fewer than {bounds['min']} of these keys")


def _validator_class() -> type[Validator]:
    """Draft 2020-12 plus `x-own-property-count`, remembering which `$ref`s an instance passed.

    The same clauses recur in many bodies (every filter combination holds the same few), and
    validating a value against a schema depends on nothing else, so a `$ref` (a schema node in
    one file, which fixes what it resolves to) that an equal instance passed before is not
    walked again. Failures are not remembered: their errors carry paths that vary by position.
    """
    passed: set[tuple[int, str]] = set()
    plain_ref = Draft202012Validator.VALIDATORS["$ref"]

    def ref(
        validator: Validator, ref: str, instance: Any, schema: Schema
    ) -> Iterator[ValidationError]:
        key = (id(schema), json.dumps(instance, sort_keys=True))
        if key in passed:
            return
        errors = list(plain_ref(validator, ref, instance, schema))
        if not errors:
            passed.add(key)
        yield from errors

    extended: type[Validator] = validators.extend(
        Draft202012Validator, validators={"$ref": ref, OWN_PROPERTY_COUNT: _own_property_count}
    )
    return extended


# --- the specification -------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """A spec operation: its group (`search`, `indices.create`, ...) and its request body."""

    group: str
    method: str
    path: str
    file: str
    body_pointer: str | None


def _errors(validator: Validator, instance: Any, where: str) -> list[str]:
    found = []
    for error in validator.iter_errors(instance):
        detail = best_match([error])
        path = "/".join(str(p) for p in detail.absolute_path)
        message = detail.message
        if "propertyNames" in detail.absolute_schema_path:
            message = f"unexpected key {detail.instance!r}"  # not the list of allowed keys
        found.append(f"{where}/{path}: {message}"[:500])
    return found


class OpenSearchSpec:
    """The copied specification, rewritten for strictness (see the module docstring)."""

    def __init__(
        self, spec_dir: Path = SPEC_DIR, quirks: Sequence[Callable[[Docs], None]] = QUIRKS
    ) -> None:
        """`quirks=()` gives the spec read literally (the tests use it to show each quirk)."""
        self.spec_dir = spec_dir
        self.docs = _load_docs(spec_dir)
        for quirk in quirks:
            quirk(self.docs)
        self.closed = _quirk_closed_objects in quirks
        self.registry: Registry[Any] = Registry().with_resources(
            (self.uri(rel), DRAFT202012.create_resource(doc)) for rel, doc in self.docs.items()
        )
        self.operations = self._operations()
        self._validator_class = _validator_class()
        self._validators: dict[str, Validator] = {}

    def uri(self, rel: str, pointer: str = "") -> str:
        return f"{self.spec_dir.as_uri()}/{rel}" + (f"#{pointer}" if pointer else "")

    def _operations(self) -> list[Operation]:
        found = []
        for rel in NAMESPACES:
            for path, methods in self.docs[rel].get("paths", {}).items():
                for method, op in methods.items():
                    if not isinstance(op, dict) or "x-operation-group" not in op:
                        continue
                    pointer = None
                    if "requestBody" in op:
                        ref = op["requestBody"]["$ref"]
                        body, _ = _deref(self.docs, ref, rel)
                        media = next(iter(body["content"]))
                        escaped = media.replace("~", "~0").replace("/", "~1")
                        pointer = f"{_split_ref(ref, rel)[1]}/content/{escaped}/schema"
                    found.append(
                        Operation(op["x-operation-group"], method.upper(), path, rel, pointer)
                    )
        return found

    def operation(self, group: str) -> Operation:
        """Any operation of the group that takes a body (they all share one requestBody)."""
        for op in self.operations:
            if op.group == group and op.body_pointer:
                return op
        raise KeyError(f"no operation {group!r} with a request body in {NAMESPACES}")

    def route(self, method: str, path: str) -> Operation:
        """The operation an HTTP request is for: literal path segments win over `{params}`."""
        candidates = []
        for op in self.operations:
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(op.path))
            if op.method == method.upper() and re.fullmatch(pattern, path):
                literal = sum(1 for part in op.path.split("/") if part and "{" not in part)
                candidates.append((literal, op))
        if not candidates:
            raise KeyError(f"no operation for {method} {path} in {NAMESPACES}")
        return max(candidates, key=lambda c: c[0])[1]

    def validator(self, rel: str, pointer: str) -> Validator:
        """A validator for the schema at `rel#pointer`, closed like a whole value (cached)."""
        key = f"{rel}#{pointer}"
        if key not in self._validators:
            schema: Schema = {"$ref": self.uri(rel, pointer)}
            if self.closed:
                schema |= _closing(self.docs, _at(self.docs[rel], pointer), rel) or {}
            self._validators[key] = self._validator_class(schema, registry=self.registry)
        return self._validators[key]

    def body_validator(self, group: str) -> Validator:
        op = self.operation(group)
        assert op.body_pointer is not None
        return self.validator(op.file, op.body_pointer)

    def _line_validators(self, group: str, key: str) -> list[Validator]:
        """Validators for the alternatives (`key`: oneOf/anyOf) a line of an NDJSON body may be."""
        op = self.operation(group)
        rel, pointer = op.file, f"{op.body_pointer}/items"
        items = _at(self.docs[rel], pointer)
        if "$ref" in items:
            rel, pointer = _split_ref(items["$ref"], rel)
            items = _at(self.docs[rel], pointer)
        return [self.validator(rel, f"{pointer}/{key}/{i}") for i in range(len(items[key]))]

    # -- checking bodies --

    def body_errors(self, group: str, body: Any) -> list[str]:
        """Why the spec rejects `body` as the request body of operation `group` (none: valid).

        NDJSON bodies (`msearch`, `bulk`) are lists of lines, or the raw text.
        """
        if group == "msearch":
            return self.msearch_errors(body)
        if group == "bulk":
            return self.bulk_errors(body)
        return self.schema_errors(group, body)

    def schema_errors(self, group: str, body: Any) -> list[str]:
        """`body` against the operation's request body schema as it stands (NDJSON: all lines)."""
        return _errors(self.body_validator(group), body, group)

    def msearch_errors(self, lines: Sequence[Any] | str | bytes) -> list[str]:
        """`_msearch` lines, checked in pairs: a header, then a search body.

        The spec types every line as `RequestItem = oneOf: [MultisearchHeader, MultisearchBody]`.
        With the alternatives closed (`_quirk_open_one_of`) a line must be one or the other, but
        nothing says which one where: a body in place of a header passes, and so does a header
        without its body. The position says which, so even lines are checked as headers and odd
        lines as bodies, and the pairs must be complete.
        """
        rows = parse_ndjson(lines)
        header, body = self._line_validators("msearch", "oneOf")
        found = [] if len(rows) % 2 == 0 else [f"msearch: {len(rows)} lines, not header/body pairs"]
        for i, row in enumerate(rows):
            found += _errors(body if i % 2 else header, row, f"msearch line {i + 1}")
        return found

    def bulk_errors(self, lines: Sequence[Any] | str | bytes) -> list[str]:
        """`_bulk` lines, checked as action/metadata lines each followed by its source line.

        The spec types every line as `anyOf: [OperationContainer, UpdateAction, object]`, and
        the last alternative is any object, so a misspelled action or metadata key passes. The
        action line decides what follows: a document (any object) after `index`/`create`, an
        `UpdateAction` after `update`, nothing after `delete`.
        """
        rows = parse_ndjson(lines)
        action, update, document = self._line_validators("bulk", "anyOf")
        found: list[str] = []
        i = 0
        while i < len(rows):
            row = rows[i]
            found += _errors(action, row, f"bulk line {i + 1}")
            op = next(iter(row)) if isinstance(row, dict) and len(row) == 1 else None
            i += 1
            if op == "delete":
                continue
            if i == len(rows):
                found.append(f"bulk line {i}: {op!r} action without its source line")
                break
            found += _errors(update if op == "update" else document, rows[i], f"bulk line {i + 1}")
            i += 1
        return found

    def request_errors(self, method: str, path: str, body: Any) -> list[str]:
        """Check an HTTP request: its operation is found from the spec's paths, then its body."""
        if body is None:
            return []
        op = self.route(method, path)
        if op.body_pointer is None:
            return [f"{method} {path} ({op.group}) takes no body, got {body!r}"[:300]]
        return self.body_errors(op.group, body)


def parse_ndjson(lines: Sequence[Any] | str | bytes) -> list[Any]:
    """NDJSON text (or already-parsed lines) as a list of parsed lines."""
    if isinstance(lines, bytes):
        lines = lines.decode()
    if isinstance(lines, str):
        return [json.loads(line) for line in lines.splitlines() if line.strip()]
    return list(lines)


def to_wire(body: Any) -> Any:
    """The body as OpenSearch receives it: JSON-encoded by the client, then decoded."""
    from opensearchpy.serializer import JSONSerializer

    return json.loads(JSONSerializer().dumps(body))


@cache
def spec() -> OpenSearchSpec:
    """The specification, loaded once per test session."""
    return OpenSearchSpec()


def _raise(errors: list[str], what: str) -> None:
    if errors:
        shown = "\n  ".join(errors[:20])
        raise SpecViolation(f"{what} violates the OpenSearch API specification:\n  {shown}")


def validate_body(group: str, body: Any) -> None:
    """Raise SpecViolation unless `body` is a valid request body of operation `group`."""
    _raise(spec().body_errors(group, to_wire(body)), f"{group} body")


def validate_search_body(body: dict[str, Any]) -> None:
    """A search body must be valid both for `_search` and as an `_msearch` body line.

    The product sends its searches through `_msearch`, whose body schema (`MultisearchBody`)
    is a separate copy of the `_search` one (see `_quirk_msearch_body_drift`); a body valid for
    both can be sent either way.
    """
    wire = to_wire(body)
    errors = spec().body_errors("search", wire)
    errors += spec().msearch_errors([{}, wire])
    _raise(errors, "search body")


def reachable_files(spec_: OpenSearchSpec, groups: Iterable[str]) -> set[str]:
    """The files the request bodies of `groups` reach through `$ref`s (all must be copied)."""
    files: set[str] = set()
    seen: set[tuple[str, str]] = set()
    stack: list[tuple[Any, str]] = []
    for group in groups:
        op = spec_.operation(group)
        assert op.body_pointer is not None
        files.add(op.file)
        stack.append((_at(spec_.docs[op.file], op.body_pointer), op.file))
    while stack:
        node, rel = stack.pop()
        if isinstance(node, list):
            stack += [(item, rel) for item in node]
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    target = _split_ref(value, rel)
                    if target not in seen:
                        seen.add(target)
                        files.add(target[0])
                        stack.append(_deref(spec_.docs, value, rel))
                else:
                    stack.append((value, rel))
    return files
