//! The device facts: devices, users, who uses which device, measured usage peaks, capacity
//! samples, measurements.

use std::collections::{BTreeMap, BTreeSet};

use itam_core::estate::{CapacitySample, Device, Measurement, UsagePeak, User};
use serde::Deserialize;

use crate::{Unused, Why};

/// The device facts, `devices.json`: the estate's JSON forms of devices, users, usage
/// peaks, capacity samples and measurements, and `device_users`. Unknown members are refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeviceFacts {
    /// The devices, in the estate's JSON form.
    #[serde(default)]
    pub devices: Vec<Device>,
    /// The users, in the estate's JSON form.
    #[serde(default)]
    pub users: Vec<User>,
    /// Device id → the user id its installations are used by.
    #[serde(default)]
    pub device_users: BTreeMap<String, String>,
    /// Measured peaks of concurrent use; each names the tag id of a primary tag found in the
    /// inventory.
    #[serde(default)]
    pub usage_peaks: Vec<UsagePeak>,
    /// Capacity observed during the reporting period (the engine checks their references).
    #[serde(default)]
    pub capacity_samples: Vec<CapacitySample>,
    /// Measured use of a resource (transactions, capacity); each names the tag id of a
    /// primary tag found in the inventory.
    #[serde(default)]
    pub measurements: Vec<Measurement>,
}

/// Parses the device facts; unparsable facts give none (and say so), a `device_users` entry
/// naming an unknown device or user is left out (and says so).
pub(crate) fn parse(input: &str, bytes: &[u8], unused: &mut Vec<Unused>) -> DeviceFacts {
    let mut facts: DeviceFacts = match serde_json::from_slice(bytes) {
        Ok(facts) => facts,
        Err(e) => {
            unused.push(Unused {
                input: input.to_owned(),
                item: None,
                why: Why::DeviceFacts(format!(
                    "{}:{}: not the device facts form: {e}",
                    e.line(),
                    e.column()
                )),
            });
            return DeviceFacts::default();
        }
    };
    let devices: BTreeSet<&str> = facts.devices.iter().map(|d| d.id.as_str()).collect();
    let users: BTreeSet<&str> = facts.users.iter().map(|u| u.id.as_str()).collect();
    let mut dropped = Vec::new();
    for (device, user) in &facts.device_users {
        let problem = if !devices.contains(device.as_str()) {
            Some(format!("device_users names the unknown device {device:?}"))
        } else if !users.contains(user.as_str()) {
            Some(format!(
                "device_users gives device {device:?} the unknown user {user:?}"
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            unused.push(Unused {
                input: input.to_owned(),
                item: None,
                why: Why::DeviceFacts(format!("{problem}; left out")),
            });
            dropped.push(device.clone());
        }
    }
    for device in dropped {
        facts.device_users.remove(&device);
    }
    facts
}
