"""Allied fusion: cross-nation track correlation, covariance intersection, system track numbers, pedigree. Knows nothing of transports."""
