"""The frame clock: which recorded epoch each video frame shows.

By default a video lasts 10 to 15 seconds: a long run skips epochs, a shorter
one holds each epoch for several frames, and a run of a few epochs makes a short
video (each epoch held at most 0.4 s). Early epochs change most, so
``time_axis="log"`` spaces frames evenly in log(epoch + 1). :func:`learning_share`
says where in a video a curve does its learning.
"""
from __future__ import annotations

import numpy as np

__all__ = ["num_frames", "frame_epochs", "follow", "learning_share", "learns_on_screen",
           "TIME_AXES", "DEFAULT_SECONDS", "EPOCH_SECONDS", "LEARNING_WINDOW"]

TIME_AXES = ("linear", "log")
DEFAULT_SECONDS = (10.0, 15.0)
EPOCH_SECONDS = 0.4  # the longest a recorded epoch is held by default
#: A curve should gain half its final rise after this share of the frames and before that.
LEARNING_WINDOW = (0.02, 0.6)


def num_frames(num_epochs: int, fps: float = 30, duration: float | None = None) -> int:
    """How many frames a video of ``num_epochs`` recorded epochs gets.

    With ``duration`` (seconds): ``round(duration * fps)``. Without: one frame
    per epoch, clipped to 10..15 seconds of video, and at most ``EPOCH_SECONDS``
    of video per recorded epoch (5 epochs: 60 frames at 30 fps, not 300).
    """
    if not (np.isscalar(fps) and np.isfinite(fps) and fps > 0):
        raise ValueError(f"`fps` must be a positive number, got {fps!r}")
    if duration is not None:
        if not (np.isscalar(duration) and np.isfinite(duration) and duration > 0):
            raise ValueError(f"`duration` must be a positive number of seconds, got {duration!r}")
        return max(1, int(round(duration * fps)))
    low, high = (int(round(s * fps)) for s in DEFAULT_SECONDS)
    return max(1, min(int(np.clip(num_epochs, low, high)),
                      int(round(num_epochs * EPOCH_SECONDS * fps))))


def frame_epochs(epochs, frames: int, time_axis: str = "linear") -> np.ndarray:
    """Index into ``epochs`` [epoch] (the recorded epoch numbers, increasing) for each frame: int64 [frame].

    Frame f shows the last recorded epoch at or before its time. With more
    frames than epochs each epoch is held about equally long; with fewer, they
    are skipped evenly. The first and last frames always show the first and
    last recorded epochs.
    """
    if time_axis not in TIME_AXES:
        raise ValueError(f"`time_axis` must be one of {', '.join(TIME_AXES)}, got {time_axis!r}")
    epochs = np.asarray(epochs, dtype=np.float64)
    if epochs.size == 0:
        raise ValueError("the recording has no epochs to show")
    if int(frames) < 1:
        raise ValueError(f"`frames` must be at least 1, got {frames!r}")
    first, last = epochs[0], epochs[-1]
    frames = int(frames)
    hold = frames >= epochs.size  # every epoch gets about the same number of frames
    if hold:  # the last epoch lasts one step too, so it is held as long as the others
        end = last + (last - epochs[-2] if epochs.size > 1 else 1.0)
        share = np.arange(frames) / frames
    else:  # skipping: the first and last frames show the first and last epochs
        end = last
        share = np.linspace(0.0, 1.0, frames)
    if time_axis == "log":
        times = first - 1 + (end - first + 1) ** share
    else:
        times = first + share * (end - first)
    index = np.searchsorted(epochs, times + 1e-9 * max(1.0, last), side="right") - 1
    index = np.clip(index, 0, epochs.size - 1).astype(np.int64)
    index[-1] = epochs.size - 1  # a held log clock's last step starts before the last epoch
    return index


def follow(lead, lead_frames: int, counts) -> np.ndarray:
    """The frame scheduler: each panel's frame while the lead shows ``lead`` [frame]: int64 [frame, panel].

    ``lead`` indexes the lead's ``lead_frames`` steps; a panel with ``counts[p]``
    frames shows the one at the same fraction of the way through (first to
    first, last to last), so panels of any length stay in step.
    """
    share = np.asarray(lead, dtype=np.float64) / max(int(lead_frames) - 1, 1)
    counts = np.asarray(counts, dtype=np.int64)
    return np.rint(share[:, None] * (counts[None, :] - 1)).astype(np.int64)


def learning_share(curve, epoch_of_frame) -> float:
    """The share of a video's frames shown before ``curve`` first gains half its rise.

    ``curve`` [epoch]: e.g. the bees' median accuracy at each recorded epoch;
    ``epoch_of_frame`` int [frame]: :func:`frame_epochs`. The rise is the curve's
    value on the last frame less its value on the first; the answer is the index of
    the first frame at or above half of it, over the number of frames (0 to <1).
    NaN when the curve does not rise.
    """
    shown = np.asarray(curve, dtype=np.float64)[np.asarray(epoch_of_frame)]
    rise = shown[-1] - shown[0]
    if not rise > 0:
        return float("nan")
    return int(np.argmax(shown >= shown[0] + rise / 2)) / shown.size


def learns_on_screen(share: float) -> bool:
    """Whether a video spends its time where learning happens: ``share``
    (:func:`learning_share`) inside :data:`LEARNING_WINDOW`."""
    low, high = LEARNING_WINDOW
    return bool(low <= share < high)
