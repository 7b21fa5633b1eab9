"""The scenario/exercise file (YAML, validated), the simulation clock, truth generation and reproducible seeds."""
