//! A list of codes stored in one text column as ",A,B," (an empty list is ","), so that membership is one
//! `LIKE '%,A,%'` on both databases. Codes never contain commas: they are vocabulary names, region prefixes,
//! industry codes or UUIDs.

use std::fmt::Display;
use std::str::FromStr;

/// An ordered list of codes of type `T` (a vocabulary, a code or an ID), stored delimited.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TagList<T>(Vec<T>);

impl<T> Default for TagList<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> TagList<T> {
    /// The list of `items`, in order.
    pub fn new(items: Vec<T>) -> Self {
        Self(items)
    }

    /// The items.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// The items, owned.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }

    /// Whether the list has no item.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The items, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<T: PartialEq> TagList<T> {
    /// Whether `item` is in the list.
    pub fn contains(&self, item: &T) -> bool {
        self.0.contains(item)
    }
}

impl<T: Display> TagList<T> {
    /// The stored form: ",A,B,".
    pub fn encode(&self) -> String {
        let mut out = String::from(",");
        for item in &self.0 {
            out.push_str(&item.to_string());
            out.push(',');
        }
        out
    }
}

impl<T: FromStr> TagList<T> {
    /// Reads the stored form back; any item that does not parse is an error.
    pub fn decode(stored: &str) -> Result<Self, T::Err> {
        stored.split(',').filter(|s| !s.is_empty()).map(str::parse).collect::<Result<_, _>>().map(Self)
    }
}

impl<T> FromIterator<T> for TagList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl<T> From<Vec<T>> for TagList<T> {
    fn from(items: Vec<T>) -> Self {
        Self(items)
    }
}

impl<T> IntoIterator for TagList<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a TagList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(feature = "sea-orm")]
mod storage {
    use std::error::Error;
    use std::fmt::Display;
    use std::str::FromStr;
    use std::sync::Arc;

    use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
    use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

    use super::TagList;

    impl<T: Display> From<TagList<T>> for Value {
        fn from(list: TagList<T>) -> Self {
            Value::String(Some(list.encode()))
        }
    }

    impl<T> TryGetable for TagList<T>
    where
        T: FromStr,
        T::Err: Error + Send + Sync + 'static,
    {
        fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
            let stored = String::try_get_by(res, idx)?;
            TagList::decode(&stored).map_err(|e| {
                TryGetError::DbErr(DbErr::TryIntoErr { from: "String", into: "TagList", source: Arc::new(e) })
            })
        }
    }

    impl<T: FromStr> ValueType for TagList<T> {
        fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
            let stored = <String as ValueType>::try_from(v)?;
            TagList::decode(&stored).map_err(|_| ValueTypeErr)
        }

        fn type_name() -> String {
            "TagList".to_owned()
        }

        fn array_type() -> ArrayType {
            ArrayType::String
        }

        fn column_type() -> ColumnType {
            ColumnType::String(StringLen::None)
        }
    }

    impl<T> Nullable for TagList<T> {
        fn null() -> Value {
            Value::String(None)
        }
    }

    impl<T: Display> sea_orm::IntoActiveValue<TagList<T>> for TagList<T> {
        fn into_active_value(self) -> sea_orm::ActiveValue<TagList<T>> {
            sea_orm::ActiveValue::Set(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DataCategory, RegionPrefix};

    #[test]
    fn lists_round_trip() {
        let list: TagList<DataCategory> = vec![DataCategory::Tax, DataCategory::Utilities].into();
        assert_eq!(list.encode(), ",TAX,UTILITIES,");
        assert_eq!(TagList::<DataCategory>::decode(&list.encode()).unwrap(), list);
        assert_eq!(TagList::<DataCategory>::default().encode(), ",");
        assert!(TagList::<DataCategory>::decode(",").unwrap().is_empty());
    }

    #[test]
    fn an_unknown_item_is_an_error() {
        assert!(TagList::<DataCategory>::decode(",TAX,NOPE,").is_err());
        assert!(TagList::<RegionPrefix>::decode(",44,4408,").is_ok());
    }
}
