"""Provisioning through the admin CLI, then calling the API with what it printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cart_core import admin
from local.cloud import free_port
from tests.conftest import InProcessApi


def run(capsys, table: str, *args: str) -> dict:
    assert admin.main(["--table", table, *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_new_store_is_provisioned_and_served(aws, capsys) -> None:
    table = aws["CartTable"]
    run(capsys, table, "tenant", "shop9", "Shop Nine")
    location = run(capsys, table, "location", "shop9", "north", "North", "--tax", "GST:10:federal", "--tax-inclusive")
    assert location["tax_inclusive"] is True and location["tax_rates"][0]["category"] == "national"
    keys = run(capsys, table, "blaze-keys", "shop9", "north")
    pos = run(capsys, table, "loke-token", "shop9")
    run(capsys, table, "product", "shop9", "tea", "4.40", "--name", "Tea")
    run(capsys, table, "discount", "shop9", "half", "percentage", "50")
    # Only digests are stored: the printed keys appear nowhere in the table
    from cart_core import credentials
    from cart_core.runtime import store

    record = store().get_credential(credentials.digest(keys["Authorization"]))
    assert record["tenant_id"] == "shop9" and record["location_id"] == "north"
    stored = json.dumps(record) + json.dumps(store().get_credential(credentials.digest(pos["Authorization"][7:])))
    assert (
        keys["Authorization"] not in stored
        and keys["x-api-key"] not in stored
        and pos["Authorization"][7:] not in stored
    )
    api = InProcessApi(aws)
    blaze = {"x-api-key": keys["x-api-key"], "Authorization": keys["Authorization"]}
    body = {"cart": {"items": [{"productId": "tea", "quantity": 2}], "promoCode": "half"}}
    cart = api.request("POST", "/api/v1/partner/store/cart/prepare?cuid=u1", blaze, body).json()
    # 8.80 including 10 % GST, half off: 4.40 to pay, of which 0.40 tax
    assert (
        cart["companyId"] == "shop9"
        and cart["cart"]["total"] == 4.4
        and cart["cart"]["taxResult"]["totalFedTax"] == 0.4
    )
    api.request("POST", f"/api/v1/partner/store/cart/submitCart/{cart['id']}?cuid=u1", blaze)
    loke = api.request("GET", f"/organizations/shop9/locations/north/cart/{cart['id']}", pos)
    assert loke.status == 200 and loke.json()["total"] == 440


# ----- finding the local cloud by itself, and the precedence of explicit targets -----------------

AWS_ENV = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_DEFAULT_REGION")


def discovery_file(tmp_path: Path, endpoint: str, table: str, pid: int | None = None) -> Path:
    """What `python -m local.cloud` writes on start (local/cloud.py write_discovery)."""
    path = tmp_path / ".local-cloud.json"
    path.write_text(
        json.dumps(
            {
                "url": "http://127.0.0.1:3000",
                "aws_endpoint": endpoint,
                "region": "us-east-1",
                "credentials": {"aws_access_key_id": "local", "aws_secret_access_key": "local"},
                "pid": pid or os.getpid(),
                "stack": "cart-local",
                "resources": {"CartTable": table},
            }
        )
    )
    return path


@pytest.fixture
def developer_shell(aws, monkeypatch):
    """A developer's shell: no AWS variables at all, and no AWS config files (so nothing resolves to
    a real account by accident)."""
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    for name in (*AWS_ENV, "AWS_REGION", "LOCAL_CLOUD_DISCOVERY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return {"endpoint": endpoint, "table": aws["CartTable"]}


def admin_run(capsys, *args: str) -> tuple[int, str, str]:
    code = admin.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code != 0
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


def test_with_nothing_given_admin_provisions_the_running_local_cloud(developer_shell, tmp_path, monkeypatch, capsys):
    # Given a running local cloud's discovery file in the project root, and a shell without AWS settings
    discovery_file(tmp_path, developer_shell["endpoint"], developer_shell["table"])
    project = tmp_path / "layers"
    project.mkdir()
    monkeypatch.chdir(project)  # found from a subdirectory too
    # When the developer runs admin with only the command
    code, out, err = admin_run(capsys, "tenant", "shop7", "Shop Seven")
    # Then it wrote to the local cloud's table, with its endpoint, region and dummy credentials
    assert code == 0, err
    assert json.loads(out)["tenant_id"] == "shop7"
    from cart_core.runtime import store

    monkeypatch.setenv("AWS_ENDPOINT_URL", developer_shell["endpoint"])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    assert store().get_tenant("shop7").name == "Shop Seven"


def test_the_discovery_file_may_be_named_by_environment(developer_shell, tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = discovery_file(elsewhere, developer_shell["endpoint"], developer_shell["table"])
    monkeypatch.setenv("LOCAL_CLOUD_DISCOVERY_FILE", str(path))
    monkeypatch.chdir(tmp_path)
    code, out, err = admin_run(capsys, "loke-token", "demo")
    assert code == 0, err and json.loads(out)["Authorization"].startswith("Bearer ")


def test_an_aws_profile_turns_discovery_off_and_local_turns_it_back_on(developer_shell, tmp_path, monkeypatch, capsys):
    # Given a running local cloud and a shell that names an AWS profile (i.e. means a real account)
    discovery_file(tmp_path, developer_shell["endpoint"], developer_shell["table"])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_PROFILE", "production")
    # When admin gets no table, it does not guess: it asks for one, in one line
    code, _, err = admin_run(capsys, "tenant", "shop8", "Shop Eight")
    assert_one_line_error(code, err, "--table is required", "AWS_PROFILE", "--local")
    # And --local means the local cloud whatever the environment says
    code, out, err = admin_run(capsys, "--local", "tenant", "shop8", "Shop Eight")
    assert code == 0, err
    assert json.loads(out)["tenant_id"] == "shop8"


def test_an_explicit_table_wins_over_the_local_cloud(developer_shell, tmp_path, monkeypatch, capsys):
    # Given a discovery file naming a table that does not exist
    discovery_file(tmp_path, developer_shell["endpoint"], "no-such-table")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    # When the table, endpoint and region are given, those are used, not the file's
    code, _, err = admin_run(
        capsys, "--table", developer_shell["table"], "--endpoint-url", developer_shell["endpoint"],
        "--region", "us-east-1", "tenant", "shop9", "Shop Nine",
    )  # fmt: skip
    assert code == 0, err


# ----- every error is one line on stderr and a non-zero exit -------------------------------------


def test_no_arguments_print_the_usage(capsys) -> None:
    code, out, err = admin_run(capsys)
    assert code == 0 and err == ""
    assert out.startswith("usage: python -m cart_core.admin") and "--local" in out and "Which table" in out


def test_no_local_cloud_running(developer_shell, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no discovery file here or above (tmp_path is outside the project)
    code, _, err = admin_run(capsys, "tenant", "t1", "T")
    assert_one_line_error(code, err, "no running local cloud found", "make local", "--table")


def test_a_local_cloud_that_has_stopped(developer_shell, tmp_path, monkeypatch, capsys):
    # Given a discovery file left behind by a cloud that was killed (its pid is gone)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    discovery_file(tmp_path, developer_shell["endpoint"], developer_shell["table"], pid=int(finished.stdout))
    monkeypatch.chdir(tmp_path)
    code, _, err = admin_run(capsys, "tenant", "t1", "T")
    assert_one_line_error(code, err, "is not running any more", "make local")


def test_an_emulator_that_does_not_answer(developer_shell, tmp_path, monkeypatch, capsys):
    discovery_file(tmp_path, f"http://127.0.0.1:{free_port()}", developer_shell["table"])
    monkeypatch.chdir(tmp_path)
    code, _, err = admin_run(capsys, "tenant", "t1", "T")
    assert_one_line_error(code, err, "cannot reach DynamoDB at http://127.0.0.1:", "make local")


def test_an_unknown_table(aws, capsys) -> None:
    code, _, err = admin_run(capsys, "--table", "cart-nope-CartTable", "tenant", "t1", "T")
    assert_one_line_error(code, err, "table 'cart-nope-CartTable' not found at http://127.0.0.1:", "--table")


def test_no_credentials(developer_shell, capsys) -> None:
    code, _, err = admin_run(
        capsys, "--table", developer_shell["table"], "--endpoint-url", developer_shell["endpoint"],
        "--region", "us-east-1", "tenant", "t1", "T",
    )  # fmt: skip
    assert_one_line_error(code, err, "no AWS credentials", "AWS_PROFILE")


def test_no_region(developer_shell, monkeypatch, capsys) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    code, _, err = admin_run(capsys, "--table", "cart-prod-CartTable", "tenant", "t1", "T")
    assert_one_line_error(code, err, "no AWS region", "--region")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("location", "demo", "north", "North", "--currency", "usd"), "invalid location: currency"),
        (("tenant", "bad id!", "Bad"), "invalid tenant: tenant_id"),
        (("product", "demo", "p1", "12.505"), "12.505"),  # finer than a cent
    ],
)
def test_validation_errors(aws, capsys, args: tuple[str, ...], fragment: str) -> None:
    code, _, err = admin_run(capsys, "--table", aws["CartTable"], *args)
    assert_one_line_error(code, err, fragment)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("product", "demo", "p1", "abc"), "'abc' is not a number"),
        (("location", "demo", "north", "North", "--tax", "GST"), "'GST' is not NAME:PERCENT"),
        (("discount", "demo", "X", "bogus", "1"), "invalid choice: 'bogus'"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        (("tenant",), "the following arguments are required"),
    ],
)
def test_usage_errors(aws, capsys, args: tuple[str, ...], fragment: str) -> None:
    with pytest.raises(SystemExit) as exited:
        admin.main(["--table", aws["CartTable"], *args])
    err = capsys.readouterr().err
    assert_one_line_error(exited.value.code, err, fragment, "--help for usage")


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        (
            {"Code": "AccessDeniedException", "Message": "User: arn:aws:iam::1:user/ci is not authorized"},
            "access denied",
        ),
        (
            {"Code": "UnrecognizedClientException", "Message": "The security token is invalid"},
            "refused the credentials",
        ),
        ({"Code": "ThrottlingException", "Message": "Rate exceeded"}, "throttling or failing"),
    ],
)
def test_aws_refusals(aws, monkeypatch, capsys, error: dict, fragment: str) -> None:
    # Given AWS answers every call with this error
    from botocore.awsrequest import AWSResponse

    real_client = admin._client

    def refusing_client(target):
        client = real_client(target)
        client.meta.events.register_first(
            "before-call.dynamodb",
            lambda **_: (AWSResponse("https://dynamodb", 400, {}, None), {"Error": error}),
        )
        return client

    monkeypatch.setattr(admin, "_client", refusing_client)
    code, _, err = admin_run(capsys, "--table", aws["CartTable"], "tenant", "t1", "T")
    assert_one_line_error(code, err, fragment)


def test_an_unknown_aws_profile(developer_shell, monkeypatch, capsys) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    code, _, err = admin_run(capsys, "--table", "cart-prod-CartTable", "--region", "us-east-1", "tenant", "t1", "T")
    assert_one_line_error(code, err, "no-such-profile", "AWS_PROFILE")


def test_a_gift_card_is_issued_with_its_balance_in_minor_units(aws, capsys) -> None:
    # Given a table / When the admin issues a 25.00 card that pays 8.25 % tax
    card = run(capsys, aws["CartTable"], "gift-card", "shop9", "gift-25", "25.00", "--tax-rate", "8.25")
    # Then it is printed and stored as the read set finds it, the balance in minor units
    from cart_core.ports import ReadSet
    from cart_core.runtime import store

    assert (card["code"], card["balance_minor"]) == ("GIFT-25", 2500)
    stored = store().read(ReadSet("shop9", "any", gift_card_codes=frozenset({"GIFT-25"}))).gift_cards["GIFT-25"]
    assert (stored.balance_minor, str(stored.tax_rate)) == (2500, "8.25")


def test_a_limited_regional_code_and_a_shipping_option_are_provisioned(aws, capsys) -> None:
    # Given a table / When the admin creates a code with Medusa's terms and a region's option
    table = aws["CartTable"]
    code = run(
        capsys, table, "discount", "shop9", "spring", "percentage", "15", "--id", "disc_1", "--usage-limit", "2",
        "--region", "reg_a", "--ends-ms", "4102444800000",
    )  # fmt: skip
    option = run(
        capsys, table, "shipping-option", "shop9", "so_1", "reg_a", "Express", "15.00", "--min-subtotal", "30.00",
        "--tax", "Reduced:7:national",
    )  # fmt: skip
    # Then both are stored as the store reads them: the code's uses start at 0, the amounts in minor units
    from cart_core.ports import ReadSet
    from cart_core.runtime import store

    assert (code["usage_limit"], code["region_ids"]) == (2, ["reg_a"])
    read = store().read(
        ReadSet("shop9", "any", discount_codes=frozenset({"SPRING"}), shipping_option_ids=frozenset({"so_1"}))
    )
    assert (read.discounts["SPRING"].usage_count, read.discounts["SPRING"].discount_id) == (0, "disc_1")
    stored = read.shipping_options["so_1"]
    assert (stored.amount_minor, stored.requirements[0].type, stored.requirements[0].amount_minor) == (
        1500, "min_subtotal", 3000,
    )  # fmt: skip
    assert option["region_id"] == "reg_a" and [(r.name, r.percent) for r in stored.tax_rates] == [("Reduced", 7)]


def test_a_usage_limited_discount_without_an_id_is_refused_and_not_stored(store) -> None:
    from decimal import Decimal

    from cart_core.admin import AdminError, create_discount
    from cart_core.catalog import DiscountKind
    from cart_core.ports import ReadSet

    # Given a code with a usage limit but no id (nothing would count its uses at placement)
    # When an admin creates it
    with pytest.raises(AdminError, match="usage limit needs an id"):
        create_discount(store, "demo", "ONCE", DiscountKind.PERCENTAGE, Decimal(10), usage_limit=1)
    # Then it is refused and nothing is stored, so no cart can apply it without limit
    assert "ONCE" not in store.read(ReadSet("demo", "main", discount_codes=frozenset({"ONCE"}))).discounts
