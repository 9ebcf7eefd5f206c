"""The loss table: values against torch.nn's losses, gradients against autograd."""
import pytest
import torch
from torch import nn

from swarm._model import losses

BEES, CLASSES, SAMPLES = 3, 4, 7


def _logits_and_labels(per_bee: bool):
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(BEES, CLASSES, SAMPLES, dtype=torch.float64, generator=gen) * 2
    shape = (BEES, SAMPLES) if per_bee else (1, SAMPLES)
    labels = torch.randint(0, CLASSES, shape, generator=gen)
    return logits, labels


def _reference(name: str, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """torch.nn's loss of one bee: pred [class, sample], target labels [sample] or like pred."""
    if name == "cross_entropy":
        return nn.CrossEntropyLoss()(pred.T, target)
    if name == "hinge":
        return nn.MultiMarginLoss()(pred.T, target)
    if name == "fourth":
        return ((pred - target) ** 4).mean()
    if name == "constant":
        return pred.sum() * 0.0  # a constant: no gradient from the data
    table = {"mse": nn.MSELoss(), "l1": nn.L1Loss(), "huber": nn.HuberLoss()}
    return table[name](pred, target.expand_as(pred))


@pytest.mark.parametrize("name", list(losses.LOSSES))
@pytest.mark.parametrize("per_bee", [False, True])
def test_value_matches_torch_nn_and_gradient_matches_autograd(name, per_bee):
    loss = losses.get(name)
    logits, labels = _logits_and_labels(per_bee)
    target = labels if loss.labels else \
        nn.functional.one_hot(labels, CLASSES).double().movedim(-1, -2)
    pred = logits.clone().requires_grad_(True)
    value, grad = loss.value_and_grad(pred.detach(), target)
    assert value.shape == (BEES,) and grad.shape == pred.shape
    torch.testing.assert_close(loss.value(pred.detach(), target), value)
    for bee in range(BEES):
        t = target[bee if per_bee else 0]
        ref = _reference(name, pred[bee], t)
        torch.testing.assert_close(value[bee], ref.detach())
        (auto,) = torch.autograd.grad(ref, pred, allow_unused=True)
        auto = torch.zeros_like(pred) if auto is None else auto
        torch.testing.assert_close(grad[bee], auto[bee])


@pytest.mark.parametrize("name", ["mse", "l1", "huber"])
def test_one_d_target_losses_match_torch_nn(name):
    gen = torch.Generator().manual_seed(1)
    pred = torch.randn(BEES, 11, dtype=torch.float64, generator=gen) * 2
    y = torch.randn(1, 11, dtype=torch.float64, generator=gen)
    value, grad = losses.get(name).value_and_grad(pred, y)
    for bee in range(BEES):
        p = pred[bee].clone().requires_grad_(True)
        ref = _reference(name, p, y[0])
        ref.backward()
        torch.testing.assert_close(value[bee], ref.detach())
        torch.testing.assert_close(grad[bee], p.grad)


def test_tasks_accept_their_losses_only():
    assert losses.names_for("target") == ("mse", "l1", "huber")
    assert set(losses.names_for("classification")) == {"mse", "l1", "cross_entropy", "fourth",
                                                       "hinge", "constant"}
    assert "cross_entropy" not in losses.names_for("regression")


def test_the_activation_table_takes_piecewise_linearity_from_the_torch_free_facts():
    from swarm._facts import PIECEWISE_LINEAR
    from swarm._model import activations

    assert {n for n, a in activations.ACTIVATIONS.items() if a.piecewise_linear} \
        == PIECEWISE_LINEAR


@pytest.mark.parametrize("classes", [2, 3, 10])
@pytest.mark.parametrize("per_bee", [False, True])
@pytest.mark.parametrize("finite", [False, True])
def test_accuracy_is_argmax_with_the_first_of_tied_logits(classes, per_bee, finite):
    """Against a plain loop over samples with Python's max (first index of the largest);
    rounded logits make ties common, NaN logits count as wrong (all finite: two classes'
    one-comparison path)."""
    gen = torch.Generator().manual_seed(classes)
    logits = torch.randint(-2, 3, (5, classes, 40), generator=gen).float()
    logits[1, :, :3] = 0.0  # every class tied
    if not finite:
        logits[2, 1, 4] = float("nan")
        logits[3, :, 5] = float("inf")
    labels = torch.randint(0, classes, (5 if per_bee else 1, 40), generator=gen)
    got = losses.accuracy(logits, labels)
    for bee in range(5):
        hits = 0
        for s in range(40):
            column = logits[bee, :, s].tolist()
            if any(v != v for v in column):
                continue
            first = max(range(classes), key=lambda c: (column[c], -c))
            hits += first == int(labels[bee if per_bee else 0, s])
        assert got[bee].item() == pytest.approx(hits / 40)


def test_cross_entropy_stays_finite_for_logits_far_apart():
    """Log-probabilities far below float32's smallest exp (-2e38) give a finite loss and gradient."""
    logits = torch.tensor([[[0.0, 1e38], [1e38, -1e38], [0.0, 0.0]]])  # [1, class 3, sample 2]
    labels = torch.tensor([[2, 1]])
    value, grad = losses.get("cross_entropy").value_and_grad(logits, labels)
    assert torch.isfinite(value).all() and torch.isfinite(grad).all()
    torch.testing.assert_close(losses.get("cross_entropy").value(logits, labels), value)
    ref = nn.CrossEntropyLoss()(logits[0].T.double(), labels[0])
    torch.testing.assert_close(value[0].double(), ref, rtol=1e-6, atol=0)


@pytest.mark.parametrize("per_bee", [False, True])
def test_two_class_cross_entropy_pair_matches_torch_nn_and_autograd(per_bee):
    """The pair form's value is torch.nn's cross-entropy; its one gradient row is autograd's
    dloss/dlogit1 and minus dloss/dlogit0, with logits far apart and tied among them."""
    gen = torch.Generator().manual_seed(3)
    logits = torch.randn(BEES, 2, 30, dtype=torch.float64, generator=gen) * 4
    logits[0, :, :2] = 1.5  # tied
    logits[1, 0, 2], logits[1, 1, 2] = 60.0, -60.0  # far apart: exp underflows in float32
    labels = torch.randint(0, 2, (BEES if per_bee else 1, 30), generator=gen)
    loss = losses.get("cross_entropy")
    value, grad = loss.pair(logits, labels)
    assert value.shape == (BEES,) and grad.shape == (BEES, 1, 30)
    pred = logits.clone().requires_grad_(True)
    for bee in range(BEES):
        ref = _reference("cross_entropy", pred[bee], labels[bee if per_bee else 0])
        torch.testing.assert_close(value[bee], ref.detach())
        (auto,) = torch.autograd.grad(ref, pred)
        torch.testing.assert_close(grad[bee, 0], auto[bee, 1])
        torch.testing.assert_close(-grad[bee, 0], auto[bee, 0])
    full_value, full_grad = loss.value_and_grad(logits, labels)
    torch.testing.assert_close(value, full_value)
    torch.testing.assert_close(loss.value(logits, labels), value)  # two classes' own path
    torch.testing.assert_close(grad[:, 0], full_grad[:, 1])


def test_two_class_pair_loss_is_inf_beyond_float32_on_the_wrong_side_and_zero_on_the_right():
    logits = torch.tensor([[[3e38, -3e38], [-3e38, 3e38]]])  # [1, class 2, sample 2]
    value, grad = losses.get("cross_entropy").pair(logits, torch.tensor([[1, 1]]))
    assert value[0] == float("inf") and torch.isfinite(grad).all()
    assert losses.get("cross_entropy").value(logits, torch.tensor([[1, 1]]))[0] == float("inf")
    value, grad = losses.get("cross_entropy").pair(logits, torch.tensor([[0, 1]]))
    assert value[0] == 0.0 and torch.equal(grad, torch.zeros_like(grad))
