//! The county (区县) whose market subjects are generated, and its towns (乡镇/街道).

use rand::Rng;
use xyd_divisions::{Divisions, EDITION, Level};
use xyd_domain::RegionCode;

use crate::GenError;
use crate::random::weighted_index;

/// How many times more subjects an urban 街道 attracts than a rural 镇.
const SUBDISTRICT_WEIGHT: u32 = 4;

/// A 区县 (county-level division) and its towns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct County {
    /// 6-digit 行政区划代码 (GB/T 2260), e.g. `440882`.
    pub code: String,
    /// Full name, e.g. 雷州市.
    pub name: String,
    /// Its 乡镇/街道; subjects are registered in these.
    pub towns: Vec<Town>,
}

/// A 乡镇级区划 (town or 街道 subdistrict).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Town {
    /// 9-digit code: the county code and a 3-digit number (001–099 街道, 100–199 镇, 200–399 乡).
    pub code: String,
    /// Full name, e.g. 白沙镇 or 雷城街道.
    pub name: String,
}

impl County {
    /// 雷州市 (440882), Guangdong, with its 21 towns: the platform's pilot county.
    pub fn leizhou() -> Self {
        match Self::from_divisions("440882") {
            Ok(county) => county,
            Err(e) => unreachable!("雷州市 is in the embedded division table: {e}"),
        }
    }

    /// The county `code` names in the 统计用区划代码 table, with its 街道, 镇 and 乡 (codes below 400: the
    /// 类似乡级单位 such as development zones and farms hold no registrations of their own here).
    pub fn from_divisions(code: &str) -> Result<Self, GenError> {
        let county = Divisions::embedded()
            .get(code)
            .filter(|d| d.level() == Level::County)
            .ok_or_else(|| invalid(format!("{code} is not a county in the {EDITION}")))?;
        let towns = county
            .children()
            .filter(|town| town.code()[6..] < *"400")
            .map(|town| Town { code: town.code().to_owned(), name: town.name().to_owned() })
            .collect();
        Ok(Self { code: code.to_owned(), name: county.name().to_owned(), towns })
    }

    /// Checks that the code is a 6-digit county code and that there are towns, all inside it.
    pub fn validate(&self) -> Result<(), GenError> {
        if RegionCode::parse(&self.code)?.is_town() {
            return Err(invalid(format!("county code {} is a town code", self.code)));
        }
        if self.towns.is_empty() {
            return Err(invalid(format!("county {} has no towns", self.name)));
        }
        for town in &self.towns {
            let code = RegionCode::parse(&town.code)?;
            if !code.is_town() || code.county() != self.code {
                return Err(invalid(format!("{} ({}) is not a town of {}", town.name, town.code, self.code)));
            }
        }
        Ok(())
    }

    /// The name without its 市/县/区 suffix, as used inside enterprise names (雷州市 → 雷州).
    pub fn short_name(&self) -> &str {
        strip_suffix(&self.name, &["市", "县", "区"])
    }

    /// A town where a new subject registers, urban 街道 weighted above rural 镇;
    /// `None` when the county has no towns.
    pub fn pick_town(&self, rng: &mut impl Rng) -> Option<&Town> {
        weighted_index(rng, self.towns.iter().map(Town::weight)).and_then(|i| self.towns.get(i))
    }
}

impl Town {
    /// Whether this is an urban 街道 (subdistrict): numbers 001–099.
    pub fn is_subdistrict(&self) -> bool {
        self.code.get(6..7) == Some("0")
    }

    /// The name without its 街道/镇/乡 suffix, as used inside shop names (白沙镇 → 白沙).
    pub fn short_name(&self) -> &str {
        strip_suffix(&self.name, &["街道", "镇", "乡"])
    }

    fn weight(&self) -> u32 {
        if self.is_subdistrict() { SUBDISTRICT_WEIGHT } else { 1 }
    }
}

/// `name` without the first matching suffix, unless that would leave fewer than two characters.
fn strip_suffix<'a>(name: &'a str, suffixes: &[&str]) -> &'a str {
    suffixes
        .iter()
        .filter_map(|suffix| name.strip_suffix(suffix))
        .find(|short| short.chars().count() >= 2)
        .unwrap_or(name)
}

fn invalid(message: String) -> GenError {
    GenError::InvalidOptions(message)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::random::{Stream, stream_rng};

    #[test]
    fn leizhou_has_its_21_towns_from_the_division_table() {
        let county = County::leizhou();
        county.validate().unwrap();
        assert_eq!(county.towns.len(), 21);
        let codes: HashSet<&str> = county.towns.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes.len(), 21);
        let subdistricts: Vec<&str> =
            county.towns.iter().filter(|t| t.is_subdistrict()).map(|t| t.name.as_str()).collect();
        assert_eq!(subdistricts, ["雷城街道", "西湖街道", "新城街道"]);
        let town = |code: &str| county.towns.iter().find(|t| t.code == code).map(|t| t.name.as_str());
        assert_eq!(town("440882105"), Some("企水镇"));
        assert_eq!(town("440882111"), Some("调风镇"));
        assert_eq!(county.short_name(), "雷州");
        assert_eq!(county.towns[0].short_name(), "雷城");
        assert_eq!(county.towns[3].short_name(), "白沙");
    }

    #[test]
    fn any_county_of_the_table_comes_with_its_towns() {
        let county = County::from_divisions("440881").unwrap();
        county.validate().unwrap();
        assert_eq!(county.name, "廉江市");
        assert!(county.towns.len() >= 20);
        assert!(County::from_divisions("4408").is_err());
        assert!(County::from_divisions("440899").is_err());
    }

    #[test]
    fn validate_rejects_inconsistent_counties() {
        let mut county = County::leizhou();
        county.towns[0].code = "440881001".to_owned();
        assert!(county.validate().is_err());
        county.towns.clear();
        assert!(county.validate().is_err());
    }

    #[test]
    fn towns_are_picked_with_urban_weight() {
        let county = County::leizhou();
        let mut rng = stream_rng(3, Stream::RegistryRow, 0);
        let draws = 30_000;
        let urban = (0..draws).filter(|_| county.pick_town(&mut rng).unwrap().is_subdistrict()).count();
        // 3 街道 × 4 against 18 镇 × 1: 40 %.
        assert!((11_400..=12_600).contains(&urban), "{urban}");
        let empty = County { towns: Vec::new(), ..County::leizhou() };
        assert_eq!(empty.pick_town(&mut rng), None);
    }
}
