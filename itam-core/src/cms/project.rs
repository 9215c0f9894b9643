//! The CMS projected into the engine's [`Estate`]: what the CMS records becomes devices,
//! software, installations and allocations the reconciliation counts.
//!
//! | CMS | estate |
//! |---|---|
//! | hardware CI (physical or virtual machine, not retired) | a [`Device`] with the CI's id; a VM's host from its `hosted_by`, a cluster from `member_of_cluster` |
//! | software CI | a [`Software`] with the CI's tagId (or, without one, the CI's id as tagId), publisher, product and version |
//! | `installed_on` software → hardware | an [`Installation`] |
//! | `licensed_by` software → licence CI with an `ent_id` | a [`Pin`] of each device the software is installed on to that entitlement |
//!
//! Device facts the CMS does not hold (cores, sockets, environment) stay as
//! [`Projection::merge_into`] finds them in the estate it merges into: the device facts from
//! discovery win, the CMS adds what is missing. Whatever cannot be projected is listed in
//! [`Projection::unused`] with the reason; nothing is dropped silently.

use std::collections::{BTreeMap, BTreeSet};

use super::Cms;
use crate::asset::{AssetKind, HardwareForm};
use crate::estate::{Device, DeviceKind, Estate, Installation, Pin, Software};
use crate::id::{AssetId, EntId, TagId};
use crate::relationship::RelationshipKind;

/// Something in the CMS that the projection could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unprojected {
    /// A path into the CMS's JSON form (`/items/HW-9`, `/relationships/SW-1/licensed_by/LIC-1`).
    pub path: String,
    /// Why it was not used.
    pub why: String,
}

/// The CMS as an estate, with the allocations it records and what it could not use.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Projection {
    /// Devices, software and installations (no entitlements: those come from the Ents).
    pub estate: Estate,
    /// Allocations recorded by `licensed_by`: entitlement id and the device pinned to it.
    pub pins: Vec<(EntId, Pin)>,
    /// What was not used, in path order.
    pub unused: Vec<Unprojected>,
}

impl Projection {
    /// Merges the projection into `estate` (which holds the entitlements and, where discovery
    /// ran, the device facts): devices, software and installations the estate lacks are
    /// added; a device the estate has keeps its facts and gains the host or cluster the CMS
    /// records; each pin is added to its entitlement. Returns what could not be merged (a pin
    /// to an entitlement the estate does not hold) after the projection's own unused list.
    pub fn merge_into(self, estate: &mut Estate) -> Vec<Unprojected> {
        let mut unused = self.unused;
        let mut devices: BTreeMap<AssetId, usize> = estate
            .devices
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        for device in self.estate.devices {
            match devices
                .get(&device.id)
                .and_then(|&i| estate.devices.get_mut(i))
            {
                Some(known) => {
                    if known.host.is_none() && device.host.is_some() {
                        known.host = device.host;
                        known.kind = DeviceKind::Virtual;
                    }
                    if known.cluster.is_none() {
                        known.cluster = device.cluster;
                    }
                }
                None => {
                    devices.insert(device.id.clone(), estate.devices.len());
                    estate.devices.push(device);
                }
            }
        }
        let tags: BTreeSet<TagId> = estate.software.iter().map(|s| s.tag_id.clone()).collect();
        estate.software.extend(
            self.estate
                .software
                .into_iter()
                .filter(|s| !tags.contains(&s.tag_id)),
        );
        let installed: BTreeSet<(TagId, AssetId)> = estate
            .installations
            .iter()
            .map(|i| (i.software.clone(), i.device.clone()))
            .collect();
        estate.installations.extend(
            self.estate
                .installations
                .into_iter()
                .filter(|i| !installed.contains(&(i.software.clone(), i.device.clone()))),
        );
        for (ent, pin) in self.pins {
            match estate.entitlements.iter_mut().find(|e| e.id == ent) {
                Some(e) if !e.pinned.contains(&pin) => e.pinned.push(pin),
                Some(_) => {}
                None => unused.push(Unprojected {
                    path: format!("/entitlements/{ent}"),
                    why: format!("the CMS allocates {pin:?} to entitlement `{ent}`, which the estate does not hold"),
                }),
            }
        }
        unused
    }
}

/// Projects the CMS into an estate: hardware CIs as devices, software CIs by tagId,
/// `installed_on` as installations, `licensed_by` as pins; what cannot be used is listed.
#[must_use]
pub fn project(cms: &Cms) -> Projection {
    let mut out = Projection::default();
    fn related<'c>(
        cms: &'c Cms,
        id: &'c AssetId,
        kind: RelationshipKind,
    ) -> impl Iterator<Item = &'c AssetId> + 'c {
        cms.outgoing(id.as_str())
            .filter(move |r| r.kind == kind)
            .map(|r| &r.target)
    }

    let mut projected: BTreeSet<&AssetId> = BTreeSet::new();
    for item in cms.items() {
        let Some(hw) = item.hardware() else { continue };
        if hw.form == HardwareForm::Cluster {
            continue;
        }
        if item.stage.is_retired() {
            out.unused.push(Unprojected {
                path: format!("/items/{}", item.id),
                why: "retired hardware is not a consumer".to_owned(),
            });
            continue;
        }
        let mut device = Device::physical(item.id.clone());
        if hw.form == HardwareForm::VirtualMachine {
            device.kind = DeviceKind::Virtual;
            device.host = related(cms, &item.id, RelationshipKind::HostedBy)
                .next()
                .cloned();
        }
        device.cluster = related(cms, &item.id, RelationshipKind::MemberOfCluster)
            .next()
            .map(|c| c.as_str().to_owned());
        out.estate.devices.push(device);
        projected.insert(&item.id);
    }

    let mut tag_of: BTreeMap<&AssetId, TagId> = BTreeMap::new();
    for item in cms.items() {
        let AssetKind::Software(sw) = &item.kind else {
            continue;
        };
        let tag = sw
            .tag_id
            .clone()
            .unwrap_or_else(|| TagId::new(item.id.as_str()));
        out.estate.software.push(Software {
            tag_id: tag.clone(),
            publisher: sw.publisher.clone(),
            product: sw.product.clone(),
            edition: None,
            version: sw.version.value.clone(),
            version_scheme: sw.version.scheme.clone(),
        });
        tag_of.insert(&item.id, tag);
    }

    for rel in cms.relationships() {
        let path = format!("/relationships/{}/{}/{}", rel.source, rel.kind, rel.target);
        match rel.kind {
            RelationshipKind::InstalledOn => {
                let Some(tag) = tag_of.get(&rel.source) else {
                    out.unused.push(Unprojected {
                        path,
                        why: format!("`{}` is not a software CI", rel.source),
                    });
                    continue;
                };
                if !projected.contains(&rel.target) {
                    out.unused.push(Unprojected {
                        path,
                        why: format!("`{}` is not a machine in service", rel.target),
                    });
                    continue;
                }
                out.estate.installations.push(Installation {
                    software: tag.clone(),
                    device: rel.target.clone(),
                    user: None,
                    last_used: None,
                });
            }
            RelationshipKind::LicensedBy => {
                let ent = cms
                    .item(rel.target.as_str())
                    .and_then(|licence| match &licence.kind {
                        AssetKind::Licence(l) => l.ent_id.clone(),
                        _ => None,
                    });
                let Some(ent) = ent else {
                    out.unused.push(Unprojected {
                        path,
                        why: format!(
                            "`{}` is not a licence CI that names an entitlement (ent_id)",
                            rel.target
                        ),
                    });
                    continue;
                };
                for device in related(cms, &rel.source, RelationshipKind::InstalledOn)
                    .filter(|d| projected.contains(d))
                {
                    out.pins.push((ent.clone(), Pin::Device(device.clone())));
                }
            }
            _ => {}
        }
    }
    out.unused.sort();
    out
}
