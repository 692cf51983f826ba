"""A second trainer, written apart from signet in the original LEMBAS code's style: the
yardstick that tells whether a gap is in the recipe or in signet's machinery.

It imports nothing of signet. Everything is here, in plain numpy / scipy / torch:

* the paper's files, read with pandas (network, annotation, ``equationParams.txt``) and
  ``torch.load(..., weights_only=True)`` (the released ``X_<index>.pt``);
* the steady state as one ``torch.autograd.Function`` (the paper's Algorithm 1): forward
  x <- MML(A x + b) for a fixed number of steps with ``scipy.sparse`` products; backward
  g <- clip(D (A^T g + G)) for the same fixed number of steps, D = MML'(A x_ss + b) from the
  pre-activation;
* the spectral radius of T = diag(D) A at one random sample of each batch, as a second
  ``autograd.Function``: T is block-triangular over the strongly connected components of
  the network, so rho is the largest modulus over the components' dense eigenvalues
  (``scipy.linalg.eigvals``), and its left and right eigenvectors come from inverse
  iteration on that component only (outside it w_i v_j is zero for every edge);
  d rho / d A_ij = Re(conj(l) / |l| w_i v_j / (w^T v)) D_i;
* every loss term of the paper's synthetic recipe (method.md section 3), with autograd;
* the recipe: batch 5, the one-cycle cosine learning rate (warm-up 1000 epochs to 2e-3,
  decay to 1e-8 at 95 %), bias noise 10 lr N(0, 1) on every node, Adam reset every 200
  epochs, 150 fixed steps forward and backward, no early stop, 10 000 epochs.

Data: the training ligands are the release's ``X_<index>.pt`` (or ``--train-ligands``), the
targets are this script's own 150-step simulation of ``equationParams.txt``, and the test set
is ``--test`` fresh conditions of 5 distinct ligands (numpy ``default_rng(test_seed)``, the
protocol of signet's ``random_conditions``, so both trainers see the same conditions).

    OPENBLAS_NUM_THREADS=1 python bench/original_style.py \\
        --release resources/paper-release --index 13 --seed 1 --checkpoint /tmp/orig.pt

Prints train MSE, train r and test r every ``--eval-every`` epochs, with training seconds;
``--checkpoint`` saves the whole state every ``--checkpoint-every`` epochs and resumes from
it (the random streams included). ``--write-targets`` writes the simulated training and test
targets, to check against signet's simulation of the same reference.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.linalg as sla
import scipy.sparse as sp
import torch
from scipy.sparse.csgraph import connected_components

LEAK = 0.01
CLIP = 1.0


# ---- the paper's files ------------------------------------------------------------------
def read_network(release: Path):
    """Nodes (sorted), edges (source, target, sign), ligands and TFs of the KEGG network."""
    edges = pd.read_csv(release / "networks" / "KEGGnet-Model.tsv", sep="\t")
    annotation = pd.read_csv(release / "networks" / "KEGGnet-Annotation.tsv", sep="\t")
    nodes = sorted(set(edges["source"]) | set(edges["target"]))
    position = {name: i for i, name in enumerate(nodes)}
    sign = edges["stimulation"].astype(int) - edges["inhibition"].astype(int)
    flag = lambda column: annotation[column].astype(str).str.lower() == "true"  # noqa: E731
    in_file_order = [c for c in annotation.loc[flag("ligand"), "code"] if c in position]
    ligands = sorted(in_file_order)
    tfs = [c for c in annotation.loc[flag("TF"), "code"] if c in position]
    return {"nodes": nodes, "position": position,
            "source": np.array([position[s] for s in edges["source"]]),
            "target": np.array([position[t] for t in edges["target"]]),
            "sign": sign.to_numpy(float),
            "ligands": np.array([position[c] for c in ligands]),
            "tfs": np.array([position[c] for c in tfs]), "tf_names": tfs,
            # the released tensors' columns are sorted by code; fresh conditions are drawn
            # over the annotation's order (signet's protocol) and then put in that order
            "draw_order": np.array([ligands.index(c) for c in in_file_order])}


def read_reference(path: Path, net):
    """Weights (edge order of the network file), biases, input and projection scales."""
    table = pd.read_csv(path, sep="\t")
    pos = net["position"]
    edge_of = {(s, t): k for k, (s, t) in enumerate(zip(net["source"], net["target"]))}
    weights = np.full(len(net["source"]), np.nan)
    bias = np.full(len(net["nodes"]), np.nan)
    inputs = dict(zip(table.loc[table.Type == "Input", "Source"],
                      table.loc[table.Type == "Input", "Value"]))
    projection = dict(zip(table.loc[table.Type == "Projection", "Source"],
                          table.loc[table.Type == "Projection", "Value"]))
    for row in table.itertuples(index=False):
        if row.Type == "Weight":
            weights[edge_of[(pos[row.Source], pos[row.Target])]] = row.Value
        elif row.Type == "Bias":
            bias[pos[row.Source]] = row.Value
    assert not np.isnan(weights).any() and not np.isnan(bias).any(), "incomplete reference"
    names = net["nodes"]
    in_scale = np.array([inputs[names[i]] for i in net["ligands"]])
    out_scale = np.array([projection[names[i]] for i in net["tfs"]])
    return weights, bias, in_scale, out_scale


def test_ligands(draw_order: np.ndarray, conditions: int, seed: int, per_sample: int = 5):
    """Fresh conditions: ``per_sample`` distinct random ligands, concentrations U(0, 1), drawn
    over the annotation's ligand order, returned in the sorted (released) column order."""
    rng = np.random.default_rng(seed)
    values = np.zeros((conditions, len(draw_order)))
    for i in range(conditions):
        chosen = rng.choice(len(draw_order), size=per_sample, replace=False)
        values[i, draw_order[chosen]] = rng.random(per_sample)
    return values


# ---- the activation ---------------------------------------------------------------------
def mml(z):
    # z on [0, 0.5] and 1 - 0.25 / z above meet at 0.5, and the smaller of the two is the
    # right branch on either side: one minimum instead of a second where
    high = np.maximum(z, 0.5)
    np.divide(-0.25, high, out=high)
    high += 1.0
    np.minimum(z, high, out=high)
    return np.where(z < 0, LEAK * z, high)


def mml_derivative(z):
    return np.where(z <= 0, LEAK, np.where(z <= 0.5, 1.0, 0.25 / np.maximum(z, 0.5) ** 2))


# ---- the steady state and its backward (Algorithm 1) ------------------------------------
def _compile():
    """The two fixed-step loops as compiled row loops (numba), or None to run them with
    scipy products (``--plain``, ~5x slower: the original's own speed class)."""
    try:
        import numba
    except ImportError:
        return None

    @numba.njit
    def forward(indptr, indices, data, b, steps):
        n, samples = b.shape
        x = np.zeros((n, samples))
        new = np.zeros((n, samples))
        for _ in range(steps):
            for i in range(n):
                for s in range(samples):
                    z = b[i, s]
                    for k in range(indptr[i], indptr[i + 1]):
                        z += data[k] * x[indices[k], s]
                    if z < 0:
                        new[i, s] = LEAK * z
                    elif z <= 0.5:
                        new[i, s] = z
                    else:
                        new[i, s] = 1.0 - 0.25 / z
            x, new = new, x
        return x

    @numba.njit
    def adjoint(indptr, indices, data, d, big_g, steps, clip):
        n, samples = big_g.shape
        g = np.zeros((n, samples))
        new = np.zeros((n, samples))
        for _ in range(steps):
            for i in range(n):
                for s in range(samples):
                    v = big_g[i, s]
                    for k in range(indptr[i], indptr[i + 1]):
                        v += data[k] * g[indices[k], s]
                    v *= d[i, s]
                    if v > clip:
                        v = np.tanh(v - clip) + clip
                    elif v < -clip:
                        v = np.tanh(v + clip) - clip
                    new[i, s] = v
            g, new = new, g
        return g

    return forward, adjoint


COMPILED = None

class Structure:
    """The sparse pattern: A[target, source] = w_edge, as scipy matrices rebuilt from w."""

    def __init__(self, net, steps: int):
        self.n = len(net["nodes"])
        self.source, self.target = net["source"], net["target"]
        self.steps = steps
        order = np.lexsort((self.source, self.target))
        self.order = order
        pattern = sp.csr_matrix((np.arange(1, len(order) + 1, dtype=float),
                                 (self.target, self.source)), shape=(self.n, self.n))
        # position in the csr data of each edge (the csr sorts by row, then column)
        self.slot = np.empty(len(order), dtype=np.int64)
        self.slot[pattern.data.astype(np.int64) - 1] = np.arange(len(order))
        self.pattern = pattern
        # strongly connected components: rho(T) lives on one of them
        count, label = connected_components(pattern, connection="strong")
        self.blocks = [np.flatnonzero(label == k) for k in range(count)
                       if (label == k).sum() > 1 or pattern[np.flatnonzero(label == k)[0],
                                                            np.flatnonzero(label == k)[0]] != 0]

    def matrix(self, weights: np.ndarray) -> sp.csr_matrix:
        data = np.empty(len(weights))
        data[self.slot] = weights
        m = self.pattern.copy()
        m.data = data
        return m

    def solve(self, weights, b):
        """x (nodes x samples) after ``steps`` fixed steps from 0."""
        a = self.matrix(weights)
        if COMPILED is not None:
            return COMPILED[0](a.indptr, a.indices, a.data, b, self.steps)
        x = np.zeros_like(b)
        for _ in range(self.steps):
            x = mml(a @ x + b)
        return x

    def adjoint(self, weights, d, big_g):
        """g after ``steps`` fixed steps of g <- clip(D (A^T g + G)) from 0."""
        at = self.matrix(weights).T.tocsr()
        if COMPILED is not None:
            return COMPILED[1](at.indptr, at.indices, at.data, d, big_g, self.steps, CLIP)
        g = np.zeros_like(big_g)
        for _ in range(self.steps):
            g = d * (at @ g + big_g)
            g = np.where(g > CLIP, np.tanh(g - CLIP) + CLIP,
                         np.where(g < -CLIP, np.tanh(g + CLIP) - CLIP, g))
        return g


class SteadyState(torch.autograd.Function):
    @staticmethod
    def forward(ctx, weights, b, structure):
        w = weights.detach().numpy()
        bb = b.detach().numpy().T.copy()
        x = structure.solve(w, bb)
        ctx.structure = structure
        ctx.save_for_backward(weights, b, torch.from_numpy(x))
        return torch.from_numpy(x.T.copy())

    @staticmethod
    def backward(ctx, grad_x):
        weights, b, x = ctx.saved_tensors
        s = ctx.structure
        w, x = weights.numpy(), x.numpy()
        a = s.matrix(w)
        d = mml_derivative(a @ x + b.numpy().T)
        g = s.adjoint(w, d, np.ascontiguousarray(grad_x.numpy().T))
        grad_w = np.einsum("ks,ks->k", g[s.target], x[s.source])
        return torch.from_numpy(grad_w), torch.from_numpy(g.T.copy()), None


# ---- the spectral radius and its gradient -----------------------------------------------
def _null_vector(m: np.ndarray) -> np.ndarray:
    """A unit vector v with m v ~ 0 (m singular to rounding): inverse iteration."""
    n = m.shape[0]
    lu = sla.lu_factor(m + 1e-13 * np.abs(m).max() * np.eye(n), check_finite=False)
    v = np.ones(n, dtype=m.dtype) / math.sqrt(n)
    for _ in range(3):
        v = sla.lu_solve(lu, v, check_finite=False)
        v = v / np.linalg.norm(v)
    return v


def leading_pair(t_block: np.ndarray):
    """Leading eigenvalue of a dense block with its right and left eigenvectors."""
    values = sla.eigvals(t_block, check_finite=False)
    lam = values[np.argmax(np.abs(values))]
    shifted = t_block - lam * np.eye(t_block.shape[0])
    return lam, _null_vector(shifted), _null_vector(shifted.T)


class SpectralRadius(torch.autograd.Function):
    @staticmethod
    def forward(ctx, weights, slope, structure):
        w = weights.detach().numpy()
        d = slope.numpy()
        t = structure.matrix(w).multiply(d[:, None]).tocsr()
        best = (0.0, None, None, None)
        for nodes in structure.blocks:
            block = t[nodes][:, nodes].toarray()
            values = sla.eigvals(block, check_finite=False)
            top = float(np.abs(values).max())
            if top > best[0]:
                best = (top, nodes, block, None)
        rho, nodes, block, _ = best
        grad = np.zeros_like(w)
        if nodes is not None and rho > 0:
            lam, v, u = leading_pair(block)
            phase = np.conj(lam) / abs(lam)
            inside = np.full(structure.n, -1)
            inside[nodes] = np.arange(len(nodes))
            i, j = inside[structure.target], inside[structure.source]
            keep = (i >= 0) & (j >= 0)
            # dT/dA_ij = D_i; w^T v without conjugation
            grad[keep] = np.real(phase * u[i[keep]] * v[j[keep]] / (u @ v)) * d[structure.target[keep]]
        ctx.save_for_backward(torch.from_numpy(grad))
        return torch.tensor(rho, dtype=torch.float64)

    @staticmethod
    def backward(ctx, grad_rho):
        (grad,) = ctx.saved_tensors
        return grad_rho * grad, None, None


# ---- the model and its loss --------------------------------------------------------------
class Model:
    def __init__(self, net, steps, seed, in_scale, out_scale):
        self.net = net
        self.structure = Structure(net, steps)
        gen = torch.Generator().manual_seed(seed)
        magnitude = 0.1 + 0.1 * torch.rand(len(net["sign"]), generator=gen, dtype=torch.float64)
        sign = torch.as_tensor(np.where(net["sign"] == 0, 1.0, net["sign"]))
        w = (sign * magnitude).numpy()
        dense = self.structure.matrix(w).toarray()
        w = w * (0.8 / np.abs(np.linalg.eigvals(dense)).max())
        inhibited_only = np.ones(self.structure.n, dtype=bool)
        has_input = np.zeros(self.structure.n, dtype=bool)
        has_input[net["target"]] = True
        inhibited_only[net["target"][net["sign"] >= 0]] = False
        b = np.full(self.structure.n, 0.001)
        b[has_input & inhibited_only] = 1.0
        self.weights = torch.tensor(w, requires_grad=True)
        self.bias = torch.tensor(b, requires_grad=True)
        self.in_scale = torch.as_tensor(in_scale)
        self.out_scale = torch.as_tensor(out_scale)

    def total_bias(self, u):
        b = self.bias.expand(u.shape[0], -1).clone()
        b[:, self.net["ligands"]] = b[:, self.net["ligands"]] + u * self.in_scale
        return b

    def states(self, u, noise=None):
        b = self.total_bias(u)
        if noise is not None:
            b = b + noise
        return SteadyState.apply(self.weights, b, self.structure)

    def output(self, x):
        return x[:, self.net["tfs"]] * self.out_scale

    @torch.no_grad()
    def predict(self, u):
        return self.output(self.states(torch.as_tensor(u))).numpy()


def uniformity(cache, index, live, low=0.01, high=0.99, dead_factor=50.0):
    """Per node: (mean - (a+b)/2)^2 + (var - (b-a)^2/12)^2 + (min - a)^2 + (max - b)^2 over
    the states of every training condition, the batch's rows live (``live``) and the others
    their cached values, plus ``dead_factor`` x the negative maxima. The other rows enter as
    constants (their sums, sum of squares, max and min), which is the same value and the
    same gradient as autograd over the whole table, at the cost of the batch's rows."""
    keep = torch.ones(cache.shape[0], dtype=torch.bool)
    keep[index] = False
    others = cache[keep]
    count = cache.shape[0]
    mean = (others.sum(dim=0) + live.sum(dim=0)) / count
    var = (others.square().sum(dim=0) + live.square().sum(dim=0)) / count - mean ** 2
    top = torch.maximum(others.max(dim=0).values, live.max(dim=0).values)
    bottom = torch.minimum(others.min(dim=0).values, live.min(dim=0).values)
    loss = ((mean - (low + high) / 2) ** 2).sum() + ((var - (high - low) ** 2 / 12) ** 2).sum() \
        + ((bottom - low) ** 2).sum() + ((top - high) ** 2).sum()
    dead = top.detach() <= 0
    return loss - dead_factor * top[dead].sum()


def learning_rate(epoch, epochs, peak=2e-3, low=1e-8, warmup=1000, end=0.95):
    stop = int(end * epochs)
    if epoch < warmup:
        return low + (peak - low) * 0.5 * (1 - math.cos(math.pi * epoch / warmup))
    if epoch < stop:
        return low + (peak - low) * 0.5 * (1 + math.cos(math.pi * (epoch - warmup) / (stop - warmup)))
    return low


RHO_TARGET = math.exp(math.log(1e-4) / 150)


def batch_loss(model, u, y, index, cache, lr, gen, args):
    noise = args.noise * lr * torch.randn(len(index), model.structure.n, generator=gen,
                                          dtype=torch.float64)
    x = model.states(u[index], noise)
    fit = torch.mean((model.output(x) - y[index]) ** 2)
    w, b = model.weights, model.bias
    sign = torch.as_tensor(model.net["sign"])
    violation = torch.sum(torch.abs(w[(sign * w.detach()) < 0]))
    ligand = torch.sum(b[model.net["ligands"]] ** 2)
    l2 = torch.sum(w ** 2) + torch.sum(b ** 2)
    nonzero = torch.sum(1.0 / (w ** 2 + 0.5))
    uniform = uniformity(cache, index, x)
    pick = int(torch.randint(len(index), (1,), generator=gen))
    z = torch.from_numpy(model.structure.matrix(w.detach().numpy()) @ x[pick].detach().numpy()) \
        + model.total_bias(u[index][pick:pick + 1])[0].detach() + noise[pick]
    slope = torch.from_numpy(mml_derivative(z.numpy()))
    rho = SpectralRadius.apply(w, slope, model.structure)
    barrier = torch.exp(args.spectral_k * (rho - RHO_TARGET))
    loss = fit + 0.1 * violation + 1e-5 * ligand + 1e-8 * l2 + 1e-8 * nonzero \
        + 1e-4 * uniform + 1e-3 * barrier
    return loss, x.detach(), float(fit.detach()), float(rho.detach())


def evaluate(model, u_train, y_train, u_test, y_test):
    fitted = model.predict(u_train)
    predicted = model.predict(u_test)
    mse = float(np.mean((fitted - y_train) ** 2))
    r_train = float(np.corrcoef(fitted.ravel(), y_train.ravel())[0, 1])
    r_test = float(np.corrcoef(predicted.ravel(), y_test.ravel())[0, 1])
    return mse, r_train, r_test


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", required=True)
    parser.add_argument("--index", type=int, default=13)
    parser.add_argument("--train-ligands", help="a .pt tensor instead of X_<index>.pt")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--noise", type=float, default=10.0)
    parser.add_argument("--warmup", type=int, default=1000, help="warm-up epochs")
    parser.add_argument("--lr-max", type=float, default=2e-3)
    parser.add_argument("--spectral-k", type=float, default=21.0)
    parser.add_argument("--batch-size", type=int, default=5)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--test-seed", type=int, default=3)
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--checkpoint")
    parser.add_argument("--checkpoint-every", type=int, default=250)
    parser.add_argument("--write-targets", help="folder: write the simulated targets and stop")
    parser.add_argument("--save", help="write the final weights and biases (TSV)")
    parser.add_argument("--plain", action="store_true",
                        help="the fixed-step loops with scipy products instead of compiled")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    global COMPILED
    COMPILED = None if args.plain else _compile()

    release = Path(args.release)
    net = read_network(release)
    ref_w, ref_b, in_scale, out_scale = read_reference(release / "synthetic" / "equationParams.txt", net)
    reference = Model(net, args.steps, 0, in_scale, out_scale)
    with torch.no_grad():
        reference.weights.copy_(torch.from_numpy(ref_w))
        reference.bias.copy_(torch.from_numpy(ref_b))
    x_path = Path(args.train_ligands) if args.train_ligands else \
        release / "synthetic" / f"X_{args.index}.pt"
    u_train = torch.load(x_path, weights_only=True).to(torch.float64)
    u_test = torch.from_numpy(test_ligands(net["draw_order"], args.test, args.test_seed))
    y_train = torch.from_numpy(reference.predict(u_train))
    y_test = torch.from_numpy(reference.predict(u_test))
    if args.write_targets:
        out = Path(args.write_targets)
        out.mkdir(parents=True, exist_ok=True)
        for name, y in (("train", y_train), ("test", y_test)):
            pd.DataFrame(y.numpy(), columns=net["tf_names"]).to_csv(out / f"{name}.tsv", sep="\t",
                                                                    index=False, float_format="%.17g")
        return

    model = Model(net, args.steps, args.seed, in_scale, out_scale)
    gen = torch.Generator().manual_seed(args.seed)
    make_adam = lambda lr: torch.optim.Adam([model.weights, model.bias], lr=lr)  # noqa: E731
    optimizer = make_adam(1e-8)
    with torch.no_grad():
        cache = model.states(u_train)
    start, seconds = 0, 0.0
    if args.checkpoint and os.path.exists(args.checkpoint):
        state = torch.load(args.checkpoint, weights_only=False)
        with torch.no_grad():
            model.weights.copy_(state["weights"])
            model.bias.copy_(state["bias"])
        optimizer.load_state_dict(state["optimizer"])
        gen.set_state(state["generator"])
        cache, start, seconds = state["cache"], state["epoch"], state["seconds"]
        print(f"# resumed at epoch {start}")
    else:
        print(f"# original-style trainer: point {args.index}, seed {args.seed}, "
              f"{args.epochs} epochs (warm-up {args.warmup} to {args.lr_max}), batch "
              f"{args.batch_size}, {args.steps} fixed steps")
        print("epoch\ttrain_seconds\ttrain_mse\ttrain_r\ttest_r\tbatch_fit\trho")
    n = u_train.shape[0]
    for epoch in range(start, args.epochs):
        began = time.perf_counter()
        if epoch > 0 and epoch % 200 == 0:
            optimizer = make_adam(1e-8)
        lr = learning_rate(epoch, args.epochs, peak=args.lr_max, warmup=args.warmup)
        for group in optimizer.param_groups:
            group["lr"] = lr
        order = torch.randperm(n, generator=gen)
        fits, rhos = [], []
        for first in range(0, n, args.batch_size):
            index = order[first:first + args.batch_size]
            optimizer.zero_grad()
            loss, x, fit, rho = batch_loss(model, u_train, y_train, index, cache, lr, gen, args)
            loss.backward()
            optimizer.step()
            cache[index] = x
            fits.append(fit)
            rhos.append(rho)
        seconds += time.perf_counter() - began
        done = epoch + 1
        if done % args.eval_every == 0 or done == args.epochs:
            mse, r_train, r_test = evaluate(model, u_train, y_train.numpy(), u_test, y_test.numpy())
            print(f"{done}\t{seconds:.1f}\t{mse:.3e}\t{r_train:.4f}\t{r_test:.4f}\t"
                  f"{np.mean(fits):.3e}\t{np.mean(rhos):.4f}", flush=True)
        if args.checkpoint and (done % args.checkpoint_every == 0 or done == args.epochs):
            tmp = args.checkpoint + ".tmp"
            torch.save({"weights": model.weights.detach().clone(),
                        "bias": model.bias.detach().clone(),
                        "optimizer": optimizer.state_dict(), "generator": gen.get_state(),
                        "cache": cache, "epoch": done, "seconds": seconds}, tmp)
            os.replace(tmp, args.checkpoint)
    if args.save:
        names = net["nodes"]
        rows = [(names[s], names[t], "Weight", v) for s, t, v in
                zip(net["source"], net["target"], model.weights.detach().numpy())]
        rows += [(names[i], "", "Bias", v) for i, v in enumerate(model.bias.detach().numpy())]
        rows += [(names[i], "", "Input", v) for i, v in zip(net["ligands"], in_scale)]
        rows += [(names[i], "", "Projection", v) for i, v in zip(net["tfs"], out_scale)]
        pd.DataFrame(rows, columns=["Source", "Target", "Type", "Value"]).to_csv(
            args.save, sep="\t", index=False, float_format="%.17g")


if __name__ == "__main__":
    main()
