"""Figure 1: ODE models of signaling mechanisms and the FFNN fits that compare activations."""
