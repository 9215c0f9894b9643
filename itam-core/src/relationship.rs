//! Typed relationships between configuration items.
//!
//! ISO/IEC 19770-1:2017 asks the organisation to record the relationships between its assets
//! (configuration management: the relationships between configuration items). A
//! [`Relationship`] is a directed, typed edge from a source item to a target item, read as a
//! sentence: *source* **installed on** *target*. The CMS refuses an edge whose ends are not
//! recorded (referential integrity) or whose ends are of the wrong kind, as
//! [`RelationshipKind::check_ends`] says.
//!
//! | kind | source | target |
//! |---|---|---|
//! | `installed_on` | software | hardware (physical or virtual machine) |
//! | `hosted_by` | hardware (virtual machine), software, service, data, digital content | hardware or service |
//! | `member_of_cluster` | hardware | hardware of form cluster |
//! | `licensed_by` | any | licence |
//! | `stored_in_dml` | software or hardware | data (the library's own record) or hardware (its store) |
//! | `depends_on` | any | any |
//! | `part_of` | any | any |
//! | `supersedes` | any | the same class as the source |

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::asset::{AssetClass, AssetKind, HardwareForm};
use crate::id::AssetId;

/// The type of a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RelationshipKind {
    /// Software installed on a physical or virtual machine.
    InstalledOn,
    /// A virtual machine, software, service or data hosted by hardware or a service.
    HostedBy,
    /// A host that is a member of a cluster.
    MemberOfCluster,
    /// An item whose use is licensed by a licence or entitlement.
    LicensedBy,
    /// An item whose definitive copy (media or spare) is kept in the definitive media library.
    StoredInDml,
    /// An item that needs another to work.
    DependsOn,
    /// An item that is a component of another.
    PartOf,
    /// An item that replaces another of the same kind (a new version, a replacement device).
    Supersedes,
}

impl RelationshipKind {
    /// Every kind, in order.
    pub const ALL: [Self; 8] = [
        Self::InstalledOn,
        Self::HostedBy,
        Self::MemberOfCluster,
        Self::LicensedBy,
        Self::StoredInDml,
        Self::DependsOn,
        Self::PartOf,
        Self::Supersedes,
    ];

    /// The name used in the JSON form (`installed_on`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InstalledOn => "installed_on",
            Self::HostedBy => "hosted_by",
            Self::MemberOfCluster => "member_of_cluster",
            Self::LicensedBy => "licensed_by",
            Self::StoredInDml => "stored_in_dml",
            Self::DependsOn => "depends_on",
            Self::PartOf => "part_of",
            Self::Supersedes => "supersedes",
        }
    }

    /// The phrase used when a relationship is read as a sentence (`installed on`).
    #[must_use]
    pub const fn phrase(self) -> &'static str {
        match self {
            Self::InstalledOn => "installed on",
            Self::HostedBy => "hosted by",
            Self::MemberOfCluster => "member of cluster",
            Self::LicensedBy => "licensed by",
            Self::StoredInDml => "stored in DML",
            Self::DependsOn => "depends on",
            Self::PartOf => "part of",
            Self::Supersedes => "supersedes",
        }
    }

    /// Checks that a relationship of this kind may join items of these kinds (see the table in
    /// the [module documentation](self)).
    ///
    /// # Errors
    /// [`KindMismatch`] naming the end that does not fit and what it should be.
    pub fn check_ends(self, source: &AssetKind, target: &AssetKind) -> Result<(), KindMismatch> {
        use AssetClass as C;
        let src = source.class();
        let tgt = target.class();
        let hardware_form = |k: &AssetKind| match k {
            AssetKind::Hardware(h) => Some(h.form),
            _ => None,
        };
        let mismatch = |end: End, expected: &'static str, found: AssetClass| {
            Err(KindMismatch {
                relationship: self,
                end,
                expected: expected.to_owned(),
                found,
            })
        };
        match self {
            Self::InstalledOn => {
                if src != C::Software {
                    return mismatch(End::Source, "software", src);
                }
                match hardware_form(target) {
                    Some(HardwareForm::Physical | HardwareForm::VirtualMachine) => Ok(()),
                    _ => mismatch(End::Target, "a physical or virtual machine", tgt),
                }
            }
            Self::HostedBy => {
                let source_ok = match source {
                    AssetKind::Hardware(h) => h.form == HardwareForm::VirtualMachine,
                    AssetKind::Software(_)
                    | AssetKind::Service(_)
                    | AssetKind::Data(_)
                    | AssetKind::DigitalContent(_) => true,
                    _ => false,
                };
                if !source_ok {
                    return mismatch(
                        End::Source,
                        "a virtual machine, software, service, data or digital content",
                        src,
                    );
                }
                if matches!(tgt, C::Hardware | C::Service) {
                    Ok(())
                } else {
                    mismatch(End::Target, "hardware or a service", tgt)
                }
            }
            Self::MemberOfCluster => {
                if src != C::Hardware {
                    return mismatch(End::Source, "hardware", src);
                }
                if hardware_form(target) == Some(HardwareForm::Cluster) {
                    Ok(())
                } else {
                    mismatch(End::Target, "a cluster", tgt)
                }
            }
            Self::LicensedBy => {
                if tgt == C::Licence {
                    Ok(())
                } else {
                    mismatch(End::Target, "a licence", tgt)
                }
            }
            Self::StoredInDml => {
                if !matches!(src, C::Software | C::Hardware) {
                    return mismatch(End::Source, "software or hardware", src);
                }
                if matches!(tgt, C::Data | C::Hardware) {
                    Ok(())
                } else {
                    mismatch(End::Target, "data or hardware (the library)", tgt)
                }
            }
            Self::DependsOn | Self::PartOf => Ok(()),
            Self::Supersedes => {
                if src == tgt {
                    Ok(())
                } else {
                    mismatch(End::Target, src.as_str(), tgt)
                }
            }
        }
    }
}

impl fmt::Display for RelationshipKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A directed, typed relationship: `source` *kind* `target`.
///
/// The JSON form is `{"source": "SW-1", "kind": "installed_on", "target": "HW-1"}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Relationship {
    /// The item the relationship starts from.
    pub source: AssetId,
    /// What the relationship means.
    pub kind: RelationshipKind,
    /// The item it points to.
    pub target: AssetId,
}

impl Relationship {
    /// `source` *kind* `target`.
    pub fn new(
        source: impl Into<AssetId>,
        kind: RelationshipKind,
        target: impl Into<AssetId>,
    ) -> Self {
        Self {
            source: source.into(),
            kind,
            target: target.into(),
        }
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.source, self.kind.phrase(), self.target)
    }
}

/// Which end of a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum End {
    /// The item the relationship starts from.
    Source,
    /// The item it points to.
    Target,
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Source => "source",
            Self::Target => "target",
        })
    }
}

/// A relationship whose end is of a kind the relationship cannot join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("the {end} of a `{relationship}` relationship must be {expected}, not {found}")]
pub struct KindMismatch {
    /// The relationship kind.
    pub relationship: RelationshipKind,
    /// Which end does not fit.
    pub end: End,
    /// What that end should be, in words.
    pub expected: String,
    /// What it is.
    pub found: AssetClass,
}

/// Which way to follow relationships from an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Relationships the item is the source of.
    Outgoing,
    /// Relationships the item is the target of.
    Incoming,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asset::{
        DataDetails, HardwareDetails, LicenceDetails, ServiceDetails, ServiceModel, SoftwareDetails,
    };
    use crate::version::{Version, VersionScheme};

    fn sw() -> AssetKind {
        SoftwareDetails::executable("A", "B", Version::new("1", VersionScheme::Unknown)).into()
    }
    fn pc() -> AssetKind {
        HardwareDetails::physical("M", "S").into()
    }
    fn vm() -> AssetKind {
        HardwareDetails::virtual_machine().into()
    }
    fn cluster() -> AssetKind {
        HardwareDetails::cluster().into()
    }
    fn licence() -> AssetKind {
        LicenceDetails::default().into()
    }
    fn saas() -> AssetKind {
        ServiceDetails::new(ServiceModel::Saas, "P").into()
    }

    #[test]
    fn installed_on_takes_software_onto_machines() {
        let k = RelationshipKind::InstalledOn;
        assert!(k.check_ends(&sw(), &pc()).is_ok());
        assert!(k.check_ends(&sw(), &vm()).is_ok());
        let err = k.check_ends(&sw(), &cluster()).unwrap_err();
        assert_eq!(err.end, End::Target);
        let err = k.check_ends(&sw(), &licence()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the target of a `installed_on` relationship must be a physical or virtual machine, not licence"
        );
        let err = k.check_ends(&pc(), &pc()).unwrap_err();
        assert_eq!((err.end, err.found), (End::Source, AssetClass::Hardware));
    }

    #[test]
    fn the_other_kinds_check_what_the_table_says() {
        use RelationshipKind as R;
        assert!(R::HostedBy.check_ends(&vm(), &pc()).is_ok());
        assert!(R::HostedBy.check_ends(&pc(), &pc()).is_err());
        assert!(R::HostedBy.check_ends(&sw(), &saas()).is_ok());
        assert!(R::HostedBy.check_ends(&sw(), &licence()).is_err());
        assert!(R::MemberOfCluster.check_ends(&pc(), &cluster()).is_ok());
        assert!(R::MemberOfCluster.check_ends(&pc(), &pc()).is_err());
        assert!(R::MemberOfCluster.check_ends(&sw(), &cluster()).is_err());
        assert!(R::LicensedBy.check_ends(&sw(), &licence()).is_ok());
        assert!(R::LicensedBy.check_ends(&sw(), &pc()).is_err());
        let library: AssetKind = DataDetails::default().into();
        assert!(R::StoredInDml.check_ends(&sw(), &library).is_ok());
        assert!(R::StoredInDml.check_ends(&licence(), &library).is_err());
        assert!(R::StoredInDml.check_ends(&sw(), &saas()).is_err());
        assert!(R::DependsOn.check_ends(&saas(), &licence()).is_ok());
        assert!(R::PartOf.check_ends(&pc(), &cluster()).is_ok());
        assert!(R::Supersedes.check_ends(&sw(), &sw()).is_ok());
        assert!(R::Supersedes.check_ends(&sw(), &pc()).is_err());
    }

    #[test]
    fn json_form_is_stable() {
        let rel = Relationship::new("SW-1", RelationshipKind::InstalledOn, "HW-1");
        let text = serde_json::to_string(&rel).unwrap();
        assert_eq!(
            text,
            r#"{"source":"SW-1","kind":"installed_on","target":"HW-1"}"#
        );
        assert_eq!(serde_json::from_str::<Relationship>(&text).unwrap(), rel);
        assert_eq!(rel.to_string(), "SW-1 installed on HW-1");
        for kind in RelationshipKind::ALL {
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
    }
}
