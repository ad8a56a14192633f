//! The county (区县) whose market subjects are generated, and its towns (乡镇/街道).

use rand::Rng;
use xyd_domain::RegionCode;

use crate::GenError;
use crate::random::weighted_index;

/// 雷州市's 乡镇级区划 (GB/T 10114 codes): 3 街道 and 18 镇.
const LEIZHOU_TOWNS: [(&str, &str); 21] = [
    ("440882001", "雷城街道"),
    ("440882002", "西湖街道"),
    ("440882003", "新城街道"),
    ("440882100", "附城镇"),
    ("440882101", "白沙镇"),
    ("440882102", "沈塘镇"),
    ("440882103", "客路镇"),
    ("440882104", "杨家镇"),
    ("440882105", "唐家镇"),
    ("440882106", "企水镇"),
    ("440882107", "纪家镇"),
    ("440882108", "松竹镇"),
    ("440882109", "南兴镇"),
    ("440882110", "雷高镇"),
    ("440882111", "东里镇"),
    ("440882112", "调风镇"),
    ("440882113", "龙门镇"),
    ("440882114", "英利镇"),
    ("440882115", "北和镇"),
    ("440882116", "乌石镇"),
    ("440882117", "覃斗镇"),
];

/// First and second characters of synthetic town names: 100 distinct combinations.
const TOWN_NAME_HEADS: [char; 10] = ['东', '西', '南', '北', '新', '龙', '石', '河', '金', '青'];
const TOWN_NAME_TAILS: [char; 10] = ['山', '塘', '岭', '湾', '坡', '田', '溪', '头', '圩', '埠'];

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
        Self {
            code: "440882".to_owned(),
            name: "雷州市".to_owned(),
            towns: LEIZHOU_TOWNS
                .iter()
                .map(|&(code, name)| Town { code: code.to_owned(), name: name.to_owned() })
                .collect(),
        }
    }

    /// Any other county: `towns` 镇 numbered `{code}100`, `{code}101`, … (so at most 900) with
    /// made-up names such as 东山镇, distinct for the first 100.
    pub fn synthetic(code: &str, name: &str, towns: usize) -> Self {
        let heads = TOWN_NAME_HEADS.len();
        let towns = (0..towns)
            .map(|i| Town {
                code: format!("{code}{}", 100 + i),
                name: format!("{}{}镇", TOWN_NAME_HEADS[i % heads], TOWN_NAME_TAILS[i / heads % TOWN_NAME_TAILS.len()]),
            })
            .collect();
        Self { code: code.to_owned(), name: name.to_owned(), towns }
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
    fn leizhou_has_its_21_towns() {
        let county = County::leizhou();
        county.validate().unwrap();
        assert_eq!(county.towns.len(), 21);
        let codes: HashSet<&str> = county.towns.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes.len(), 21);
        let subdistricts: Vec<&str> =
            county.towns.iter().filter(|t| t.is_subdistrict()).map(|t| t.name.as_str()).collect();
        assert_eq!(subdistricts, ["雷城街道", "西湖街道", "新城街道"]);
        assert_eq!(county.short_name(), "雷州");
        assert_eq!(county.towns[0].short_name(), "雷城");
        assert_eq!(county.towns[4].short_name(), "白沙");
    }

    #[test]
    fn synthetic_county_numbers_its_towns() {
        let county = County::synthetic("440881", "廉江市", 30);
        county.validate().unwrap();
        assert_eq!(county.towns[0].code, "440881100");
        assert_eq!(county.towns[29].code, "440881129");
        let names: HashSet<&str> = county.towns.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), 30);
        assert!(county.towns.iter().all(|t| !t.is_subdistrict() && t.name.ends_with('镇')));
    }

    #[test]
    fn validate_rejects_inconsistent_counties() {
        assert!(County::synthetic("44088", "某县", 3).validate().is_err());
        assert!(County::synthetic("440882001", "某县", 3).validate().is_err());
        assert!(County::synthetic("440882", "某县", 0).validate().is_err());
        assert!(County::synthetic("440882", "某县", 901).validate().is_err());
        let mut county = County::leizhou();
        county.towns[0].code = "440881001".to_owned();
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
        assert_eq!(County::synthetic("440881", "廉江市", 0).pick_town(&mut rng), None);
    }
}
