"""The activations' hand-written backward (new tensor and written into ``up``) against autograd."""
import pytest
import torch

from swarm._model.activations import ACTIVATIONS


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.backward_ is not None])
def test_backward_into_up_equals_autograd_and_the_plain_backward(name):
    act = ACTIVATIONS[name]
    pre = torch.randn(3, 4, 50, dtype=torch.float64, requires_grad=True)
    up = torch.randn(3, 4, 50, dtype=torch.float64)
    act.module()(pre).backward(up)
    with torch.no_grad():
        out = act.fn(pre)
        plain = act.backward(up, pre, out)
        into = up.clone()
        returned = act.backward_(into, pre, out)
    assert returned.data_ptr() == into.data_ptr()  # written into up, no new tensor
    torch.testing.assert_close(into, pre.grad, rtol=0, atol=1e-12)
    assert torch.equal(into, plain)
