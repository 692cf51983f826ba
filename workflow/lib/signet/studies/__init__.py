"""The paper's studies, built on the core (which never imports them).

``figure1``: the ODE mechanisms and FFNN fits; ``synthetic``: the reference model, the
condition protocol, the complexity analysis and random networks; ``macrophage``: the
ArrayExpress / DoRothEA data chain; ``networks``: reconstruction of the prior-knowledge
networks from OmniPath.
"""
