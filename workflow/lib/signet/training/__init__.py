"""Training: the recipe and its presets (``recipe``), the loop (``loop``) and checkpoints
(``checkpoint``).

The names are imported on first use (PEP 562): ``from signet.training.recipe import PRESETS``
(the CLI's help text) then loads neither the loop nor pandas.
"""

import importlib

_EXPORTS = {
    "LOG_COLUMNS": "signet.training.loop", "TrainResult": "signet.training.loop",
    "align_data": "signet.training.loop", "format_rho": "signet.training.loop",
    "model_from_recipe": "signet.training.loop", "split_validation": "signet.training.loop",
    "train": "signet.training.loop",
    "PRESETS": "signet.training.recipe", "Recipe": "signet.training.recipe",
    "learning_rate": "signet.training.recipe",
}


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'signet.training' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = ["PRESETS", "Recipe", "learning_rate", "LOG_COLUMNS", "TrainResult", "align_data",
           "format_rho", "model_from_recipe", "split_validation", "train"]
