"""One module per table, each exposing SUITE (a quality.framework.TableSuite)."""
