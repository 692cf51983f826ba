"""Reconstruction of the prior-knowledge networks from OmniPath: selection, curation, normalisation, trimming."""
