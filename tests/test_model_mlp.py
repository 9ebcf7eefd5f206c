"""The fused MLP's hand-written backward against autograd, in its special paths."""
import pytest
import torch

from swarm._model import activations, losses, mlp


def _net(sizes, bees=4, seed=0):
    return [p.double() for p in mlp.init_params(sizes, range(bees), seed)]


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
@pytest.mark.parametrize("per_bee", [False, True])
@pytest.mark.parametrize("activation", ["relu", "tanh", "identity", "square"])
def test_two_class_pair_backward_equals_autograd_of_cross_entropy(depth, per_bee, activation):
    """``backward(pair=True)`` with the one-row loss gradient gives every parameter's
    autograd gradient of the two-class cross-entropy (moons' path: 2 inputs, bias sum
    folded into the first layer's weight gradient when the input is shared; the layer
    below the last one's delta as a row scale times act's backward of the broadcast row)."""
    sizes = mlp.layer_sizes(5, depth, n_in=2, n_out=2)
    params = _net(sizes)
    gen = torch.Generator().manual_seed(depth)
    x = torch.randn(4 if per_bee else 1, 2, 23, dtype=torch.float64, generator=gen)
    labels = torch.randint(0, 2, (4 if per_bee else 1, 23), generator=gen)
    act = activations.get(activation)
    out, cache = mlp.forward(params, x, act, keep=True)
    _, g = losses.get("cross_entropy").pair(out, labels)
    got = mlp.backward(params, cache, g, act, pair=True)
    leaves = [p.clone().requires_grad_(True) for p in params]
    total = losses.get("cross_entropy").value(mlp.forward(leaves, x, act), labels).sum()
    for mine, auto in zip(got, torch.autograd.grad(total, leaves)):
        assert mine.shape == auto.shape
        torch.testing.assert_close(mine, auto)


@pytest.mark.parametrize("n_in", [1, 2, 3, 8])
def test_weight_and_bias_gradients_of_a_shared_input_equal_autograd(n_in):
    """The bias sum taken with the weight gradient's matmul (a ones row on a shared input
    of fewer features than units) and the plain sums alike give autograd's gradients."""
    params = _net(mlp.layer_sizes(6, 1, n_in=n_in, n_out=3))
    x = torch.randn(1, n_in, 17, dtype=torch.float64, generator=torch.Generator().manual_seed(n_in))
    act = activations.get("tanh")
    out, cache = mlp.forward(params, x, act, keep=True)
    got = mlp.backward(params, cache, torch.ones_like(out), act)
    leaves = [p.clone().requires_grad_(True) for p in params]
    for mine, auto in zip(got, torch.autograd.grad(mlp.forward(leaves, x, act).sum(), leaves)):
        torch.testing.assert_close(mine, auto)
