"""Evaluation: agreement metrics, cross-validation folds and scrambling, knock-out rankings.

``metrics``: one Pearson r and its per-TF / per-condition / pooled forms, the mean
predictor; ``folds``: fold construction and the scrambled control; ``knockouts``: rankings
of knocked-out nodes over several models; ``crossval``: studies on any network (folds from
loo / k-fold / a fold file, one model per fold and seed, the CV and summary tables, knock-out
spreads).
"""
