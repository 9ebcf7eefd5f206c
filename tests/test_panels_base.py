"""The panel registry, tracked bees and the diverged note."""
import math
from fractions import Fraction

import numpy as np
import pytest

from swarm.panels import PANELS, get_panel, pick_tracked
from swarm.panels.base import Panel, diverged_notes
from render_helpers import hand_recording


def test_registry_lists_valid_names_on_a_miss():
    assert list(PANELS) == ["line", "breakpoints", "weights", "rank", "loss", "boundary", "units",
                           "accuracy", "filters", "predictions"]
    assert get_panel(" Line ") is PANELS["line"]
    with pytest.raises(ValueError, match="unknown panel 'lines'; choose from line, breakpoints"):
        get_panel("lines")
    assert all(issubclass(cls, Panel) and cls.name == name for name, cls in PANELS.items())


def test_tracked_bees_spread_over_the_final_loss_ranking():
    loss = np.zeros((10, 3), np.float32)
    loss[:, -1] = [9, 0, 8, 1, 7, 2, 6, 3, 5, 4]
    diverged = np.zeros(10, bool)
    diverged[1] = True  # the best final loss, but diverged
    rec = hand_recording(np.zeros((10, 3, 4)), loss=loss, diverged=diverged)
    picked = pick_tracked(rec, 3)
    assert 1 not in picked and picked[0] == 3  # best live bee first
    assert picked[-1] == 0  # the worst last
    np.testing.assert_array_equal(picked, pick_tracked(rec, 3))
    assert pick_tracked(rec, 0).size == 0 and pick_tracked(rec, 50).size == 9
    with pytest.raises(ValueError, match="`tracked`"):
        pick_tracked(rec, -1)


@pytest.mark.parametrize("seed", range(20))
def test_tracked_bees_match_a_hand_written_ranking(seed):
    rng = np.random.default_rng(seed)
    bees, n = int(rng.integers(1, 40)), int(rng.integers(1, 8))
    final = rng.choice([0.1, 0.2, 0.5, 1.0, 2.0, np.nan], size=bees)  # ties and NaNs on purpose
    diverged = rng.random(bees) < 0.2
    loss = np.zeros((bees, 2), np.float32)
    loss[:, -1] = final
    rec = hand_recording(np.zeros((bees, 2, 3)), loss=loss, diverged=diverged)
    # by hand: live bees from best to worst final loss (NaN worst, ties by index); then for
    # each of `count` evenly spaced shares 5%..95% (exact fractions) the bee that far down
    # the list; an exact half may round either way
    live = [b for b in range(bees) if not diverged[b]]
    ranked = sorted(live, key=lambda b: (np.inf if np.isnan(final[b]) else final[b], b))
    count = min(n, len(ranked))
    wanted = []
    for i in range(count):
        share = Fraction(1, 20) + (Fraction(9, 10) * i / (count - 1) if count > 1 else 0)
        place = share * (len(ranked) - 1)
        low = math.floor(place)
        wanted.append({low, low + 1} if place - low == Fraction(1, 2) else {round(place)})
    picked = pick_tracked(rec, n).tolist()
    places = [ranked.index(b) for b in picked]  # fails if a diverged bee was picked
    assert places == sorted(set(places))  # best first, each bee once
    assert all(set(places) & w for w in wanted) and set(places) <= set().union(*wanted)


def test_diverged_notes_count_the_bees_diverged_by_each_epoch():
    rec = hand_recording(np.zeros((4, 2, 3)))
    assert diverged_notes(rec) == [None, None]
    rec = hand_recording(np.zeros((4, 3, 3)), diverged=np.array([1, 0, 1, 0], bool),
                         diverged_at=np.array([1, -1, 2, -1]))
    assert diverged_notes(rec) == [None, "1 of 4 bees diverged (not shown)",
                                   "2 of 4 bees diverged (not shown)"]


def test_a_panel_must_draw():
    with pytest.raises(NotImplementedError, match="draw"):
        Panel().draw(None, 0)
