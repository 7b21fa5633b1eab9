"""National tracking: filters, gating, association, track life cycle, launch/impact estimation. Knows nothing of nations, policy or the fabric."""
