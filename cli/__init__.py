"""The `orderhub` operator command (console script): the launcher layer above pipelines/ and the simulator.

Only this package imports both the simulator and pipelines/ (the demo and the UI start the simulator and run
the Dagster definitions); every subcommand is a module here, loaded only when it is invoked.
"""
