"""Evaluation: agreement metrics, cross-validation folds and scrambling, knock-out rankings.

``metrics``: one Pearson r and its per-TF / per-condition / pooled forms, the mean
predictor; ``folds``: fold construction and the scrambled control; ``knockouts``: rankings
of knocked-out nodes over several models.
"""
