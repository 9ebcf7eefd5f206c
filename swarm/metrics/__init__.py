"""Analyses of recordings: pure functions of a Recording or of plain arrays,
vectorised over the leading [bee, epoch] dimensions. One module per family:

- breakpoints: ``breakpoints``, ``breakpoint_histogram`` (exact kinks of
  piecewise-linear networks)
- alignment: ``turning_points``, ``breakpoint_alignment``
- spectrum: ``singular_values``, ``effective_rank``, ``spectra``
- complexity: ``gzip_complexity``, ``weight_complexity``
- weights: ``weight_density``, ``relative_weight_change``,
  ``delta_w_correlation``, ``weight_pca``
- landscape: ``minimal_ratio``, ``sensitivity``, ``interpolate``
- generalization: ``interpolate_swarms`` (bee i of one recording to bee i of
  another: loss and accuracy, training and test)
- summary: ``summary``, ``format_summary``
- thresholds: the seed toolkit's ``mse_loss``, ``iteration_threshold``,
  ``iteration_threshold_ratio``
- training: ``layer_convergence``, ``sparsity``, ``epochs_to_threshold``
"""
from swarm.metrics.alignment import breakpoint_alignment, turning_points
from swarm.metrics.breakpoints import breakpoint_histogram, breakpoints
from swarm.metrics.complexity import gzip_complexity, weight_complexity
from swarm.metrics.generalization import Interpolation, interpolate_swarms
from swarm.metrics.landscape import MinimalRatio, interpolate, minimal_ratio, sensitivity
from swarm.metrics.spectrum import effective_rank, singular_values, spectra
from swarm.metrics.summary import format_summary, summary
from swarm.metrics.thresholds import iteration_threshold, iteration_threshold_ratio, mse_loss
from swarm.metrics.training import epochs_to_threshold, layer_convergence, sparsity
from swarm.metrics.weights import (WeightPCA, delta_w_correlation, relative_weight_change,
                                   weight_density, weight_pca)

__all__ = [
    "breakpoints", "breakpoint_histogram", "turning_points", "breakpoint_alignment",
    "singular_values", "effective_rank", "spectra", "gzip_complexity", "weight_complexity",
    "weight_density", "relative_weight_change", "delta_w_correlation", "weight_pca", "WeightPCA",
    "minimal_ratio", "MinimalRatio", "sensitivity", "interpolate", "interpolate_swarms",
    "Interpolation", "summary", "format_summary",
    "mse_loss", "iteration_threshold", "iteration_threshold_ratio",
    "layer_convergence", "sparsity", "epochs_to_threshold",
]
