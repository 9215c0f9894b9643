//! `itam demo`: the walkthrough on embedded demo data.

/// Runs the walkthrough and returns what it prints.
pub(crate) fn run() -> String {
    String::from("itam demo\n")
}
