#![doc = include_str!("../README.md")]

pub use itam_core;

pub mod coswid;
