"""Vehicle profiles, boost/midcourse/re-entry propagation (J2, drag) and trajectory design. Knows nothing of sensors or networks."""
