"""Seed 001 ("Distribution of Weights in a Network") runs unchanged and writes its video."""
import sys
from pathlib import Path

import matplotlib
import pytest

from swarm.render.probe import probe

SEED_FILE = sorted((Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds").glob("001_*"))

# The notebook's code cells, verbatim (the seed text lost its indentation; restored here).
SEED_001 = '''\
import numpy as np
import torch
from torch import nn
from matplotlib import pyplot as plt
from IPython.display import Video
from swarm import core, animator, networks
import env
plt.rcParams["figure.figsize"] = (12.0, 12.0)
SEED = 20
if not env.FULL:
    NUM_EPOCHS = 4
    NUM_BEES = 5
else:
    NUM_EPOCHS = 400
    NUM_BEES = 500
def bee_trainer(xt, yt, width=2, num_epochs=200):
    """Define a simple training loop for use with swarm"""
    net = networks.flat_net(1, width, activation=nn.ReLU)
    optimiser = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_func = torch.nn.MSELoss()
    for epoch in range(num_epochs):
        optimiser.zero_grad()
        ypred = net(xt)
        loss = loss_func(ypred, yt)
        if torch.isnan(loss):
            raise RuntimeError("NaN loss, poorly configured experiment")
        loss.backward()
        optimiser.step()
        weight, bias, *_ = net.parameters()
        yield ypred, weight.detach().flatten().numpy().copy(), bias.detach().numpy().copy()
def main():
    xt = torch.linspace(-3 * np.pi, 3 * np.pi, 101)
    yt = torch.sin(xt)
    bp = {"xt": xt, "yt": yt, "width": 20, "num_epochs": NUM_EPOCHS}
    res = core.swarm_train(bee_trainer, bp, num_bees=NUM_BEES, fields="ypred,weights,biases", seed=SEED)
    bw = -res["biases"] / res["weights"]
    # reduce range to be safe
    bw = bw.clip(-10, 10)
    ls = animator.LineSwarm.standard(xt.detach().numpy(), yt.detach().numpy(), res["ypred"][::10], set_xlim=(-10,10))
    hist = animator.HistogramSwarm.from_swarm(
        bw, 100, set_title="- Biases/Weights", set_ylabel="Count", set_xlim=(-10,10)
    )
    animator.swarm_animate([ls, hist], "weight_distr.mp4")
main()
Video("weight_distr.mp4", embed=True)
'''


@pytest.mark.skipif(not SEED_FILE, reason="the seed notebooks are not beside this checkout")
def test_code_is_the_seeds():
    """Every line above appears in the seed's text, in the same order."""
    seed_lines = [line.strip() for line in SEED_FILE[0].read_text().splitlines()]
    at = 0
    for line in SEED_001.splitlines():
        at = seed_lines.index(line.strip(), at) + 1  # ValueError when a line is not the seed's


def test_seed_001_runs_unchanged(tmp_path, monkeypatch):
    pytest.importorskip("IPython")
    envdir = tmp_path / "env"
    envdir.mkdir()
    (envdir / "env.py").write_text("FULL = False\n")
    monkeypatch.syspath_prepend(str(envdir))
    monkeypatch.delitem(sys.modules, "env", raising=False)
    run = tmp_path / "run"
    run.mkdir()
    monkeypatch.chdir(run)
    namespace = {"__name__": "seed_001"}
    with matplotlib.rc_context():
        exec(compile(SEED_001, "seed_001", "exec"), namespace)
    assert sorted(p.name for p in run.iterdir()) == ["weight_distr.mp4"]  # nothing left over
    info = probe(run / "weight_distr.mp4")
    assert (info["codec"], info["pix_fmt"], info["faststart"]) == ("h264", "yuv420p", True)
    assert info["frames"] == namespace["NUM_EPOCHS"] == 4
    assert info["width"] % 2 == 0 and info["height"] % 2 == 0
