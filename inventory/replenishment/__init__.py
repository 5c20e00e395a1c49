"""Replenishment math: demand classes, forecasts, reorder points, order quantities."""

from inventory.replenishment.chooser import (
    DemandForecast,
    DemandForecasts,
    choose_forecast,
    choose_forecasts,
    installed_base_rate,
)
from inventory.replenishment.classify import (
    Classification,
    Classifications,
    classify,
    classify_many,
)
from inventory.replenishment.distributions import count_quantiles, normal_loss
from inventory.replenishment.forecast import croston, sba, ses, tsb
from inventory.replenishment.policy import (
    ReorderPoint,
    ReorderPoints,
    choose_reorder_point,
    cycle_service_level,
    expected_shortage,
    fill_rate,
    lead_time_demand,
    negative_binomial_reorder_point,
    poisson_reorder_point,
    reorder_point,
    reorder_points,
)
from inventory.replenishment.quantity import OrderQuantity, eoq, order_quantity
from inventory.replenishment.undershoot import undershoot, undershoot_from_moments

__all__ = [
    "Classification",
    "Classifications",
    "DemandForecast",
    "DemandForecasts",
    "OrderQuantity",
    "ReorderPoint",
    "ReorderPoints",
    "choose_forecast",
    "choose_forecasts",
    "choose_reorder_point",
    "classify",
    "classify_many",
    "count_quantiles",
    "croston",
    "cycle_service_level",
    "eoq",
    "expected_shortage",
    "fill_rate",
    "installed_base_rate",
    "lead_time_demand",
    "negative_binomial_reorder_point",
    "normal_loss",
    "order_quantity",
    "poisson_reorder_point",
    "reorder_point",
    "reorder_points",
    "sba",
    "ses",
    "tsb",
    "undershoot",
    "undershoot_from_moments",
]
