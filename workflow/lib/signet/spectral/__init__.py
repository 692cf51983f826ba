"""The spectral-radius regularizer (the paper's Algorithm 2).

``eigen``: leading eigen-triples (dense, ARPACK, a warm-started tracker);
``radius``: rho(T) for T = diag(f'(z_ss)) A, its exact gradient as an autograd term, and the
barrier loss.
"""

from .eigen import Eigen, LeadingEigenTracker, leading_eigen_arpack, leading_eigen_exact
from .radius import (
    SpectralTerm,
    rho_target,
    shrink_spectral_radius,
    spectral_barrier,
    spectral_radius,
    transition_matrix,
)

__all__ = ["Eigen", "LeadingEigenTracker", "leading_eigen_arpack", "leading_eigen_exact",
           "SpectralTerm", "rho_target", "shrink_spectral_radius", "spectral_barrier",
           "spectral_radius", "transition_matrix"]
