"""The authorizer writes its policy by hand (its cold start spares Powertools' data classes): it must
be exactly what Powertools' APIGatewayAuthorizerResponse wrote before."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerResponse,
    parse_api_gateway_arn,
)

from authorizer.policy import allow_all_routes


@pytest.mark.parametrize(
    "method_arn",
    [
        "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/Prod/GET/api/v1/partner/store/cart/abc",
        "arn:aws:execute-api:eu-west-2:210987654321:zyx987/local/POST/loke/v1/carts/c-1/validation",
        "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/Prod/OPTIONS/",
        "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/Prod/PUT/items:batch",
    ],
)
def test_the_policy_is_powertools_allow_all_routes(method_arn: str) -> None:
    # Given a caller's context and the method ARN API Gateway sends
    caller = {"tenantId": "demo", "locationId": "main", "scheme": "blaze"}
    arn = parse_api_gateway_arn(method_arn)
    expected = APIGatewayAuthorizerResponse(
        principal_id="demo/main",
        context=caller,
        region=arn.region,
        aws_account_id=arn.aws_account_id,
        api_id=arn.api_id,
        stage=arn.stage,
    )
    expected.allow_all_routes()
    # When the authorizer writes its policy, Then it is Powertools' to the byte
    assert allow_all_routes(method_arn, principal_id="demo/main", context=caller) == expected.asdict()
