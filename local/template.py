"""Reads template.yaml, so the local cloud and the tests are wired exactly as the deployment is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns CloudFormation short tags (!Ref, !Sub, !GetAtt …) into their long form."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


FOR_EACH = "Fn::ForEach::"
# The sections of a template where AWS::LanguageExtensions expands Fn::ForEach.
FOR_EACH_SECTIONS = ("Conditions", "Resources", "Outputs")


def expand_for_each(raw: dict[str, Any]) -> dict[str, Any]:
    """The template as CloudFormation sees it after ``AWS::LanguageExtensions`` expanded every
    ``Fn::ForEach::<Loop>: [Identifier, [values…], {"Key${Identifier}": fragment}]`` (nested loops
    too): for each value, the keys with ``${Identifier}`` / ``&{Identifier}`` replaced, and in the
    fragment every ``Ref: Identifier`` and every ``${Identifier}`` inside ``Fn::Sub``. A ``Fn::Sub``
    left with nothing to substitute is the plain string, as CloudFormation resolves it (so
    ``!GetAtt [!Sub "${Work}Queue", Arn]`` reads as ``!GetAtt WorkQueue.Arn``). A template without
    loops comes back unchanged; a key the loops write twice is refused, as CloudFormation does."""
    if not any(isinstance(raw.get(section), dict) and _has_loop(raw[section]) for section in FOR_EACH_SECTIONS):
        return raw
    expanded = dict(raw)
    for section in FOR_EACH_SECTIONS:
        if isinstance(raw.get(section), dict):
            expanded[section] = _expand_section(raw[section], raw.get("Parameters", {}))
    return expanded


def _has_loop(section: dict[str, Any]) -> bool:
    return any(key.startswith(FOR_EACH) for key in section)


def _expand_section(section: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in section.items():
        if not key.startswith(FOR_EACH):
            _put(out, key, value)
            continue
        if not (isinstance(value, list) and len(value) == 3 and isinstance(value[2], dict)):
            raise ValueError(f"{key}: Fn::ForEach takes [identifier, collection, output template]")
        identifier, collection, fragment = value
        for item in _collection(key, collection, parameters):
            bound = _bind(fragment, identifier, item)
            for name, resource in _expand_section(bound, parameters).items():
                _put(out, name, resource)
    return out


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if key in out:
        raise ValueError(f"{key} is declared twice once Fn::ForEach is expanded")
    out[key] = value


def _collection(key: str, collection: Any, parameters: dict[str, Any]) -> list[str]:
    if isinstance(collection, dict) and set(collection) == {"Ref"}:  # a CommaDelimitedList parameter
        default = parameters.get(collection["Ref"], {}).get("Default")
        collection = default.split(",") if isinstance(default, str) else default
    if not isinstance(collection, list) or not all(isinstance(v, str | int) for v in collection):
        raise ValueError(f"{key}: the collection must be a list of strings (or a list parameter's default)")
    return [str(v) for v in collection]


def _bind(value: Any, identifier: str, item: str) -> Any:
    """One loop value written into a fragment (keys, Ref, Fn::Sub), as LanguageExtensions does."""
    if isinstance(value, list):
        return [_bind(v, identifier, item) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] == identifier:
        return item
    if set(value) == {"Fn::Sub"}:
        sub = value["Fn::Sub"]
        text = _substitute(sub if isinstance(sub, str) else sub[0], identifier, item)
        if isinstance(sub, str):
            return text if "${" not in text else {"Fn::Sub": text}
        return {"Fn::Sub": [text, _bind(sub[1], identifier, item)]}
    bound = {}
    for key, inner in value.items():
        new_key = key if key.startswith(FOR_EACH) else _substitute(key, identifier, item)
        bound[new_key] = _bind(inner, identifier, item)
    if set(bound) == {"Fn::GetAtt"} and isinstance(bound["Fn::GetAtt"], list):
        bound["Fn::GetAtt"] = [str(part) for part in bound["Fn::GetAtt"]]
    return bound


def _substitute(text: str, identifier: str, item: str) -> str:
    text = text.replace("${" + identifier + "}", item)
    return text.replace("&{" + identifier + "}", re.sub(r"[^A-Za-z0-9]", "", item))


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    function: str
    authorized: bool = True
    api: str = ""  # the logical id of the REST API the route belongs to
    authorizer: str | None = None  # the name of its authorizer in that API's Auth.Authorizers

    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(self.path))
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
        return re.compile(f"^{regex}$")

    def specificity(self) -> tuple[int, ...]:
        """API Gateway prefers a literal segment over a parameter at each position."""
        return tuple(1 if part.startswith("{") else 0 for part in self.path.strip("/").split("/"))


@dataclass(frozen=True)
class Authorizer:
    """A Lambda authorizer as SAM declares it under an API's ``Auth.Authorizers``."""

    name: str
    function: str
    payload_type: str  # SAM's FunctionPayloadType: TOKEN (its default) or REQUEST
    headers: tuple[str, ...] = ()
    query_strings: tuple[str, ...] = ()
    stage_variables: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    ttl: int = 300  # ReauthorizeEvery; API Gateway's default when the template says nothing
    validation_expression: str | None = None  # TOKEN only

    @property
    def has_identity_sources(self) -> bool:
        return bool(self.headers or self.query_strings or self.stage_variables or self.context)


@dataclass(frozen=True)
class Cors:
    """SAM's ``Cors`` property: what the OPTIONS method SAM adds to every path answers."""

    allow_origin: str
    allow_methods: str | None = None  # None: the path's own methods, as SAM computes them
    allow_headers: str | None = None
    max_age: int | None = None
    allow_credentials: bool = False


@dataclass(frozen=True)
class RestApi:
    """One ``AWS::Serverless::Api`` (or SAM's implicit ``ServerlessRestApi``), Globals.Api merged in."""

    logical_id: str
    api_id: str
    authorizers: dict[str, Authorizer]
    default_authorizer: str | None
    gateway_responses: dict[str, Any]
    binary_media_types: tuple[str, ...]
    cors: Cors | None
    authorize_preflight: bool  # SAM's Auth.AddDefaultAuthorizerToCorsPreflight (default true)
    stage_variables: dict[str, str] = field(default_factory=dict)  # SAM's Variables: the stage's variables


IMPLICIT_API = "ServerlessRestApi"


def _quoted(value: Any) -> str:
    """SAM's Cors values are API Gateway header mappings: a literal is written in single quotes."""
    return str(value).strip().strip("'")


def _parameters_in(value: Any, parameters: dict[str, Any]) -> Any:
    """``value`` with the template parameters it names (``!Ref``, ``!Sub``) at their defaults."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("Ref", "Fn::Sub"):
        return resolve(value, {}, parameters)
    if isinstance(value, dict):
        return {key: _parameters_in(item, parameters) for key, item in value.items()}
    return value


def _cors(value: Any) -> Cors | None:
    if not value:
        return None
    if isinstance(value, str):
        return Cors(allow_origin=_quoted(value))
    return Cors(
        allow_origin=_quoted(value["AllowOrigin"]),
        allow_methods=_quoted(value["AllowMethods"]) if "AllowMethods" in value else None,
        allow_headers=_quoted(value["AllowHeaders"]) if "AllowHeaders" in value else None,
        max_age=int(value["MaxAge"]) if "MaxAge" in value else None,
        allow_credentials=bool(value.get("AllowCredentials", False)),
    )


def _function_of(function_arn: Any) -> str:
    """The logical id of the function an authorizer's ``FunctionArn`` names: ``!GetAtt Fn.Arn``, or
    SAM's ``!Ref Fn.Alias`` (the alias AutoPublishAlias made, what a SnapStart function is called by)."""
    if isinstance(function_arn, dict) and "Fn::GetAtt" in function_arn:
        return str(function_arn["Fn::GetAtt"][0])
    if isinstance(function_arn, dict) and "Ref" in function_arn:
        return str(function_arn["Ref"]).removesuffix(".Alias")
    return str(function_arn)


def _authorizer(name: str, spec: dict[str, Any]) -> Authorizer:
    payload_type = str(spec.get("FunctionPayloadType", "TOKEN")).upper()
    identity = spec.get("Identity", {})
    function = _function_of(spec["FunctionArn"])
    if payload_type == "TOKEN":
        return Authorizer(
            name,
            function,
            payload_type,
            headers=(identity.get("Header", "Authorization"),),
            ttl=int(identity.get("ReauthorizeEvery", 300)),
            validation_expression=identity.get("ValidationExpression"),
        )
    return Authorizer(
        name,
        function,
        payload_type,
        headers=tuple(identity.get("Headers", ())),
        query_strings=tuple(identity.get("QueryStrings", ())),
        stage_variables=tuple(identity.get("StageVariables", ())),
        context=tuple(identity.get("Context", ())),
        ttl=int(identity.get("ReauthorizeEvery", 300)),
    )


def _api_reference(value: Any) -> str:
    """An Api event's ``RestApiId`` (``!Ref SomeApi``), or SAM's implicit API when it has none."""
    if value is None:
        return IMPLICIT_API
    return value["Ref"] if isinstance(value, dict) else str(value)


@dataclass
class FunctionSpec:
    logical_id: str
    handler: str
    code_uri: Path
    environment: dict[str, Any]
    timeout: int
    memory: int
    events: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    reserved_concurrency: int | None = None


@dataclass
class Template:
    raw: dict[str, Any]

    def __post_init__(self) -> None:
        # Everything reads the template as deployed: Fn::ForEach loops already expanded.
        self.raw = expand_for_each(self.raw)

    @classmethod
    def load(cls, path: Path = TEMPLATE) -> Template:
        return cls(yaml.load(path.read_text(), Loader=_CfnLoader))  # noqa: S506 - SafeLoader subclass

    @property
    def resources(self) -> dict[str, Any]:
        return self.raw["Resources"]

    def parameter_defaults(self) -> dict[str, Any]:
        return {name: spec.get("Default") for name, spec in self.raw.get("Parameters", {}).items()}

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {name: r for name, r in self.resources.items() if r["Type"] == resource_type}

    def functions(self) -> dict[str, FunctionSpec]:
        globals_ = self.raw.get("Globals", {}).get("Function", {})
        specs = {}
        for name, resource in self.of_type("AWS::Serverless::Function").items():
            props = {**globals_, **resource["Properties"]}
            env = {
                **globals_.get("Environment", {}).get("Variables", {}),
                **resource["Properties"].get("Environment", {}).get("Variables", {}),
            }
            specs[name] = FunctionSpec(
                logical_id=name,
                handler=props["Handler"],
                code_uri=ROOT / props["CodeUri"],
                environment=env,
                timeout=int(props.get("Timeout", 3)),
                memory=int(props.get("MemorySize", 128)),
                events=props.get("Events", {}),
                description=str(resource["Properties"].get("Description", "")),
                reserved_concurrency=(
                    int(props["ReservedConcurrentExecutions"]) if "ReservedConcurrentExecutions" in props else None
                ),
            )
        return specs

    def layer_paths(self) -> list[Path]:
        return [ROOT / r["Properties"]["ContentUri"] for r in self.of_type("AWS::Serverless::LayerVersion").values()]

    def api(self, logical_id: str) -> dict[str, Any]:
        """The properties of one ``AWS::Serverless::Api`` as written (Globals.Api not merged in)."""
        return self.of_type("AWS::Serverless::Api")[logical_id]["Properties"]

    def api_of_function(self, function: str) -> str:
        """The logical id of the one REST API a function's Api events are on (a face has one API)."""
        apis = {
            _api_reference(event["Properties"].get("RestApiId"))
            for event in self.functions()[function].events.values()
            if event["Type"] == "Api"
        }
        if len(apis) != 1:
            raise ValueError(f"{function} has Api events on {sorted(apis) or 'no API'}, not on one")
        return apis.pop()

    def _api_properties(self) -> dict[str, dict[str, Any]]:
        """Each REST API's properties with Globals.Api under them, SAM's implicit API included when
        an Api event names no ``RestApiId``."""
        globals_ = self.raw.get("Globals", {}).get("Api", {})
        apis = {
            name: {**globals_, **r.get("Properties", {})} for name, r in self.of_type("AWS::Serverless::Api").items()
        }
        for spec in self.functions().values():
            for event in spec.events.values():
                if event["Type"] == "Api" and "RestApiId" not in event["Properties"]:
                    apis.setdefault(IMPLICIT_API, dict(globals_))
        return apis

    def apis(self) -> dict[str, RestApi]:
        """Every REST API. The first keeps the id ``localapi``; others get their own, as on AWS."""
        apis = {}
        for index, (logical_id, props) in enumerate(self._api_properties().items()):
            auth = props.get("Auth", {})
            authorizers = {name: _authorizer(name, spec) for name, spec in auth.get("Authorizers", {}).items()}
            apis[logical_id] = RestApi(
                logical_id=logical_id,
                api_id="localapi" if index == 0 else re.sub(r"[^a-z0-9]", "", logical_id.lower())[:10],
                authorizers=authorizers,
                default_authorizer=auth.get("DefaultAuthorizer"),
                gateway_responses=props.get("GatewayResponses", {}),
                # SAM writes "/" in a media type as "~1" (JSON Pointer escaping, as OpenAPI needs it).
                binary_media_types=tuple(str(t).replace("~1", "/") for t in props.get("BinaryMediaTypes", ())),
                cors=_cors(_parameters_in(props.get("Cors"), self.parameter_defaults())),
                authorize_preflight=bool(auth.get("AddDefaultAuthorizerToCorsPreflight", True)),
                # A stage variable may take a template parameter (``!Ref``): its default, as deployed.
                stage_variables={
                    str(k): str(resolve(v, {}, self.parameter_defaults()))
                    for k, v in (props.get("Variables") or {}).items()
                },
            )
        return apis

    def api_routes(self) -> list[ApiRoute]:
        """Every Api event of every function, each on its REST API with its authorizer (the event's
        ``Auth.Authorizer``, else the API's ``DefaultAuthorizer``; ``NONE``: a public route)."""
        apis = self.apis()
        routes = []
        for name, spec in self.functions().items():
            for event in spec.events.values():
                if event["Type"] != "Api":
                    continue
                props = event["Properties"]
                api = apis[_api_reference(props.get("RestApiId"))]
                auth = props.get("Auth", {}).get("Authorizer", api.default_authorizer)
                authorizer = None if auth in (None, "NONE") else auth
                if authorizer is not None and authorizer not in api.authorizers:
                    raise ValueError(f"{name}: authorizer {authorizer} is not declared on {api.logical_id}")
                routes.append(
                    ApiRoute(
                        props["Method"].upper(), props["Path"], name, authorizer is not None, api.logical_id, authorizer
                    )
                )
        seen: dict[tuple[str, str], str] = {}
        for route in routes:  # every API is served on one origin locally, so a route may exist once
            other = seen.setdefault((route.method, route.path), route.api)
            if other != route.api:
                raise ValueError(f"{route.method} {route.path} is declared on both {other} and {route.api}")
        return sorted(routes, key=lambda r: r.specificity())

    def gateway_responses(self, logical_id: str) -> dict[str, Any]:
        return self.api(logical_id).get("GatewayResponses", {})

    def table_definitions(self) -> dict[str, dict[str, Any]]:
        return {name: r["Properties"] for name, r in self.of_type("AWS::DynamoDB::Table").items()}


def create_table_request(properties: dict[str, Any], table_name: str) -> dict[str, Any]:
    """The CreateTable call a CloudFormation AWS::DynamoDB::Table definition amounts to."""
    request = {
        "TableName": table_name,
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": properties.get("BillingMode", "PROVISIONED"),
    }
    if "GlobalSecondaryIndexes" in properties:
        request["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
    if "StreamSpecification" in properties:
        request["StreamSpecification"] = {"StreamEnabled": True, **properties["StreamSpecification"]}
    return request


def create_tables(template: Template, dynamodb_client: Any, names: dict[str, str]) -> None:
    """Create every table in the template (named by ``names``) with its TTL setting."""
    for logical_id, properties in template.table_definitions().items():
        table_name = names[logical_id]
        dynamodb_client.create_table(**create_table_request(properties, table_name))
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb_client.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )


def resolve(value: Any, names: dict[str, str], parameters: dict[str, Any]) -> Any:
    """Resolve the intrinsic functions this template uses in function environments.

    ``names`` maps a logical id to what ``Ref`` returns and ``"Id.Attribute"`` to what ``GetAtt`` does.
    """
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return str(parameters[arg]) if arg in parameters else names[arg]
        if key == "Fn::GetAtt":
            return names.get(".".join(arg), names.get(arg[0]))
        if key == "Fn::Sub":
            return re.sub(r"\$\{([\w.:]+)\}", lambda m: str(parameters.get(m[1], names.get(m[1], m[0]))), arg)
    return value


def physical_names(template: Template, stack: str) -> dict[str, str]:
    """Deterministic physical names, standing in for the ones CloudFormation would generate."""
    return {logical_id: f"{stack}-{logical_id}" for logical_id in template.resources}
