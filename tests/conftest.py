"""Shared test set-up: a headless matplotlib and quiet, seeded libraries."""
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same global random state."""
    torch.manual_seed(0)
    np.random.seed(0)
    yield


@pytest.fixture(scope="module")
def rec():
    """A small trained swarm (8 bees, 12 epochs) for report and notebook tests; files that
    need another define their own ``rec``."""
    import swarm

    return swarm.train("sin", bees=8, epochs=12, width=6, progress=False)


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """A real 30-frame H.264 MP4 (see ``report_helpers.make_mp4``)."""
    from report_helpers import make_mp4

    return make_mp4(tmp_path_factory.mktemp("clips") / "swarm.mp4", frames=30)
