"""Demand forecasting and replenishment."""
