//! Life-cycle stages of a configuration item and the allowed transitions between them.
