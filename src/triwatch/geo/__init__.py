"""WGS84 geodesy, frames (ECEF/ENU/geodetic), horizon and line of sight, offline territory/EEZ look-up. Knows nothing of sensors or tracks."""
