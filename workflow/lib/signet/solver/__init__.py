"""The steady-state solve and its implicit gradient (the paper's Algorithm 1).

``steady_state``: the solver (numba and torch backends) behind one autograd Function;
``kernels``: the fused numba CSR loops of the CPU backend.
"""

from signet.solver.steady_state import SolveInfo, SteadyStateSolver, steady_state

__all__ = ["SolveInfo", "SteadyStateSolver", "steady_state"]
