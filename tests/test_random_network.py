"""The random signaling-shaped networks: the array-built ``Network`` (what ``signet bench
--random-nodes`` uses) against the table route, and the graph's promised shape."""

import numpy as np
import pytest
from signet.core.network import Network
from signet.studies.synthetic.random_network import (
    GENOME_PROPORTIONS,
    random_network,
    random_network_model,
)

CASES = [(40, 3.0, {}, 0), (300, 5.0, {}, 3), (1200, 10.0, {}, 1),
         (2000, 10.0, {"n_ligands": 100, "n_receptors": 100, "n_tfs": 160,
                       "feedback_fraction": 0.2}, 7)]


@pytest.mark.parametrize("n_nodes, per_node, options, seed", CASES)
def test_array_built_network_equals_the_table_route(n_nodes, per_node, options, seed):
    """Same nodes, edge slots, signs, ligands and TFs as ``Network.from_tables`` of the
    generated tables (pandas maps ids to indices there; numpy index arithmetic here)."""
    tables = Network.from_tables(*random_network(n_nodes, per_node, seed=seed, **options))
    arrays = random_network_model(n_nodes, per_node, seed=seed, **options)
    assert arrays.nodes == tables.nodes
    for name in ("sources", "targets", "signs"):
        np.testing.assert_array_equal(getattr(arrays, name), getattr(tables, name), name)
    assert arrays.ligands == tables.ligands and arrays.tfs == tables.tfs
    assert arrays.identity() == tables.identity()
    assert arrays.edge_slot == tables.edge_slot


def test_graph_shape_promised_by_the_docstring():
    """No self-loops or repeated edges, the requested mean in-degree, every non-ligand node
    has an input, ligand -> receptor edges activate, and some internal edges point back."""
    n = 1900
    share = GENOME_PROPORTIONS
    options = {"n_ligands": round(share["ligands"] * n), "n_receptors": round(share["receptors"] * n),
               "n_tfs": round(share["tfs"] * n)}
    net = random_network_model(n, 10.0, seed=5, **options)
    pairs = list(zip(net.sources.tolist(), net.targets.tolist()))
    assert len(set(pairs)) == len(pairs) == 10 * n
    assert all(s != t for s, t in pairs)
    has_input = np.zeros(n, bool)
    has_input[net.targets] = True
    ligand = np.zeros(n, bool)
    ligand[net.ligand_index] = True
    assert has_input[~ligand].all() and not has_input[ligand].any()
    from_ligand = ligand[net.sources]
    assert (net.signs[from_ligand] == 1).all()
    assert 0.1 < (net.signs == -1).mean() < 0.3  # inhibitory_fraction 0.2 of the others
    internal = np.array([node.startswith("S") for node in net.nodes])
    both = internal[net.sources] & internal[net.targets]
    assert (net.sources[both] > net.targets[both]).any()  # feedback edges close loops
