"""Training: the recipe and its presets (``recipe``), the loop (``loop``) and checkpoints
(``checkpoint``)."""

from signet.training.loop import (  # noqa: I001  (the loop needs the recipe first)
    LOG_COLUMNS,
    TrainResult,
    align_data,
    format_rho,
    model_from_recipe,
    split_validation,
    train,
)
from signet.training.recipe import PRESETS, Recipe, learning_rate

__all__ = ["PRESETS", "Recipe", "learning_rate", "LOG_COLUMNS", "TrainResult", "align_data",
           "format_rho", "model_from_recipe", "split_validation", "train"]
