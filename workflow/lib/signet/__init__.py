"""signet: signaling-network RNNs at steady state (LEMBAS) on prior-knowledge networks.

Modules: ``io`` (file formats), ``network`` (edges and slots), ``activations``,
``steady_state`` (solve and implicit gradient), ``spectral`` (rho, its gradient, barrier),
``model``, ``regularizers``, ``train`` (recipe and loop), ``knockout``, ``random_network``,
``synthetic`` (data protocol), ``bench``, ``cli``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
