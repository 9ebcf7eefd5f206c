"""How much faster is the batched engine than a per-bee loop on datasets, and how close to
the machine's matmul peak does it get?

Two swarms, each through ``swarm.train`` (recording everything it records by default:
loss, test loss, train and test accuracy, grad norm, weights every epoch):

- moons: 500 bees, 2-16-16-2 ReLU, 1,000 training samples, 400 epochs, full batch,
  SGD lr 0.1 momentum 0.9, cross-entropy;
- digits: 200 bees, 64-32-10 ReLU, minibatches of 64, 20 epochs, Adam lr 0.001.

Two baselines, recording the same numbers every epoch (loss, accuracy, a test forward
pass, weight copies) and also bare (nothing recorded):

- the loop a user would write: one torch.nn module and torch.optim optimizer per bee,
  timed on a few bees and scaled;
- the PyTorch model-ensembling tutorial's way: ``torch.func.stack_module_state`` of the
  bees' modules, ``vmap(grad(...))`` of a ``functional_call`` loss, and one torch.optim
  optimizer on the stacked parameters (every bee sees the same minibatches: the
  cheapest form for it), all bees at once.

The achieved GFLOP/s counts the matmuls of training (forward, weight gradients, input
gradients past the first layer, the test forward pass) and is compared with one large
square ``torch.mm`` on the same threads, timed in the same run (the best of its timings at
the start and before every swarm run: a lower peak would flatter the share): swarm.train held to one
core (``SWARM_CORES=1``) against the one-thread peak, and swarm.train as it runs (its chunks
of bees share out every core) against the peak on every core. The baselines run on one
thread (the tutorial also on every core; the better counts). Best of the repeats (the
machine is shared and noisy: ``uptime`` is printed before and after).

Levers measured for issue 23 (2-core machine under load 9-21, best of 15-100 calls, one
16-bee moons chunk unless said): the first layer's weight gradient as (x @ delta^T)^T, 2 rows
instead of 2 columns, 333 -> 51 us; cross-entropy by a one-hot mask instead of gather/scatter,
272 -> 207 us, the same numbers; relu's backward written into the upstream gradient, 66 ->
46 us; Adam as torch's fused kernel, 1.35 -> 0.33 ms per digits step; digits' minibatches
in one chunk instead of chunks of 128 bees, 10.3 -> 3.7 ms per step. torch.compile of
a chunk's forward+backward did not pay: 119 s to compile, then 21.9 ms per call against 5.8 ms
eager (inductor's CPU code, load ~9), so the engine stays eager. SGD already updates all
parameters with one foreach call per operation.

Second round (thread CPU time, A/B alternating in one process, SWARM_CORES=1, load 2-5;
moons' 500 bees, 65-bee chunks). Where an epoch went before it: the three 16x16 matmuls
17 ms (45 GFLOP/s in the loop, 57 alone), the 2-wide layers' matmuls 10 ms, cross-entropy
6 ms, relu and its backward 5 ms, bias sums 1.5 ms, test forward pass 4 ms, accuracy
2.6 ms. Paid: two-class cross-entropy from one gradient row (log-sigmoid of the margin; the
last layer's backward as the broadcast product (w1 - w0) x g, its weight gradient one row)
and the first layer's bias sum inside its weight-gradient matmul (a ones row on the shared
input): the step 40.8 -> 35.6 ms an epoch, a 20-epoch swarm.train 1.07 -> 0.91 s (best of
6); two-class accuracy by one comparison, 1.7 -> 0.7 ms on [500, 2, 1000]; the test loss
from the margin, 1.04 -> 0.59 ms. Did not pay (within the noise or slower): the test
samples riding along in the training forward pass (and the [2, 16] x [16, N] product
rounds differently with N, so the trajectory would depend on record_every); bmm then
aten::_add_relu_ or add_ instead of baddbmm + relu_; relu's slope written into the
forward output in place (sign_) for the last layer's backward; the layer below the last
as a row scale times relu's backward of the broadcast gradient row (one [bee, unit, sample]
pass fewer on paper; evaluate 38.3 -> 37.4 ms median, 34.3 -> 35.5 best of 9); chunks of
16-128 bees (65 stays); the test pass in chunks of 65-500 bees.

Third round (issue 23): moons' step compiled (``swarm._model._kernel``, numba), one bee
at a time, a block of 256 samples from the input to the weight gradients in the core's
cache; where the eager step spent half its time streaming [bee, unit, sample] tensors
through memory. Per 500-bee epoch, one thread: the step 35 -> 23 ms (forward 8, the
two-class loss 2, weight gradients 6, the 16x16 input gradient and ReLU's backward 7;
per bee 4 us of copying in and out), the test pass 3.0 -> 2.4 ms. What it took: two
output rows times four inputs per pass over the samples (57 GFLOP/s forward, 79 for the
weight gradients, against one row's 17); numba's "numpy" error model (the default
checks every division: the loss ran 2x slower); ReLU as a product with its 0/1 gate, in
a loop over one array (a choice, or the same array passed twice, stayed scalar: 6-8x
slower); one exp a sample for two classes and one log a block. Digits' 64-pixel layer
runs slower compiled (0.6-0.8x: MKL's products with 64 inputs beat ours), so digits
stays eager; there, multi-class accuracy without the float rank product (7.3 -> 5.8 ms
a call in training) and per-bee labels' cross-entropy by gather and scatter (568 ->
377 us a step): 3-5% a run. "2 cores" had run digits on one torch thread: training sized
its pool by the 1-minute load average, which counted this very process's one-core run
just before as a busy core; now by the cores other processes leave idle
(``swarm._cores.free_cores``): digits 0.78-0.84 -> 0.57-0.63 s. Swarms that share chunks
of bees out over the cores keep torch at one thread (moons: 1.8 s, 3.0 s with two).

    python bench/dataset_speed.py            # CPU
    python bench/dataset_speed.py --device cuda
    python bench/dataset_speed.py --epochs-share 0.25   # a quarter of the epochs, on a busy day
    python bench/dataset_speed.py --peak-only --repeats 6 --epochs-share 0.1  # the % of peak only
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import os
import subprocess
import time

import torch
from torch import nn
from torch.func import functional_call, grad_and_value, stack_module_state, vmap

import swarm
from swarm import datasets
from swarm._threads import cores

MOONS = dict(name="moons", bees=500, width=16, depth=2, epochs=400, batch_size=None,
             optimizer="sgd", lr=0.1, data={"samples": 1250, "noise": 0.2})  # 1,000 train
DIGITS = dict(name="digits", bees=200, width=32, depth=1, epochs=20, batch_size=64,
              optimizer="adam", lr=0.001, data={})


def swarm_seconds(cfg: dict, device: str, ds, one_core: bool = False) -> float:
    """swarm.train's wall seconds: on every core (its chunks of bees share them out), or
    held to one core (SWARM_CORES=1) for the per-thread figure."""
    if one_core:
        os.environ["SWARM_CORES"] = "1"
    try:
        return _swarm_seconds(cfg, device, ds)
    finally:
        os.environ.pop("SWARM_CORES", None)


def _swarm_seconds(cfg: dict, device: str, ds) -> float:
    start = time.perf_counter()
    swarm.train(ds, bees=cfg["bees"], width=cfg["width"], depth=cfg["depth"],
                epochs=cfg["epochs"], batch_size=cfg["batch_size"], optimizer=cfg["optimizer"],
                lr=cfg["lr"], momentum=0.9, seed=0, device=device, progress=False)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def _net(cfg: dict, ds) -> nn.Sequential:
    dims = [ds.x.shape[1]] + [cfg["width"]] * cfg["depth"] + [len(ds.classes)]
    layers: list[nn.Module] = []
    for k, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
        layers += ([nn.ReLU()] if k else []) + [nn.Linear(a, b)]
    return nn.Sequential(*layers)


def loop_seconds(cfg: dict, ds, bees: int, record: bool) -> float:
    """The per-bee loop: one module and optimizer per bee, scaled to the swarm's bees.

    It runs on one thread (a 2-16-16-2 module gains nothing from more), and is compared
    with swarm.train held to one core."""
    with one_thread("cpu"):
        return _loop_seconds(cfg, ds, bees, record)


def _loop_seconds(cfg: dict, ds, bees: int, record: bool) -> float:
    x, y = torch.tensor(ds.x), torch.tensor(ds.y)
    x_test, y_test = torch.tensor(ds.x_test), torch.tensor(ds.y_test)
    size = cfg["batch_size"] or len(x)
    start = time.perf_counter()
    for bee in range(bees):
        torch.manual_seed(bee)
        net = _net(cfg, ds)
        opt = torch.optim.SGD(net.parameters(), lr=cfg["lr"], momentum=0.9) \
            if cfg["optimizer"] == "sgd" else torch.optim.Adam(net.parameters(), lr=cfg["lr"])
        history = []
        for epoch in range(cfg["epochs"]):
            if record:
                with torch.no_grad():
                    out, test = net(x), net(x_test)
                history.append((nn.functional.cross_entropy(out, y).item(),
                                (out.argmax(1) == y).float().mean().item(),
                                nn.functional.cross_entropy(test, y_test).item(),
                                (test.argmax(1) == y_test).float().mean().item(),
                                [p.detach().clone() for p in net.parameters()]))
            order = torch.randperm(len(x)) if size < len(x) else None
            for s in range(0, len(x), size):
                idx = order[s:s + size] if order is not None else slice(None)
                opt.zero_grad()
                nn.functional.cross_entropy(net(x[idx]), y[idx]).backward()
                opt.step()
    return (time.perf_counter() - start) * cfg["bees"] / bees


def tutorial_seconds(cfg: dict, ds, device: str, record: bool, threads: int = 1) -> float:
    """The model-ensembling tutorial's recipe on the whole swarm: stacked parameters,
    ``vmap(grad_and_value(loss))``, torch.optim on the stacked tensors; on one thread, as
    the loop, and also on every core where ``threads`` says so."""
    with one_thread(device, threads):
        return _tutorial_seconds(cfg, ds, device, record)


def _tutorial_seconds(cfg: dict, ds, device: str, record: bool) -> float:
    x, y = torch.tensor(ds.x, device=device), torch.tensor(ds.y, device=device)
    x_test, y_test = torch.tensor(ds.x_test, device=device), torch.tensor(ds.y_test, device=device)
    size = cfg["batch_size"] or len(x)
    start = time.perf_counter()
    torch.manual_seed(0)
    models = [_net(cfg, ds).to(device) for _ in range(cfg["bees"])]
    params, buffers = stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")

    def bee_loss(p, b, xb, yb):
        out = functional_call(base, (p, b), (xb,))
        return nn.functional.cross_entropy(out, yb), out

    step = vmap(grad_and_value(bee_loss, has_aux=True), in_dims=(0, 0, None, None))
    predict = vmap(lambda p, b, xb: functional_call(base, (p, b), (xb,)), in_dims=(0, 0, None))
    stacked = list(params.values())
    opt = torch.optim.SGD(stacked, lr=cfg["lr"], momentum=0.9) if cfg["optimizer"] == "sgd" \
        else torch.optim.Adam(stacked, lr=cfg["lr"])
    history = []
    for epoch in range(cfg["epochs"]):
        order = torch.randperm(len(x), device=device) if size < len(x) else None
        for s in range(0, len(x), size):
            idx = order[s:s + size] if order is not None else slice(None)
            grads, (loss, out) = step(params, buffers, x[idx], y[idx])
            if record and s == 0:  # full batch: the step's own loss, as swarm.train records
                if order is not None:  # minibatches: the whole training set's, before the step
                    _, (loss, out) = step(params, buffers, x, y)
                test = predict(params, buffers, x_test)
                test_loss = nn.functional.cross_entropy(
                    test.transpose(1, 2), y_test.expand(len(test), -1), reduction="none").mean(1)
                history.append((loss.cpu(), (out.argmax(-1) == y).float().mean(1).cpu(),
                                test_loss.cpu(), (test.argmax(-1) == y_test).float().mean(1).cpu(),
                                [p.detach().cpu().clone() for p in stacked]))
            for p, g in zip(stacked, grads.values()):
                p.grad = g
            opt.step()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def training_flops(cfg: dict, ds) -> float:
    """Matmul FLOPs of one swarm run: forward, weight and input gradients, test forward."""
    dims = [ds.x.shape[1]] + [cfg["width"]] * cfg["depth"] + [len(ds.classes)]
    macs = [a * b for a, b in zip(dims[:-1], dims[1:])]
    per_sample = 2 * (2 * sum(macs) + sum(macs[1:]))  # forward + dW + d(input) past layer 0
    full = cfg["batch_size"] is None
    # minibatch runs also evaluate the full training set at each recorded epoch
    per_epoch = len(ds.x) * per_sample * (1 if full else 2) + 2 * len(ds.x_test) * sum(macs)
    return cfg["bees"] * cfg["epochs"] * per_epoch


def matmul_gflops(device: str, threads: int, n: int = 2048, repeats: int = 5) -> float:
    """GFLOP/s of one n x n torch.mm on ``threads`` CPU threads (the best of ``repeats``)."""
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    best = float("inf")
    with one_thread(device, threads):
        for _ in range(repeats):
            start = time.perf_counter()
            torch.mm(a, b)
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best / 1e9


@contextlib.contextmanager
def one_thread(device: str, threads: int = 1):
    """torch on ``threads`` CPU threads for a block (nothing changes on a GPU)."""
    before = torch.get_num_threads()
    if not device.startswith("cuda"):
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def uptime() -> str:
    """``uptime``'s line (the load on the machine), or the load average where it is missing."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--loop-bees", type=int, default=4,
                        help="bees timed for the per-bee loop, scaled to the swarm (default 4)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--epochs-share", type=float, default=1.0,
                        help="run this share of each swarm's epochs, all sides alike (default 1)")
    parser.add_argument("--only", choices=("moons", "digits"), help="run one swarm")
    parser.add_argument("--peak-only", action="store_true",
                        help="time swarm.train and the matmul peak only (the goals in %% of peak), "
                             "not the baselines: more repeats in the same minutes")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("before:", uptime())
    every = 1 if args.device.startswith("cuda") else cores()
    peak_one = matmul_gflops(args.device, 1)
    peak_all = matmul_gflops(args.device, every)
    print(f"torch.mm 2048x2048: {peak_one:.1f} GFLOP/s on 1 thread, {peak_all:.1f} GFLOP/s on "
          f"{every} threads (swarm.train's chunks share out the {every} cores)")
    goals = {"moons": (20, 0.25), "digits": (5, 0.35)}
    for cfg in (MOONS, DIGITS):
        if args.only and cfg["name"] != args.only:
            continue
        cfg = dict(cfg, epochs=max(2, round(cfg["epochs"] * args.epochs_share)))
        ds = datasets.get_dataset(cfg["name"], **cfg["data"])
        swarm_seconds(dict(cfg, epochs=2), args.device, ds)  # warm-up
        flops = training_flops(cfg, ds) / 1e9
        runs: dict[str, list] = {k: [] for k in ("loop", "bare", "tut", "tut_bare", "tut_all",
                                                 "one", "all", "peak_one", "peak_all")}
        if not args.peak_only:
            tutorial_seconds(dict(cfg, epochs=1), ds, args.device, record=True)
        for _ in range(args.repeats):
            if not args.peak_only:
                runs["loop"].append(loop_seconds(cfg, ds, args.loop_bees, record=True))
                runs["bare"].append(loop_seconds(cfg, ds, args.loop_bees, record=False))
                runs["tut"].append(tutorial_seconds(cfg, ds, args.device, record=True))
                runs["tut_bare"].append(tutorial_seconds(cfg, ds, args.device, record=False))
                runs["tut_all"].append(tutorial_seconds(cfg, ds, args.device, record=True,
                                                        threads=every))
            # the peak timed again before each run: on a busy machine the best of many
            # timings is the closest to the idle machine's (a lower peak flatters the share)
            for key, one_core, threads in (("one", True, 1), ("all", False, every)):
                runs["peak_" + key].append(matmul_gflops(args.device, threads, repeats=3))
                runs[key].append(swarm_seconds(cfg, args.device, ds, one_core=one_core))
        best = {k: min(v) if v else float("nan") for k, v in runs.items()}
        one, every_core = best["one"], best["all"]
        peak_one = max([peak_one] + runs["peak_one"])
        peak_all = max([peak_all] + runs["peak_all"])
        shape = "-".join(map(str, [ds.x.shape[1]] + [cfg["width"]] * cfg["depth"]
                               + [len(ds.classes)]))
        goal_x, goal_peak = goals[cfg["name"]]
        print(f"{cfg['name']}: {cfg['bees']} bees {shape}, {len(ds.x)} samples, "
              f"{cfg['epochs']} epochs, batch {cfg['batch_size'] or 'full'}")
        if args.peak_only:
            print(f"  swarm.train, one core:   {one:8.2f} s")
            print(f"  swarm.train, {every} cores:   {every_core:8.2f} s")
            _print_peaks(flops, one, every_core, every, peak_one, peak_all, goal_peak)
            continue
        print(f"  per-bee loop, recording: {best['loop']:8.2f} s (1 thread; timed "
              f"{args.loop_bees} bees, scaled)")
        print(f"  per-bee loop, bare:      {best['bare']:8.2f} s")
        print(f"  tutorial vmap, recording:{best['tut']:8.2f} s (stack_module_state + vmap(grad), "
              f"torch.optim; 1 thread; {best['tut_all']:.2f} s on {every} threads)")
        print(f"  tutorial vmap, bare:     {best['tut_bare']:8.2f} s")
        print(f"  swarm.train, one core:   {one:8.2f} s")
        print(f"  swarm.train, {every} cores:   {every_core:8.2f} s")
        print(f"  speed-up on one core: {best['loop'] / one:.1f}x over the recording loop, "
              f"{best['bare'] / one:.1f}x over the bare loop (goal {goal_x}x); "
              f"{best['tut'] / one:.1f}x over the recording tutorial, "
              f"{best['tut_bare'] / one:.1f}x over the bare one")
        print(f"  on {every} cores: {min(best['tut'], best['tut_all']) / every_core:.1f}x over the "
              f"recording tutorial at its better thread count")
        _print_peaks(flops, one, every_core, every, peak_one, peak_all, goal_peak)
    print("after: ", uptime())


def _print_peaks(flops, one, every_core, every, peak_one, peak_all, goal):
    """swarm.train's GFLOP/s as shares of torch.mm's peak on the same threads (the best
    peak timed in this run)."""
    print(f"  one core: {flops / one:.1f} GFLOP/s = {flops / one / peak_one:.0%} of torch.mm's "
          f"one-thread peak ({peak_one:.1f}); {every} cores: {flops / every_core:.1f} GFLOP/s = "
          f"{flops / every_core / peak_all:.0%} of its {every}-thread peak ({peak_all:.1f}) "
          f"(goal {goal:.0%})")


if __name__ == "__main__":
    main()
