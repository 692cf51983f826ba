"""The macrophage study's data chain: BioStudies listing, SDRF, expression, VIPER and the TF table."""
