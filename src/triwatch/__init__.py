"""triwatch: allied missile-warning data sharing (US, Japan, Republic of Korea)."""

__version__ = "0.1.0"
