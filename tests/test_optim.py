"""The stacked optimizers against torch.optim on the same gradients, step for step."""
import pytest
import torch

from swarm._optim import make_optimizer


def run_both(name, lr, momentum, steps=60):
    torch.manual_seed(1)
    start = [torch.randn(4, 3, 5), torch.randn(4, 3)]
    grads = [[torch.randn_like(p) for p in start] for _ in range(steps)]
    ref = [p.clone().requires_grad_() for p in start]
    torch_opt = torch.optim.Adam(ref, lr=0.01, betas=(0.9, 0.999)) if name == "adam" else \
        torch.optim.SGD(ref, lr=0.01, momentum=0.9)
    ours = make_optimizer(name, [p.clone() for p in start], lr, momentum)
    for step in grads:
        for r, g in zip(ref, step):
            r.grad = g.clone()
        torch_opt.step()
        ours.step([g.clone() for g in step])
    return [r.detach() for r in ref], ours.params


@pytest.mark.parametrize("name", ["adam", "sgd"])
@pytest.mark.parametrize("per_bee", [False, True])
def test_stacked_update_follows_torch_optim(name, per_bee):
    """Shared hyperparameters take the fused/foreach path, per-bee tensors the general one;
    both follow torch.optim to float32 rounding."""
    lr = torch.full((4,), 0.01) if per_bee else 0.01
    momentum = torch.full((4,), 0.9) if per_bee else 0.9
    ref, ours = run_both(name, lr, momentum)
    for r, p in zip(ref, ours):
        torch.testing.assert_close(p, r, rtol=0, atol=2e-6)
