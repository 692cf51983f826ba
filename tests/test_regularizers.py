"""Regularization terms against closed forms and against autograd over the full cache."""

import torch
from signet.core import regularizers as reg


def test_cache_uniformity_matches_autograd_over_the_whole_cache():
    """StateCache.uniformity (detached statistics of the other conditions) gives the value
    and the gradient of state_uniformity over all states with the batch rows live."""
    generator = torch.Generator().manual_seed(0)
    states = torch.rand(40, 12, generator=generator, dtype=torch.float64)
    states[:, 3] = -0.2 - torch.rand(40, generator=generator, dtype=torch.float64)  # dead node
    cache = reg.StateCache(states)
    index = torch.tensor([5, 17, 30])
    live = (states[index] + 0.1 * torch.randn(3, 12, generator=generator,
                                              dtype=torch.float64)).requires_grad_(True)
    fast = cache.uniformity(index, live)
    fast.backward()
    grad_fast = live.grad.clone()
    live.grad = None
    reference = reg.state_uniformity(cache.with_live(index, live))
    reference.backward()
    assert torch.allclose(fast, reference, rtol=1e-12, atol=1e-12)
    assert torch.allclose(grad_fast, live.grad, rtol=1e-9, atol=1e-12)


def test_uniform_states_have_near_zero_uniformity_loss():
    """States spread evenly on [0.01, 0.99]: mean, min and max terms vanish and the variance
    term is the squared difference between the discrete and continuous variance."""
    n = 1001
    column = torch.linspace(0.01, 0.99, n, dtype=torch.float64)
    states = column[:, None].repeat(1, 4)
    discrete_var = column.var(unbiased=False)
    expected = 4 * (discrete_var - 0.98 ** 2 / 12) ** 2
    assert torch.allclose(reg.state_uniformity(states), expected, atol=1e-15)


def test_sign_and_weight_terms_closed_form():
    weights = torch.tensor([0.5, -0.2, 0.3, -0.4], dtype=torch.float64)
    signs = torch.tensor([1.0, 1.0, -1.0, 0.0], dtype=torch.float64)
    assert float(reg.sign_violation(weights, signs)) == 0.2 + 0.3
    assert reg.sign_violation_count(weights, signs) == 2
    assert torch.isclose(reg.nonzero_weights(weights),
                         torch.tensor(sum(1 / (w * w + 0.5) for w in [0.5, -0.2, 0.3, -0.4]),
                                      dtype=torch.float64))


def test_cache_running_statistics_match_a_full_recomputation():
    """After many batch updates (values moving up and down, extremes replaced), the cache's
    running extremes equal torch max/min over the stored states exactly, its sums agree to
    1e-12, and uniformity matches state_uniformity over all states with the batch live."""
    generator = torch.Generator().manual_seed(1)
    states = torch.rand(30, 9, generator=generator, dtype=torch.float64)
    cache = reg.StateCache(states)
    for step in range(200):
        index = torch.randperm(30, generator=generator)[:4]
        scale = 2.0 if step % 3 == 0 else 0.5  # sometimes shrink the extremes
        new = scale * torch.rand(4, 9, generator=generator, dtype=torch.float64) - 0.3
        live = new.clone().requires_grad_(True)
        fast = cache.uniformity(index, live)
        reference = reg.state_uniformity(cache.with_live(index, live.detach()))
        assert torch.allclose(fast.detach(), reference, rtol=1e-11, atol=1e-12)
        cache.update(index, new)
        assert torch.equal(cache.largest, cache.states.max(dim=0).values)
        assert torch.equal(cache.smallest, cache.states.min(dim=0).values)
        assert torch.equal(cache.states[cache.largest_row, torch.arange(9)], cache.largest)
        assert torch.allclose(cache.total, cache.states.sum(dim=0), rtol=0, atol=1e-12)
        assert torch.allclose(cache.total_sq, cache.states.square().sum(dim=0), rtol=0,
                              atol=1e-12)
