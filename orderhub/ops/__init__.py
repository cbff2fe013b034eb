"""Running OrderHub like production: configuration snapshots, description of the deployed flow."""
