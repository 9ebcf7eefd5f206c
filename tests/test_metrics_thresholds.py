"""The seed toolkit's helpers: mse_loss and iteration_threshold(_ratio)."""
import numpy as np
import pytest
import torch

from swarm.metrics import iteration_threshold, iteration_threshold_ratio, mse_loss

SCORES = np.array([5.0, 3.0, 0.5, 2.0, 0.4, 0.3])


def test_mse_loss_is_the_mean_over_the_last_axis_for_numpy_and_torch():
    preds = np.arange(12.0).reshape(2, 2, 3)
    y = np.array([1.0, 0.0, 2.0])
    expected = np.array([[np.mean((row - y) ** 2) for row in bee] for bee in preds])
    np.testing.assert_allclose(mse_loss(preds, y), expected)
    out = mse_loss(torch.as_tensor(preds), torch.as_tensor(y))
    assert isinstance(out, torch.Tensor)
    np.testing.assert_allclose(out.numpy(), expected)


@pytest.mark.parametrize("criterion, direction, threshold, expected", [
    ("first", "below", 1.0, 2), ("always", "below", 1.0, 4), ("first", "below", 0.1, None),
    ("first", "above", 2.5, 0), ("always", "above", 0.35, None), ("always", "below", 6, 0),
    ("first", "below", 0.5, 4),  # strictly below
])
def test_iteration_threshold_on_one_curve(criterion, direction, threshold, expected):
    assert iteration_threshold(SCORES, threshold, criterion, direction) == expected


def test_batched_scores_give_one_index_per_bee_and_minus_one_when_never():
    scores = np.stack([SCORES, SCORES[::-1], np.full(6, 9.0)])
    brute = [next((i for i, s in enumerate(row) if s < 1.0), -1) for row in scores]
    np.testing.assert_array_equal(iteration_threshold(scores, 1.0), brute)
    always = [next((i for i in range(6) if (row[i:] < 1.0).all()), -1) for row in scores]
    np.testing.assert_array_equal(iteration_threshold(scores, 1.0, "always"), always)
    np.testing.assert_array_equal(iteration_threshold(torch.as_tensor(scores), 1.0), brute)


def test_ratio_thresholds_are_relative_to_the_reference_iteration():
    assert iteration_threshold_ratio(SCORES, 0.2) == 2  # below 1.0 = 0.2 * 5
    assert iteration_threshold_ratio(SCORES, 0.5, reference_iteration=1) == 2  # below 1.5
    batched = iteration_threshold_ratio(np.stack([SCORES, 2 * SCORES]), 0.2, "always")
    np.testing.assert_array_equal(batched, [4, 4])


def test_ratio_refuses_scores_that_cross_zero():
    with pytest.raises(ValueError, match="cross zero"):
        iteration_threshold_ratio(np.array([1.0, -0.5, 0.2]), 0.5)


@pytest.mark.parametrize("kwargs, match", [
    ({"criterion": "last"}, "`criterion`"), ({"direction": "under"}, "`direction`"),
])
def test_bad_choices_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        iteration_threshold(SCORES, 1.0, **kwargs)
    with pytest.raises(ValueError, match=match):
        iteration_threshold_ratio(SCORES, 0.5, **kwargs)


def test_bad_reference_iteration_is_refused():
    with pytest.raises(ValueError, match="`reference_iteration`"):
        iteration_threshold_ratio(SCORES, 0.5, reference_iteration=6)
