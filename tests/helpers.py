"""Independent answers for tests: plain one-bee torch loops."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from swarm import networks
from swarm._model import activations as _act


def plain_net(rec, bee: int) -> nn.Sequential:
    """bee's network as an ordinary nn.Sequential, loaded with its recorded epoch-0 weights."""
    spec = rec.meta["spec"]
    layers: list[nn.Module] = []
    for k in rec.layer_indices:
        w = rec.weights(k)[bee, 0]
        if k:
            layers.append(_act.get(spec["activation"]).module())
        lin = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(rec.biases(k)[bee, 0]))
        layers.append(lin)
    return nn.Sequential(*layers)


def plain_optimizer(name: str, params, lr: float, momentum: float):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum)
    if name == "nesterov":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=True)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(momentum, 0.999))
    return torch.optim.RMSprop(params, lr=lr, momentum=momentum)


LOSSES = {"mse": nn.MSELoss(), "l1": nn.L1Loss(), "huber": nn.HuberLoss()}


def plain_loop(rec, bee: int, optimizer: str, epochs: int):
    """Train bee alone with torch.nn + torch.optim; returns ypred [epoch, point], weights per layer."""
    spec = rec.meta["spec"]
    net = plain_net(rec, bee)
    opt = plain_optimizer(optimizer, net.parameters(), spec["lr"], spec["momentum"])
    x = torch.from_numpy(rec.x).unsqueeze(-1)
    y = torch.from_numpy(rec.y)
    preds, weights = [], []
    for _ in range(epochs):
        opt.zero_grad()
        ypred = net(x)[:, 0]
        preds.append(ypred.detach().numpy().copy())
        weights.append([p.detach().numpy().copy() for p in net.parameters()])
        LOSSES[spec["loss"]](ypred, y).backward()
        opt.step()
    return np.array(preds), weights


def seed001_bee_trainer(xt, yt, width=2, num_epochs=200):
    """Seed 001's loop, verbatim (tests/test_seed001.py runs the whole notebook)."""
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
