//! Configuration items for every IT asset kind of ISO/IEC 19770-1, with their common attributes.
