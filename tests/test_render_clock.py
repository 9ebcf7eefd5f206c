"""The frame clock: how many frames, and which recorded epoch each shows."""
import numpy as np
import pytest

from swarm.render.clock import frame_epochs, num_frames


@pytest.mark.parametrize("epochs, want", [(4, 300), (400, 400), (5000, 450)])
def test_default_video_lasts_10_to_15_seconds(epochs, want):
    assert num_frames(epochs, fps=30) == want


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
