"""The synthetic study (Figures 4-5): reference models, the condition protocol, random networks and the complexity analysis."""
