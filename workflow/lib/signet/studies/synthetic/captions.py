"""What this run's Figs. 4c-d and 5b-f show, in words, from the numbers they are drawn from.

A caption is a claim about its figure. The paper's claims (more simultaneous ligands cover
more of the output space; the linear fit falls with more ligands; test r rises with data; the
controls stay low; knock-outs correlate) hold at the paper's scale, not necessarily at the
reduced scale of the offline run. Each function here reads the summary numbers a figure is
drawn from and returns the sentences its caption states: the paper's claim where this run's
numbers show it, else what they do show.

Inputs: the complexity summary (``level, area, linear_cv_r, extrapolation_r``) for Fig. 4, and
the study summary (``summary_table``: ``part, samples, ligands, seed, name, ours, paper``) for
Fig. 5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CONTROL_LABELS", "figure4c_claim", "figure4d_claim", "figure5b_claim",
           "figure5c_claim", "figure5d_claim", "figure5e_claim", "figure5f_claim",
           "best_sweep_point", "fill_caption", "write_caption", "knockout_unchanged",
           "knockout_moved", "seeds_per_point", "and_join", "CLAIM_MARK", "KNOCKOUT_STILL",
           "KNOCKOUT_MOVED"]

CLAIM_MARK = "@CLAIM@"

CONTROL_LABELS = {
    "mean": "training mean",
    "scrambled": "scrambled TF rows",
    "regularisation_only": "regularisation only",
    "no_spectral": "no spectral-radius term",
}

# a difference below this is reported as "the same" (the figures print 3 decimals)
SAME = 5e-4

# Fig. 5f: a pair whose reference change is smaller than KNOCKOUT_STILL in size lies on the
# plot's vertical line at 0; the model moves it when its change is KNOCKOUT_MOVED or more
KNOCKOUT_STILL = 0.01
KNOCKOUT_MOVED = 0.01


def _f(value: float) -> str:
    return f"{value:.3f}"


def _ligands(level) -> str:
    return f"{level} ligand" if int(level) == 1 else f"{level} ligands"


def and_join(items) -> str:
    """'a', 'a and b', 'a, b and c': a list as prose."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _trend(values) -> str:
    """'rises', 'falls' or 'does not change steadily' for a sequence (steps within SAME
    count as flat)."""
    steps = np.diff(np.asarray(values, dtype=float))
    if len(steps) == 0:
        return "single"
    if np.all(steps > -SAME) and steps.sum() > SAME:
        return "rises"
    if np.all(steps < SAME) and steps.sum() < -SAME:
        return "falls"
    return "mixed"


def figure4c_claim(complexity: pd.DataFrame) -> str:
    table = complexity.sort_values("level")
    levels, areas = table["level"].to_numpy(), table["area"].to_numpy()
    span = f"from {_f(areas[0])} at {_ligands(levels[0])} to {_f(areas[-1])} at {levels[-1]}"
    if _trend(areas) == "rises":
        return (f"In this run the hull area grows with every added ligand ({span}): more "
                "simultaneous ligands cover more of the output space, as in the paper.")
    peak = int(np.argmax(areas))
    return (f"In this run the hull area does not grow steadily with the number of ligands: it "
            f"goes {span} and is largest ({_f(areas[peak])}) at {_ligands(levels[peak])}, unlike "
            "the paper, where more simultaneous ligands cover more of the output space.")


def figure4d_claim(complexity: pd.DataFrame) -> str:
    """The cross-validated linear fit, then the extrapolation from the lowest level."""
    table = complexity.sort_values("level")
    return f"{_linear_cv_sentence(table)} {_extrapolation_sentence(table)}"


def _linear_cv_sentence(table: pd.DataFrame) -> str:
    levels, cv = table["level"].to_numpy(), table["linear_cv_r"].to_numpy()
    span = f"from {_f(cv[0])} at {_ligands(levels[0])} to {_f(cv[-1])} at {levels[-1]}"
    trend = _trend(cv)
    if trend == "falls":
        return (f"In this run the cross-validated r of the linear model falls with every added "
                f"ligand ({span}), as in the paper: the more ligands act together, the less "
                "linear the map from ligands to TFs.")
    low = int(np.argmin(cv))
    shape = f"rises {span}" if trend == "rises" else \
        f"does not fall steadily: it goes {span} and is lowest ({_f(cv[low])}) at " \
        f"{_ligands(levels[low])}"
    return (f"In this run the cross-validated r of the linear model {shape}, unlike the paper, "
            "where it falls as more ligands act together.")


def _extrapolation_sentence(table: pd.DataFrame) -> str:
    levels, r = table["level"].to_numpy(), table["extrapolation_r"].to_numpy()
    trained = "single-ligand" if int(levels[0]) == 1 else f"{levels[0]}-ligand"
    span = f"from {_f(r[0])} at {_ligands(levels[0])} to {_f(r[-1])} at {levels[-1]}"
    subject = f"The linear model trained on the {trained} conditions (dashed)"
    if _trend(r) == "falls":
        return (f"{subject} extrapolates worse with every added ligand: its r falls {span}, as "
                "in the paper.")
    if r[-1] < r[0] - SAME:
        low = int(np.argmin(r))
        return (f"{subject} extrapolates worse to more ligands overall, as in the paper: its r "
                f"falls {span}, though not with every added ligand (lowest {_f(r[low])} at "
                f"{_ligands(levels[low])}).")
    return (f"{subject} does not extrapolate worse to more ligands: its r goes {span}, unlike "
            "the paper, where it falls as more ligands act together.")


def _sweep(summary: pd.DataFrame) -> pd.DataFrame:
    rows = summary[(summary["part"] == "sweep") & (summary["name"] == "r")]
    return rows.astype({"samples": int, "ligands": int, "seed": int, "ours": float})


def best_sweep_point(summary: pd.DataFrame) -> pd.Series:
    """The sweep row (samples, ligands, seed, ours = test r) with the highest test r."""
    sweep = _sweep(summary)
    return sweep.loc[sweep["ours"].idxmax()]


def seeds_per_point(sweep: pd.DataFrame) -> tuple[list[int], int, int]:
    """(the seeds of the sweep, the fewest and the most seeds at one samples x ligands
    point): what Fig. 5b's lines and bands are drawn from."""
    counts = sweep.groupby(["ligands", "samples"])["seed"].nunique()
    return sorted(int(seed) for seed in set(sweep["seed"])), int(counts.min()), int(counts.max())


def _seeds_sentence(sweep: pd.DataFrame) -> str:
    seeds, fewest, most = seeds_per_point(sweep)
    named = f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {and_join(seeds)}"
    if most == 1:
        return f"One seed per point ({named}): each line is that model's test r, with no band."
    if fewest == most:
        return (f"Each line is the mean test r over the {most} seeds ({named}) at each point; "
                "the band is their range (lowest to highest).")
    return (f"Each line is the mean test r over the seeds trained at each point ({fewest} to "
            f"{most} of {named}); the band is their range (lowest to highest) where there are "
            "two or more.")


def figure5b_claim(summary: pd.DataFrame, paper_ligands: int = 5) -> str:
    sweep = _sweep(summary)
    sentences = [_seeds_sentence(sweep)]
    for ligands, part in sweep.groupby("ligands"):
        mean = part.groupby("samples")["ours"].mean().sort_index()
        span = (f"{_f(mean.iloc[0])} at {mean.index[0]} to {_f(mean.iloc[-1])} at "
                f"{mean.index[-1]} training conditions")
        trend = _trend(mean.to_numpy())
        if trend == "single":
            sentences.append(f"With {ligands} ligands, test r is {_f(mean.iloc[0])} at "
                             f"{mean.index[0]} training conditions (one point only).")
        elif trend == "rises":
            sentences.append(f"With {ligands} ligands, test r rises with the training data, "
                             f"from {span}.")
        else:
            sentences.append(f"With {ligands} ligands, test r does not rise steadily with the "
                             f"training data ({span}).")
    ensembles = summary[(summary["part"] == "sweep") & (summary["name"] == "r_ensemble")]
    if len(ensembles):
        single = sweep.groupby(["ligands", "samples"])["ours"].mean()
        gains = [float(row.ours) - float(single[(int(row.ligands), int(row.samples))])
                 for row in ensembles.itertuples(index=False)]
        raised = sum(gain > 0 for gain in gains)
        sentences.append(f"Not plotted: averaging the seeds' test predictions (an ensemble, "
                         f"``r_ensemble`` in summary.tsv) raises test r above the seeds' mean "
                         f"at {raised} of {len(gains)} points"
                         + (f", by up to {max(gains):.3f}." if raised else "."))
    if paper_ligands in set(sweep["ligands"]):
        sentences.append(f"Stars: the paper's values at {paper_ligands} ligands, the line to "
                         "compare with.")
    else:
        sentences.append(f"The paper's values are for {paper_ligands} ligands, which this run "
                         "does not train, so they are not plotted.")
    return " ".join(sentences)


def figure5c_claim(summary: pd.DataFrame) -> str:
    best = best_sweep_point(summary)
    return (f"The best sweep point ({best['samples']} conditions, {best['ligands']} ligands, "
            f"seed {best['seed']}) predicts the test set with r = {_f(best['ours'])}.")


def figure5d_claim(summary: pd.DataFrame) -> str:
    best = best_sweep_point(summary)
    at = summary[(summary["part"] == "sweep") & (summary["samples"] == best["samples"])
                 & (summary["ligands"] == best["ligands"]) & (summary["seed"] == best["seed"])]
    values = dict(zip(at["name"], at["ours"].astype(float)))
    return (f"Median r per TF {_f(values['r_tf_median'])}, median r per condition "
            f"{_f(values['r_condition_median'])}.")


def _control_model_r(summary: pd.DataFrame) -> tuple[float, str]:
    controls = summary[summary["part"] == "control"]
    sweep = _sweep(summary)
    if len(controls):
        first = controls.iloc[0]
        same = sweep[(sweep["samples"] == int(first["samples"]))
                     & (sweep["ligands"] == int(first["ligands"]))
                     & (sweep["seed"] == int(first["seed"]))]
        if len(same):
            return float(same["ours"].iloc[0]), "the trained model at the same point"
    best = best_sweep_point(summary)
    return float(best["ours"]), "the best trained model"


def figure5e_claim(summary: pd.DataFrame) -> str:
    controls = summary[summary["part"] == "control"]
    if controls.empty:
        return "No controls were trained in this run."
    model_r, model = _control_model_r(summary)
    sentences = [f"{model[0].upper()}{model[1:]} reaches r = {_f(model_r)}."]
    below, not_below = [], []
    for row in controls.itertuples(index=False):
        name = str(row.name).removesuffix("_r")
        label = CONTROL_LABELS.get(name, name)
        r = float(row.ours)
        text = f"{label} {_f(r)}"
        if row.paper is not None and not pd.isna(row.paper):
            text += f" (paper ~{float(row.paper):.2f})"
        if name == "no_spectral":
            continue
        (below if r < model_r - SAME else not_below).append(text)
    if below:
        sentences.append(f"Below it: {and_join(below)}.")
    if not_below:
        sentences.append(f"Not below it: {and_join(not_below)}.")
    above_paper = [CONTROL_LABELS.get(str(row.name).removesuffix("_r"))
                   for row in controls.itertuples(index=False)
                   if row.paper is not None and not pd.isna(row.paper)
                   and float(row.ours) > float(row.paper) + 0.1]
    if above_paper:
        sentences.append(f"Unlike the paper, {and_join(above_paper)} "
                         f"{'stays' if len(above_paper) == 1 else 'stay'} well above ~0.15 "
                         "here: on this small network the controls capture much of the TF "
                         "variation.")
    spectral = controls[controls["name"] == "no_spectral_r"]
    if len(spectral):
        r = float(spectral["ours"].iloc[0])
        if abs(r - model_r) < SAME:
            sentences.append(f"Without the spectral-radius term the model reaches the same r "
                             f"({_f(r)}, a difference under {SAME:g}): in this run the term "
                             "made no difference to r.")
        else:
            change = "higher" if r > model_r else "lower"
            sentences.append(f"Without the spectral-radius term r is {change}: {_f(r)} against "
                             f"{_f(model_r)}.")
    return " ".join(sentences)


def knockout_moved(reference_delta, model_delta, still: float = KNOCKOUT_STILL,
                   moved: float = KNOCKOUT_MOVED) -> np.ndarray:
    """Per pair: the reference changes it by less than ``still`` in size (it lies on the
    vertical line at 0 of Fig. 5f) and the model by ``moved`` or more."""
    reference = np.abs(np.asarray(reference_delta, dtype=float))
    model = np.abs(np.asarray(model_delta, dtype=float))
    return (reference < still) & (model >= moved)


def knockout_unchanged(reference_delta, model_delta, still: float = KNOCKOUT_STILL,
                       moved: float = KNOCKOUT_MOVED) -> tuple[int, int]:
    """(pairs the reference changes by less than ``still`` in size; of those, the pairs the
    model moves by ``moved`` or more, :func:`knockout_moved`): Fig. 5f's vertical line at 0."""
    still_pairs = np.abs(np.asarray(reference_delta, dtype=float)) < still
    return (int(still_pairs.sum()),
            int(knockout_moved(reference_delta, model_delta, still, moved).sum()))


def figure5f_claim(summary: pd.DataFrame, unchanged: tuple[int, int] | None = None,
                   paper_r: float = 0.80) -> str:
    """``unchanged``: :func:`knockout_unchanged` of the plotted pairs."""
    rows = dict(zip(summary["name"], summary["ours"]))
    r = float(rows["knockout_r"])
    text = f"Knock-out r = {_f(r)} (paper ~{paper_r:.2f})"
    if "knockout_sign_agreement" in rows and not pd.isna(rows["knockout_sign_agreement"]):
        text += (f"; the predicted change has the reference's sign for "
                 f"{100 * float(rows['knockout_sign_agreement']):.0f} % of the clear changes")
    if r >= paper_r - 0.05:
        text += ": the model's knock-outs agree with the reference about as well as in the paper."
    else:
        text += ": the knock-outs correlate more weakly than in the paper."
    if unchanged is not None and unchanged[1] > 0:
        still, moved = unchanged
        text += (f" The vertical line at a reference change of 0: of the {still} "
                 f"{'pair' if still == 1 else 'pairs'} that the reference changes by less "
                 f"than {KNOCKOUT_STILL:g} in size, the model moves {moved} by "
                 f"{KNOCKOUT_MOVED:g} or more (orange).")
    return text


def fill_caption(template: str, claim: str) -> str:
    """The caption template with its claim mark replaced by ``claim``."""
    if CLAIM_MARK not in template:
        raise ValueError(f"caption template has no {CLAIM_MARK} mark")
    return template.replace(CLAIM_MARK, claim)


def write_caption(template_path, output_path, claim: str) -> None:
    """Fill the caption template at ``template_path`` with ``claim`` and write it."""
    from pathlib import Path

    from signet.io import atomic_write

    text = fill_caption(Path(template_path).read_text(), claim)
    with atomic_write(output_path) as handle:
        handle.write(text)
