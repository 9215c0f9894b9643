//! [`Hashes`]: a file's hash values by algorithm.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::HashAlgorithm;

/// A [`File`](super::File)'s hashes: one value per algorithm, in algorithm order, the
/// interface of a `BTreeMap<HashAlgorithm, String>` (`insert`, `get`, `remove`, `iter`,
/// `keys`, `values`, `len`, `extend`, `collect`, conversions from and to the map).
///
/// Nearly every file carries one hash, so one entry is kept in place: a read `File` pays
/// for its hash value and nothing else (a map would allocate a node per file). Equality
/// compares entries; the JSON form is an object keyed by the algorithm's namespace URI,
/// as for the map.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Hashes(Repr);

/// At most one entry in place; two or more in a sorted vector (never fewer than two, so
/// that equal sets have one representation).
#[derive(Clone, Default, PartialEq, Eq)]
enum Repr {
    #[default]
    Empty,
    One((HashAlgorithm, String)),
    Many(Vec<(HashAlgorithm, String)>),
}

impl Hashes {
    /// No hash.
    #[must_use]
    pub const fn new() -> Self {
        Self(Repr::Empty)
    }

    /// Whether there is no hash.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        matches!(self.0, Repr::Empty)
    }

    /// How many algorithms have a value.
    #[must_use]
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn as_slice(&self) -> &[(HashAlgorithm, String)] {
        match &self.0 {
            Repr::Empty => &[],
            Repr::One(entry) => std::slice::from_ref(entry),
            Repr::Many(entries) => entries,
        }
    }

    /// The value for an algorithm.
    #[must_use]
    pub fn get(&self, algorithm: &HashAlgorithm) -> Option<&String> {
        let entries = self.as_slice();
        let i = entries.binary_search_by(|(a, _)| a.cmp(algorithm)).ok()?;
        entries.get(i).map(|(_, value)| value)
    }

    /// Whether an algorithm has a value.
    #[must_use]
    pub fn contains_key(&self, algorithm: &HashAlgorithm) -> bool {
        self.get(algorithm).is_some()
    }

    /// Sets the value for an algorithm; returns the one it replaces.
    pub fn insert(&mut self, algorithm: HashAlgorithm, value: String) -> Option<String> {
        let mut replaced = None;
        self.0 = match std::mem::take(&mut self.0) {
            Repr::Empty => Repr::One((algorithm, value)),
            Repr::One((a, old)) if a == algorithm => {
                replaced = Some(old);
                Repr::One((a, value))
            }
            Repr::One(first) => {
                let mut entries = Vec::with_capacity(2);
                if first.0 < algorithm {
                    entries.extend([first, (algorithm, value)]);
                } else {
                    entries.extend([(algorithm, value), first]);
                }
                Repr::Many(entries)
            }
            Repr::Many(mut entries) => {
                match entries.binary_search_by(|(a, _)| a.cmp(&algorithm)) {
                    Ok(i) => {
                        replaced = entries
                            .get_mut(i)
                            .map(|(_, old)| std::mem::replace(old, value));
                    }
                    Err(i) => entries.insert(i, (algorithm, value)),
                }
                Repr::Many(entries)
            }
        };
        replaced
    }

    /// Removes an algorithm's value and returns it.
    pub fn remove(&mut self, algorithm: &HashAlgorithm) -> Option<String> {
        let mut removed = None;
        self.0 = match std::mem::take(&mut self.0) {
            Repr::One((a, value)) if a == *algorithm => {
                removed = Some(value);
                Repr::Empty
            }
            Repr::Many(mut entries) => {
                if let Ok(i) = entries.binary_search_by(|(a, _)| a.cmp(algorithm)) {
                    removed = Some(entries.remove(i).1);
                }
                match entries.len() {
                    0 | 1 => entries.pop().map_or(Repr::Empty, Repr::One),
                    _ => Repr::Many(entries),
                }
            }
            other => other,
        };
        removed
    }

    /// The entries, in algorithm order.
    #[must_use]
    pub fn iter(&self) -> HashesIter<'_> {
        HashesIter(self.as_slice().iter())
    }

    /// The algorithms, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &HashAlgorithm> + ExactSizeIterator {
        self.as_slice().iter().map(|(a, _)| a)
    }

    /// The values, in algorithm order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.as_slice().iter().map(|(_, v)| v)
    }
}

/// The entries of [`Hashes`], borrowed, in algorithm order.
#[derive(Debug, Clone)]
pub struct HashesIter<'a>(std::slice::Iter<'a, (HashAlgorithm, String)>);

impl<'a> Iterator for HashesIter<'a> {
    type Item = (&'a HashAlgorithm, &'a String);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(a, v)| (a, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for HashesIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(a, v)| (a, v))
    }
}

impl ExactSizeIterator for HashesIter<'_> {}

impl<'a> IntoIterator for &'a Hashes {
    type Item = (&'a HashAlgorithm, &'a String);
    type IntoIter = HashesIter<'a>;

    fn into_iter(self) -> HashesIter<'a> {
        self.iter()
    }
}

impl IntoIterator for Hashes {
    type Item = (HashAlgorithm, String);
    type IntoIter = std::vec::IntoIter<(HashAlgorithm, String)>;

    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            Repr::Empty => Vec::new(),
            Repr::One(entry) => vec![entry],
            Repr::Many(entries) => entries,
        }
        .into_iter()
    }
}

impl Extend<(HashAlgorithm, String)> for Hashes {
    fn extend<I: IntoIterator<Item = (HashAlgorithm, String)>>(&mut self, iter: I) {
        for (algorithm, value) in iter {
            self.insert(algorithm, value);
        }
    }
}

impl FromIterator<(HashAlgorithm, String)> for Hashes {
    fn from_iter<I: IntoIterator<Item = (HashAlgorithm, String)>>(iter: I) -> Self {
        let mut hashes = Self::new();
        hashes.extend(iter);
        hashes
    }
}

impl<const N: usize> From<[(HashAlgorithm, String); N]> for Hashes {
    fn from(entries: [(HashAlgorithm, String); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl From<BTreeMap<HashAlgorithm, String>> for Hashes {
    fn from(map: BTreeMap<HashAlgorithm, String>) -> Self {
        map.into_iter().collect()
    }
}

impl From<Hashes> for BTreeMap<HashAlgorithm, String> {
    fn from(hashes: Hashes) -> Self {
        hashes.into_iter().collect()
    }
}

impl fmt::Debug for Hashes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Hashes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Hashes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::<HashAlgorithm, String>::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(hashes: &Hashes) -> BTreeMap<HashAlgorithm, String> {
        hashes.clone().into()
    }

    #[test]
    fn behaves_as_a_map() {
        let algorithms = [
            HashAlgorithm::Sha512,
            HashAlgorithm::Sha256,
            HashAlgorithm::from_namespace("urn:example:hash"),
            HashAlgorithm::Sha384,
        ];
        let mut hashes = Hashes::new();
        let mut model = BTreeMap::new();
        // Insert, replace and remove in every order a small script can reach, comparing
        // with a BTreeMap after each step.
        for (step, algorithm) in algorithms.iter().cycle().take(12).enumerate() {
            let value = format!("{step:02x}");
            if step % 5 == 4 {
                assert_eq!(hashes.remove(algorithm), model.remove(algorithm));
            } else {
                assert_eq!(
                    hashes.insert(algorithm.clone(), value.clone()),
                    model.insert(algorithm.clone(), value)
                );
            }
            assert_eq!(map(&hashes), model);
            assert_eq!(hashes.len(), model.len());
            assert_eq!(hashes.is_empty(), model.is_empty());
            assert!(hashes.keys().zip(hashes.keys().skip(1)).all(|(a, b)| a < b));
            for a in &algorithms {
                assert_eq!(hashes.get(a), model.get(a));
            }
            // One representation per set: rebuilding from the map gives an equal value.
            assert_eq!(Hashes::from(model.clone()), hashes);
        }
        for a in &algorithms {
            assert_eq!(hashes.remove(a), model.remove(a));
        }
        assert!(hashes.is_empty());
        assert_eq!(hashes, Hashes::default());
    }

    #[test]
    fn json_form_is_the_maps() -> Result<(), serde_json::Error> {
        let hashes = Hashes::from([
            (HashAlgorithm::Sha512, "bb".to_owned()),
            (HashAlgorithm::Sha256, "aa".to_owned()),
        ]);
        let json = serde_json::to_string(&hashes)?;
        assert_eq!(json, serde_json::to_string(&map(&hashes))?);
        assert_eq!(serde_json::from_str::<Hashes>(&json)?, hashes);
        assert_eq!(format!("{hashes:?}"), format!("{:?}", map(&hashes)));
        Ok(())
    }
}
