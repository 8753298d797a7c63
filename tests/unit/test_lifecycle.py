import pytest

from cart_core.cart import Cart
from cart_core.errors import Conflict, IllegalTransition
from cart_core.lifecycle import TERMINAL, TRANSITIONS, CartStatus, check_transition


def test_every_status_has_a_row_in_the_transition_table() -> None:
    assert set(TRANSITIONS) == set(CartStatus)


@pytest.mark.parametrize(
    ("current", "target"),
    [(current, target) for current in CartStatus for target in CartStatus if target not in TRANSITIONS[current]],
)
def test_transitions_outside_the_table_are_conflicts(current: CartStatus, target: CartStatus) -> None:
    with pytest.raises(IllegalTransition) as raised:
        check_transition(current, target)
    assert isinstance(raised.value, Conflict)


def test_terminal_states_go_nowhere() -> None:
    assert {CartStatus.REJECTED, CartStatus.EXPIRED, CartStatus.COMPLETED, CartStatus.CANCELED} == TERMINAL


def test_happy_path_stamps_each_step() -> None:
    cart = Cart(tenant_id="t", location_id="l", currency="USD")
    for step, at in (
        (CartStatus.SUBMITTED, 1),
        (CartStatus.VALIDATED, 2),
        (CartStatus.PAID, 3),
        (CartStatus.COMPLETED, 4),
    ):
        cart.transition(step, at)
    assert (cart.submitted_ms, cart.validated_ms, cart.paid_ms, cart.completed_ms) == (1, 2, 3, 4)


def test_only_open_carts_are_editable() -> None:
    cart = Cart(tenant_id="t", location_id="l", currency="USD")
    cart.require_editable()
    cart.transition(CartStatus.SUBMITTED, 1)
    with pytest.raises(Conflict):
        cart.require_editable()
