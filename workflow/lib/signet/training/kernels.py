"""Compiled loss terms of the fused batch step (:mod:`signet.training.fused`): values and
gradients of the fit and of the parameter regularizers in one pass each (numba, CPU)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["fit_and_gradient", "parameter_terms", "adam_update"]


@njit(cache=True, nogil=True)
def fit_and_gradient(x, tf_nodes, cols, projection, y, coefficient):
    """MSE(p[cols] * x[:, tf_nodes], y), with ``coefficient`` times its gradient with
    respect to x (batch x nodes; zero off the TF nodes) and to the projection p."""
    batch, n = x.shape
    width = tf_nodes.shape[0]
    size = batch * width
    grad_x = np.zeros((batch, n))
    grad_p = np.zeros(projection.shape[0])
    total = 0.0
    for s in range(batch):
        for c in range(width):
            node = tf_nodes[c]
            p = projection[cols[c]]
            diff = x[s, node] * p - y[s, c]
            total += diff * diff
            d = coefficient * (2.0 / size) * diff
            grad_x[s, node] += d * p
            grad_p[cols[c]] += d * x[s, node]
    return total / size, grad_x, grad_p


@njit(cache=True, nogil=True)
def parameter_terms(weights, bias, signs, ligand_index, sign, ligand, l2, nonzero):
    """The sign, ligand-bias, L2 and non-zero terms (unweighted values) and the weighted sum
    of their gradients with respect to the weights and the bias."""
    m = weights.shape[0]
    grad_w = np.empty(m)
    violation = l2_w = inverse = 0.0
    for e in range(m):
        w = weights[e]
        contra = -signs[e] * w
        g = 0.0
        if contra > 0:
            violation += contra
            g = -signs[e] * sign
        square = w * w
        l2_w += square
        shifted = square + 0.5
        inverse += 1.0 / shifted
        grad_w[e] = g + l2 * 2.0 * w - nonzero * 2.0 * w / (shifted * shifted)
    grad_b = np.empty(bias.shape[0])
    l2_b = 0.0
    for i in range(bias.shape[0]):
        l2_b += bias[i] * bias[i]
        grad_b[i] = l2 * 2.0 * bias[i]
    ligand_sum = 0.0
    for k in range(ligand_index.shape[0]):
        b = bias[ligand_index[k]]
        ligand_sum += b * b
        grad_b[ligand_index[k]] += ligand * 2.0 * b
    return violation, ligand_sum, l2_w + l2_b, inverse, grad_w, grad_b


@njit(cache=True, nogil=True)
def adam_update(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, correction1,
                correction2_sqrt):
    """One Adam step in place, written as torch's single-tensor Adam writes it (lerp of the
    first moment, addcmul of the second, addcdiv of the step)."""
    step_size = lr / correction1
    for i in range(param.shape[0]):
        g = grad[i]
        exp_avg[i] = exp_avg[i] + (1.0 - beta1) * (g - exp_avg[i])
        exp_avg_sq[i] = exp_avg_sq[i] * beta2 + (1.0 - beta2) * g * g
        denom = math.sqrt(exp_avg_sq[i]) / correction2_sqrt + eps
        param[i] = param[i] + (-step_size) * (exp_avg[i] / denom)
