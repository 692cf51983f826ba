"""How non-linear is the reference model? The linear analyses of the paper's Figure 4c-d.

* :func:`pca_by_level` - PCA (fitted on the pooled TF patterns of all levels) of the TF
  outputs at each level of simultaneous ligands, and :func:`hull_area`, the area of the
  convex hull of the points in the first two components (the "area covered").
* :func:`linear_cv_r` - scikit-learn ``LinearRegression`` from ligand concentrations to TF
  outputs, k-fold cross-validated: Pearson r over all out-of-fold predictions.
* :func:`extrapolation_r` - a linear model trained on single-ligand conditions, tested on
  conditions with more ligands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import ConvexHull
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold

from signet.eval.metrics import pearson

__all__ = ["hull_area", "pca_by_level", "linear_cv_r", "extrapolation_r"]


def hull_area(points: np.ndarray) -> float:
    """Area of the convex hull of 2-D points (0 for fewer than 3 or collinear points)."""
    points = np.asarray(points, dtype=np.float64)
    if len(points) < 3:
        return 0.0
    try:
        return float(ConvexHull(points).volume)  # in 2-D, 'volume' is the area
    except Exception:  # degenerate (collinear) input
        return 0.0


def pca_by_level(tfs_by_level: dict[int, pd.DataFrame], components: int = 2):
    """Project every level's TF table on the PCs of all levels pooled.

    Returns ``(scores, summary)``: scores is a long table ``level, condition, PC1, PC2, ...``;
    summary has one row per level with ``area`` (convex hull in PC1-PC2) and
    ``explained_variance`` of the components (pooled fit).
    """
    levels = sorted(tfs_by_level)
    pooled = np.vstack([tfs_by_level[level].to_numpy(np.float64) for level in levels])
    pca = PCA(n_components=components).fit(pooled)
    frames, rows = [], []
    for level in levels:
        table = tfs_by_level[level]
        scores = pca.transform(table.to_numpy(np.float64))
        frame = pd.DataFrame(scores, columns=[f"PC{i + 1}" for i in range(components)])
        frame.insert(0, "condition", list(table.index))
        frame.insert(0, "level", level)
        frames.append(frame)
        rows.append({"level": level, "area": hull_area(scores[:, :2]),
                     "explained_variance_PC1": float(pca.explained_variance_ratio_[0]),
                     "explained_variance_PC2": float(pca.explained_variance_ratio_[1])})
    return pd.concat(frames, ignore_index=True), pd.DataFrame(rows)


def linear_cv_r(ligands: pd.DataFrame, tfs: pd.DataFrame, folds: int = 5, seed: int = 0) -> float:
    """Pearson r of k-fold cross-validated linear-model predictions (all values pooled)."""
    x = ligands.to_numpy(np.float64)
    y = tfs.loc[ligands.index].to_numpy(np.float64)
    predicted = np.empty_like(y)
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(x):
        predicted[test] = LinearRegression().fit(x[train], y[train]).predict(x[test])
    return pearson(predicted, y)


def extrapolation_r(train_ligands: pd.DataFrame, train_tfs: pd.DataFrame,
                    test: dict[int, tuple[pd.DataFrame, pd.DataFrame]]) -> dict[int, float]:
    """Fit on (train_ligands, train_tfs); r on each level's (ligands, tfs) of ``test``."""
    model = LinearRegression().fit(train_ligands.to_numpy(np.float64),
                                   train_tfs.loc[train_ligands.index].to_numpy(np.float64))
    return {level: pearson(model.predict(ligands.to_numpy(np.float64)),
                           tfs.loc[ligands.index].to_numpy(np.float64))
            for level, (ligands, tfs) in sorted(test.items())}
