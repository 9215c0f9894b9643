//! Change records: requested, authorized, implemented, evaluated, closed, or rejected.
