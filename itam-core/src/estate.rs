//! The reconciliation inputs: devices, users, installations, usage and entitlements.
