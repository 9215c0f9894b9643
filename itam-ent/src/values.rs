//! The Ent attribute value sets as open enums.
//!
//! The 13 value-set **names** are the standard's; their **members** are reconstructed (see
//! [`crate::profile`] for how sure each set is). Every enum is open: a value not in the list is
//! kept as `Other(text)` and written back unchanged, and the validator reports it as Info rather
//! than rejecting it. `VersionScheme` is the one from `itam_core` (its members are confirmed for
//! 19770-2:2015).
//!
//! ```
//! use itam_ent::values::{MetricType, SupplementalEntType};
//!
//! let m: MetricType = "core".parse().unwrap();
//! assert_eq!(m, MetricType::Core);
//! let other: MetricType = "pvu".parse().unwrap();
//! assert_eq!(other, MetricType::Other("pvu".into()));
//! assert_eq!(other.as_str(), "pvu");
//! assert!(!other.is_known());
//! assert_eq!(SupplementalEntType::Allocation.as_str(), "allocation");
//! ```

pub use itam_core::VersionScheme;

use itam_xml::open_vocab;

open_vocab! {
    /// How the entitlement was acquired (`ChannelType`; members reconstructed from the free-text
    /// examples of 19770-2's `channelType`).
    ChannelType ("ChannelType") {
        Academic => "academic",
        Evaluation => "evaluation",
        Government => "government",
        NotForResale => "notForResale",
        Oem => "oem",
        Retail => "retail",
        Volume => "volume",
    }
}

open_vocab! {
    /// The unit of a `LimitTime` duration (`DurationUnit`; members reconstructed).
    DurationUnit ("DurationUnit") {
        Second => "second",
        Minute => "minute",
        Hour => "hour",
        Day => "day",
        Week => "week",
        Month => "month",
        Quarter => "quarter",
        Year => "year",
    }
}

open_vocab! {
    /// Whether an Ent is the initial issuance or a supplement to another (`EntType`;
    /// members inferred from the table of contents' "Ent types and supplemental Ent types").
    EntType ("EntType") {
        /// The initial issuance of an entitlement.
        Primary => "primary",
        /// A supplement that points at its base Ent.
        Supplemental => "supplemental",
    }
}

open_vocab! {
    /// The kind of entitlement (`EntitlementType`; members reconstructed).
    EntitlementType ("EntitlementType") {
        Evaluation => "evaluation",
        License => "license",
        Maintenance => "maintenance",
        Subscription => "subscription",
        Support => "support",
        Upgrade => "upgrade",
    }
}

open_vocab! {
    /// The copyleft strength of a FOSS licence (`FossCopyleft`; members reconstructed).
    FossCopyleft ("FossCopyleft") {
        /// Permissive: no copyleft.
        None => "none",
        /// File- or library-level copyleft (LGPL, MPL).
        Weak => "weak",
        /// Whole-work copyleft (GPL).
        Strong => "strong",
        /// Copyleft triggered by network use (AGPL).
        Network => "network",
    }
}

open_vocab! {
    /// The name of a usage right (`RightName`; members reconstructed).
    RightName ("RightName") {
        Access => "access",
        Backup => "backup",
        Copy => "copy",
        DisasterRecovery => "disasterRecovery",
        Distribute => "distribute",
        /// Use an earlier version than the one purchased; its `ValidVersion` lower bound,
        /// when it has one, is how far back (projected as the estate's
        /// `rights.downgrade_depth`, down to that version).
        Downgrade => "downgrade",
        Failover => "failover",
        Install => "install",
        Modify => "modify",
        /// A second copy for the same user (laptop, home use).
        SecondaryUse => "secondaryUse",
        Transfer => "transfer",
        Upgrade => "upgrade",
        Use => "use",
        Virtualize => "virtualize",
    }
}

open_vocab! {
    /// The kind of a restriction on a right (`LimitType`; members reconstructed).
    LimitType ("LimitType") {
        Environment => "environment",
        Geography => "geography",
        Hardware => "hardware",
        Organization => "organization",
        Platform => "platform",
        Purpose => "purpose",
        Time => "time",
        UserType => "userType",
    }
}

open_vocab! {
    /// How consumption of a right is counted (`MetricType`; members reconstructed).
    MetricType ("MetricType") {
        Capacity => "capacity",
        ConcurrentUser => "concurrentUser",
        Core => "core",
        Device => "device",
        Enterprise => "enterprise",
        Instance => "instance",
        NamedUser => "namedUser",
        Processor => "processor",
        Site => "site",
        Socket => "socket",
        Transaction => "transaction",
        User => "user",
    }
}

open_vocab! {
    /// A link relation (`Rel`): the 19770-2 relations, plus `consolidates`, `entitles` and
    /// `license` (reconstructed; `license` is the IANA link relation).
    Rel ("Rel") {
        Ancestor => "ancestor",
        Component => "component",
        Feature => "feature",
        InstallationMedia => "installationmedia",
        PackageInstaller => "packageinstaller",
        Parent => "parent",
        Patches => "patches",
        Requires => "requires",
        SeeAlso => "see-also",
        Supersedes => "supersedes",
        /// From a supplemental Ent to the Ent it supplements (its base).
        Supplemental => "supplemental",
        /// From a consolidation Ent to each Ent it merges.
        Consolidates => "consolidates",
        /// From an Ent (or a right) to a SWID tag of the software it entitles.
        Entitles => "entitles",
        /// To the licence text.
        License => "license",
    }
}

open_vocab! {
    /// The role of an entity (`Role`): the 19770-2 roles plus reconstructed Ent roles.
    Role ("Role") {
        TagCreator => "tagCreator",
        SoftwareCreator => "softwareCreator",
        Aggregator => "aggregator",
        Distributor => "distributor",
        Licensor => "licensor",
        /// The creator of the Ent (the counterpart of SWID's `tagCreator`); required.
        EntCreator => "entCreator",
        Licensee => "licensee",
        Purchaser => "purchaser",
        Reseller => "reseller",
        /// The organisation unit, device or user an allocation gives a quantity to.
        Allocatee => "allocatee",
    }
}

open_vocab! {
    /// The use case of a supplemental Ent (`SupplementalEntType`; semantics inferred from the
    /// use cases of the table of contents, spelling reconstructed).
    SupplementalEntType ("SupplementalEntType") {
        /// Adding information (invoice, order, contract) without changing quantities.
        Addition => "addition",
        /// Giving part of the base quantity to an organisation unit, device or user.
        Allocation => "allocation",
        /// Moving the entitlement to a new licensee.
        Transfer => "transfer",
        /// Merging several Ents into one.
        Consolidation => "consolidation",
        /// Withdrawing the base Ent.
        Revocation => "revocation",
        /// Keeping the base Ent for the record only.
        Archive => "archive",
    }
}

open_vocab! {
    /// How far an Ent's data can be trusted (`TrustLevel`; members reconstructed).
    TrustLevel ("TrustLevel") {
        PublisherSigned => "publisherSigned",
        Publisher => "publisher",
        Reseller => "reseller",
        Customer => "customer",
        Unverified => "unverified",
    }
}

#[allow(clippy::derivable_impls)] // the enum is generated by a macro
impl Default for EntType {
    /// `primary`, as SWID's `supplemental` defaults to false.
    fn default() -> Self {
        Self::Primary
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;

    macro_rules! check {
        ($ty:ty) => {{
            let def = Profile::reconstructed()
                .value_set(<$ty>::VALUE_SET)
                .unwrap();
            assert_eq!(
                <$ty>::KNOWN_TEXT,
                def.members,
                "{}: enum and profile differ",
                def.name
            );
            for &m in <$ty>::KNOWN_TEXT {
                let v = <$ty>::from(m);
                assert!(v.is_known());
                assert_eq!(v.as_str(), m);
                assert_eq!(m.parse::<$ty>().unwrap(), v);
            }
            let other = <$ty>::from("x-vendor");
            assert!(!other.is_known());
            assert_eq!(other.to_string(), "x-vendor");
        }};
    }

    #[test]
    fn enums_agree_with_the_profile_and_round_trip() {
        check!(ChannelType);
        check!(DurationUnit);
        check!(EntType);
        check!(EntitlementType);
        check!(FossCopyleft);
        check!(RightName);
        check!(LimitType);
        check!(MetricType);
        check!(Rel);
        check!(Role);
        check!(SupplementalEntType);
        check!(TrustLevel);
        let names: Vec<&str> = VersionScheme::KNOWN
            .iter()
            .map(VersionScheme::as_str)
            .collect();
        let def = Profile::reconstructed().value_set("VersionScheme").unwrap();
        assert_eq!(names, def.members);
    }

    #[test]
    fn matching_is_case_sensitive_and_json_is_the_text() {
        assert_eq!(Role::from("Licensee"), Role::Other("Licensee".into()));
        assert_eq!(
            serde_json::to_string(&Role::EntCreator).unwrap(),
            "\"entCreator\""
        );
        let back: Rel = serde_json::from_str("\"x-custom\"").unwrap();
        assert_eq!(back, Rel::Other("x-custom".into()));
    }
}
