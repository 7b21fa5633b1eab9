"""Message envelope, labels and releasability policy, signatures, replay protection, audit log, transports. Knows nothing of tracking maths."""
