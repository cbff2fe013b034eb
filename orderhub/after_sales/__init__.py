"""After-sales tickets from channel refund APIs and the customer-service form (Dagster-free)."""
