"""The model layer, under both the engine and the metrics: the activations by
name (``activations``), the built-in MLP stacked over bees with its fused
forward and backward (``mlp``), one table of losses with their gradients
(``losses``), and the two ways of evaluating a whole swarm (``nets``: the
fused MLP and torch.func over any module). Nothing here knows about training
loops, recordings or rendering."""
