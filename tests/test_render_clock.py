"""The frame clock: how many frames, and which recorded epoch each shows."""
import numpy as np
import pytest

from swarm.render.clock import (EPOCH_SECONDS, frame_epochs, learning_share, learns_on_screen,
                                num_frames)


@pytest.mark.parametrize("epochs, want", [(25, 300), (400, 400), (5000, 450)])
def test_default_video_lasts_10_to_15_seconds(epochs, want):
    assert num_frames(epochs, fps=30) == want


@pytest.mark.parametrize("epochs, fps, want", [(1, 30, 12), (4, 30, 48), (5, 30, 60), (5, 10, 20),
                                               (24, 30, 288)])
def test_a_few_epochs_make_a_short_video(epochs, fps, want):
    assert EPOCH_SECONDS == 0.4
    assert num_frames(epochs, fps=fps) == want  # epochs x 0.4 s, not 10 s of held frames
    assert num_frames(epochs, fps=fps, duration=10) == 10 * fps  # a duration still rules


def test_learning_share_is_the_first_frame_at_half_the_rise():
    curve = np.array([0.5, 0.6, 0.7, 0.8, 0.9, 1.0])  # rise 0.5: 0.75 first passed at epoch 3
    assert learning_share(curve, np.arange(6)) == 3 / 6
    assert learning_share(curve, np.repeat(np.arange(6), 2)) == 6 / 12
    assert learning_share(curve, [0, 0, 0, 0, 1, 2, 4, 5]) == 6 / 8
    assert np.isnan(learning_share(curve[::-1], np.arange(6)))  # no rise
    assert np.isnan(learning_share(np.ones(4), np.arange(4)))
    # a jump in the first epoch on a linear clock: learnt before 2% of the frames
    jump = np.r_[0.5, np.full(399, 0.98)]
    linear, log = (frame_epochs(np.arange(400), 400, axis) for axis in ("linear", "log"))
    assert learning_share(jump, linear) == 1 / 400 and not learns_on_screen(1 / 400)
    steady = 0.5 + 0.5 * np.arange(400) / 399
    assert learning_share(steady, linear) == pytest.approx(0.5, abs=0.01)
    # the log clock moves a fast early rise into the window
    fast = 1.0 - 0.5 * np.exp(-np.arange(400) / 10)
    assert not learns_on_screen(learning_share(fast, linear))
    assert learns_on_screen(learning_share(fast, log))


def test_the_window_is_2_to_60_percent():
    assert [learns_on_screen(s) for s in (0.0, 0.019, 0.02, 0.3, 0.599, 0.6, float("nan"))] == \
        [False, False, True, True, True, False, False]


def test_duration_sets_the_frame_count():
    assert num_frames(400, fps=24, duration=2.5) == 60
    for bad in (0, -1, float("nan")):
        with pytest.raises(ValueError, match="`duration`"):
            num_frames(10, duration=bad)
    with pytest.raises(ValueError, match="`fps`"):
        num_frames(10, fps=0)


def test_linear_clock_holds_short_runs_and_skips_in_long_ones():
    held = frame_epochs(np.arange(4), 12)
    np.testing.assert_array_equal(held, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3])
    skipped = frame_epochs(np.arange(1000), 10)
    np.testing.assert_array_equal(skipped, np.floor(np.linspace(0, 999, 10) + 1e-9).astype(int))


def test_uneven_recorded_epochs_show_the_last_one_at_or_before_the_time():
    epochs = np.array([0, 1, 2, 4, 8, 16, 32])  # record_every growing
    np.testing.assert_array_equal(epochs[frame_epochs(epochs, 5)], [0, 8, 16, 16, 32])


@pytest.mark.parametrize("time_axis", ["linear", "log"])
@pytest.mark.parametrize("epochs, frames", [(400, 400), (150, 300), (2, 300), (1, 5), (5000, 450),
                                            (1000, 10), (3, 1)])
def test_the_last_frame_shows_the_last_recorded_epoch(epochs, frames, time_axis):
    index = frame_epochs(np.arange(epochs), frames, time_axis)
    assert len(index) == frames and index[-1] == epochs - 1
    assert index[0] == 0 or frames == 1
    assert np.all(np.diff(index) >= 0)


def test_log_clock_spends_more_frames_early():
    lin = frame_epochs(np.arange(400), 100)
    log = frame_epochs(np.arange(400), 100, "log")
    assert log[0] == 0 and log[-1] == 399 and np.all(np.diff(log) >= 0)
    assert (log < 40).sum() > 3 * (lin < 40).sum()
    with pytest.raises(ValueError, match="`time_axis`"):
        frame_epochs(np.arange(4), 4, "sqrt")
