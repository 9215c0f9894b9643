//! [`open_vocab!`](crate::open_vocab): the open vocabularies of both models (SWID roles, link
//! relations, hash algorithms…; the Ent value sets) as one macro, so the two crates' value
//! types have the same API.
//!
//! An open vocabulary is a `#[non_exhaustive]` enum of the values a standard names plus
//! `Other(String)`, which keeps any other value exactly as written. Parsing is infallible and
//! case-sensitive (XML tokens are), so `tagcreator` is `Other("tagcreator")`, for a validator to
//! report. Each type has `KNOWN` (every named value, in the standard's order), `KNOWN_TEXT`
//! (the same as written), `as_str`, `is_known`, `FromStr` (infallible), `From<&str>`,
//! `Display`, and serde as the string it is written as; with a value-set name (the Ent
//! profile's), `VALUE_SET` too.
//!
//! ```
//! itam_xml::open_vocab! {
//!     /// How a thing is used.
//!     Usage ("UsageType") {
//!         /// Installed on a device.
//!         Installed => "installed",
//!         /// Run from a server.
//!         Served => "served",
//!     }
//! }
//!
//! let u: Usage = "served".parse().unwrap();
//! assert_eq!(u, Usage::Served);
//! assert_eq!(Usage::from("Served"), Usage::Other("Served".to_owned()));
//! assert!(!Usage::from("Served").is_known());
//! assert_eq!(Usage::KNOWN, &[Usage::Installed, Usage::Served]);
//! assert_eq!(Usage::KNOWN_TEXT, &["installed", "served"]);
//! assert_eq!(Usage::VALUE_SET, "UsageType");
//! assert_eq!(serde_json::to_string(&Usage::Installed).unwrap(), "\"installed\"");
//! ```

/// Defines an open vocabulary (see the [module docs](crate::vocab)):
///
/// ```text
/// open_vocab! {
///     /// docs
///     Name ("ValueSetName")? {
///         /// docs
///         Variant => "as written",
///     }
/// }
/// ```
#[macro_export]
macro_rules! open_vocab {
    (
        $(#[$meta:meta])*
        $name:ident $( ($set:literal) )? {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = ""]
                #[doc = concat!("Written `", $text, "`.")]
                $variant,
            )+
            /// Any other value, kept exactly as written.
            Other(::std::string::String),
        }

        impl $name {
            $(
                /// The name of the value set this vocabulary is.
                pub const VALUE_SET: &'static str = $set;
            )?

            /// Every predefined value, in the standard's order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),+];

            /// Every predefined value as written, in the same order as [`Self::KNOWN`].
            pub const KNOWN_TEXT: &'static [&'static str] = &[$($text),+];

            /// The value as written in a document.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(text) => text,
                }
            }

            /// Whether this is one of the predefined values (not `Other`).
            #[must_use]
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            /// Recognises the predefined values exactly (case-sensitive); anything else is
            /// kept as `Other`.
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(s))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                Ok(Self::from(s.as_str()))
            }
        }
    };
}
