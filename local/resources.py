"""Creates the template's AWS resources in the emulator: tables, queues, event buses, rules and KMS keys."""

from __future__ import annotations

import json
from typing import Any

import boto3

from local.runtime import ACCOUNT, REGION
from local.template import Template, create_tables, resolve


def provision(template: Template, stack: str) -> dict[str, str]:
    """Create everything; return what ``Ref`` and ``GetAtt`` resolve to for each logical id."""
    names: dict[str, str] = {logical_id: f"{stack}-{logical_id}" for logical_id in template.resources}
    parameters = template.parameter_defaults()
    dynamodb, sqs, events = boto3.client("dynamodb"), boto3.client("sqs"), boto3.client("events")

    create_tables(template, dynamodb, names)
    kms = boto3.client("kms")
    for logical_id, key in template.of_type("AWS::KMS::Key").items():
        props = key.get("Properties", {})
        metadata = kms.create_key(
            Description=f"{names[logical_id]}: {props.get('Description', '')}",
            KeyUsage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
            KeySpec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
        )["KeyMetadata"]
        names[logical_id] = names[f"{logical_id}.KeyId"] = metadata["KeyId"]  # Ref of a key is its id
        names[f"{logical_id}.Arn"] = metadata["Arn"]
    for logical_id in template.table_definitions():
        table = dynamodb.describe_table(TableName=names[logical_id])["Table"]
        names[f"{logical_id}.Arn"] = table["TableArn"]
        if "LatestStreamArn" in table:
            names[f"{logical_id}.StreamArn"] = table["LatestStreamArn"]

    queues = template.of_type("AWS::SQS::Queue")
    # Dead-letter queues first: the queues that redrive into them need their ARNs.
    ordered = sorted(queues, key=lambda q: "RedrivePolicy" in queues[q].get("Properties", {}))
    for logical_id in ordered:
        props = queues[logical_id].get("Properties", {})
        attributes = {
            key: str(props[key])
            for key in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds")
            if key in props
        }
        if "RedrivePolicy" in props:
            policy = props["RedrivePolicy"]
            attributes["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": resolve(policy["deadLetterTargetArn"], names, parameters),
                    "maxReceiveCount": str(policy["maxReceiveCount"]),
                }
            )
        url = sqs.create_queue(QueueName=names[logical_id], Attributes=attributes)["QueueUrl"]
        names[f"{logical_id}.Arn"] = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{names[logical_id]}"
        names[f"{logical_id}.QueueName"] = names[logical_id]
        names[logical_id] = url

    for logical_id in template.of_type("AWS::Events::EventBus"):
        bus_name = f"{stack}-cart-events"
        names[f"{logical_id}.Arn"] = events.create_event_bus(Name=bus_name)["EventBusArn"]
        names[f"{logical_id}.Name"] = bus_name
        names[logical_id] = bus_name

    for logical_id, rule in template.of_type("AWS::Events::Rule").items():
        props = rule["Properties"]
        bus_name = resolve(props["EventBusName"], names, parameters)
        arn = events.put_rule(
            Name=names[logical_id], EventBusName=bus_name, EventPattern=json.dumps(props["EventPattern"])
        )["RuleArn"]
        names[f"{logical_id}.Arn"] = arn
        events.put_targets(
            Rule=names[logical_id],
            EventBusName=bus_name,
            Targets=[{"Id": t["Id"], "Arn": resolve(t["Arn"], names, parameters)} for t in props["Targets"]],
        )
    return names


def queue_url_for_arn(names: dict[str, str], arn: str) -> str:
    for key, value in names.items():
        if key.endswith(".Arn") and value == arn:
            return names[key.removesuffix(".Arn")]
    raise KeyError(arn)


def event_sources(template: Template, names: dict[str, str]) -> list[dict[str, Any]]:
    """Every SQS and DynamoDB event source mapping in the template, resolved."""
    parameters = template.parameter_defaults()
    sources = []
    for function, spec in template.functions().items():
        for event in spec.events.values():
            if event["Type"] not in ("SQS", "DynamoDB"):
                continue
            props = dict(event["Properties"])
            for key in ("Queue", "Stream"):
                if key in props:
                    props[key] = resolve(props[key], names, parameters)
            on_failure = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
            if on_failure:
                props["OnFailureUrl"] = queue_url_for_arn(names, resolve(on_failure, names, parameters))
            sources.append({"type": event["Type"], "function": function, **props})
    return sources
