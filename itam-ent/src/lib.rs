#![doc = include_str!("../README.md")]

pub mod profile;

pub use itam_core;
pub use profile::Profile;
