//! Shared plumbing for value types whose canonical form is a validated string.

/// Implements the string-facing traits of a `struct $name(String)` that has an inherent
/// `fn parse(&str) -> Result<Self, DomainError>`: `as_str`, `Display`, `AsRef<str>`, `FromStr`,
/// and serde as a plain string (deserialization goes through `parse`, so it validates).
macro_rules! text_value {
    ($name:ident) => {
        impl $name {
            /// The canonical (normalized) text form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&raw).map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use text_value;
