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


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    function: str
    authorized: bool = True

    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(self.path))
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
        return re.compile(f"^{regex}$")

    def specificity(self) -> tuple[int, ...]:
        """API Gateway prefers a literal segment over a parameter at each position."""
        return tuple(1 if part.startswith("{") else 0 for part in self.path.strip("/").split("/"))


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

    def api(self) -> dict[str, Any]:
        (api,) = self.of_type("AWS::Serverless::Api").values()
        return api["Properties"]

    def api_routes(self) -> list[ApiRoute]:
        default_authorizer = self.api().get("Auth", {}).get("DefaultAuthorizer")
        routes = []
        for name, spec in self.functions().items():
            for event in spec.events.values():
                if event["Type"] != "Api":
                    continue
                props = event["Properties"]
                auth = props.get("Auth", {}).get("Authorizer", default_authorizer)
                routes.append(ApiRoute(props["Method"].upper(), props["Path"], name, auth not in (None, "NONE")))
        return sorted(routes, key=lambda r: r.specificity())

    def authorizer(self) -> tuple[str, dict[str, Any]] | None:
        auth = self.api().get("Auth", {})
        name = auth.get("DefaultAuthorizer")
        if not name:
            return None
        spec = auth["Authorizers"][name]
        return spec["FunctionArn"]["Fn::GetAtt"][0], spec

    def gateway_responses(self) -> dict[str, Any]:
        return self.api().get("GatewayResponses", {})

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
