//! 统计用区划代码 (the National Bureau of Statistics' division codes) with their names, from provinces down
//! to towns (乡镇/街道), for all of China: one edition, vendored by `scripts/vendor-divisions.sh` from the npm
//! package `china-division` into `data/divisions.tsv` and compiled into the binary. The table is constant
//! data, not state: it changes only with a new edition (and a new build).
//!
//! `xyd_domain::RegionCode` and `RegionPrefix` check a code's shape; this table says whether it exists, what
//! it is called, and which division a six-digit GB/T 2260 code (`440800`) stands for. Text from outside —
//! an argument, a row, a filter — becomes a code only through [`parse_code`], [`parse_area`] or
//! [`Divisions::area`], which accept both forms and answer the platform's (`4408`).

use std::sync::LazyLock;

use xyd_domain::{DomainError, RegionCode, RegionPrefix};
use xyd_reasons::Reason;

/// The edition every code and name here comes from, as named in messages.
pub const EDITION: &str = "2023年统计用区划代码";

const TABLE: &str = include_str!("../data/divisions.tsv");

/// Names of city-level placeholders (市辖区, 省直辖县级行政区划 …) that a full name leaves out.
const PLACEHOLDERS: [&str; 4] = ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"];

static EMBEDDED: LazyLock<Divisions> = LazyLock::new(|| Divisions::parse(TABLE));

/// 区划级别: the level a code's length stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// 省级 (2 digits).
    Province,
    /// 地级 (4 digits).
    City,
    /// 县级 (6 digits).
    County,
    /// 乡级: 乡镇/街道 (9 digits).
    Town,
}

impl Level {
    /// The level of a code of `len` digits.
    pub fn of_len(len: usize) -> Option<Self> {
        match len {
            2 => Some(Self::Province),
            4 => Some(Self::City),
            6 => Some(Self::County),
            9 => Some(Self::Town),
            _ => None,
        }
    }

    /// How many digits a code of this level has.
    pub fn code_len(self) -> usize {
        match self {
            Self::Province => 2,
            Self::City => 4,
            Self::County => 6,
            Self::Town => 9,
        }
    }

    fn parent(self) -> Option<Self> {
        match self {
            Self::Province => None,
            Self::City => Some(Self::Province),
            Self::County => Some(Self::City),
            Self::Town => Some(Self::County),
        }
    }
}

struct Entry {
    code: &'static str,
    name: &'static str,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// The whole table, sorted by code.
pub struct Divisions {
    entries: Vec<Entry>,
    provinces: Vec<usize>,
}

/// One division: a province, city, county or town.
#[derive(Clone, Copy)]
pub struct Division<'a> {
    table: &'a Divisions,
    index: usize,
}

impl Divisions {
    /// The table compiled into the binary.
    pub fn embedded() -> &'static Divisions {
        &EMBEDDED
    }

    /// Reads "code<TAB>name" lines sorted by code; a line that does not fit is skipped (the vendoring script
    /// writes only well-formed lines, and a test checks that none is skipped).
    fn parse(text: &'static str) -> Self {
        let mut entries: Vec<Entry> = text
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .filter(|(code, _)| Level::of_len(code.len()).is_some())
            .map(|(code, name)| Entry { code, name, parent: None, children: Vec::new() })
            .collect();
        entries.sort_by(|a, b| a.code.cmp(b.code));
        let mut provinces = Vec::new();
        for index in 0..entries.len() {
            let code = entries[index].code;
            let parent = Level::of_len(code.len())
                .and_then(Level::parent)
                .and_then(|level| entries.binary_search_by(|e| e.code.cmp(&code[..level.code_len()])).ok());
            entries[index].parent = parent;
            match parent {
                Some(p) => entries[p].children.push(index),
                None => provinces.push(index),
            }
        }
        Self { entries, provinces }
    }

    /// How many divisions the table holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table is empty (never, for the embedded one).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The division with this exact code.
    pub fn get(&self, code: &str) -> Option<Division<'_>> {
        let index = self.entries.binary_search_by(|e| e.code.cmp(code)).ok()?;
        Some(Division { table: self, index })
    }

    /// The provinces (省级), by code.
    pub fn provinces(&self) -> impl Iterator<Item = Division<'_>> {
        self.provinces.iter().map(|&index| Division { table: self, index })
    }

    /// The division `text` names, written in the platform's form (`4408`) or as a six-digit GB/T 2260 code
    /// (`440800`): the first of [`RegionPrefix::readings`] the table holds. `None` for anything else.
    pub fn find(&self, text: &str) -> Option<Division<'_>> {
        RegionPrefix::readings(text).find_map(|code| self.get(code))
    }

    /// The province, city, county or town `text` names in either form; `INVALID_REGION_CODE` for text
    /// neither form allows, `UNKNOWN_REGION` (naming the edition and the forms) for a code the table lacks.
    pub fn area(&self, text: &str) -> Result<Division<'_>, DomainError> {
        let prefix = RegionPrefix::parse(text)?;
        self.find(prefix.as_str()).ok_or_else(|| unknown(prefix.as_str()))
    }

    /// The county or town `code` names; `UNKNOWN_REGION` naming the edition, or `INVALID_REGION_CODE` when
    /// it is the GB/T 2260 code of a city or province (`440800`). The division found has `code` as its code:
    /// a six-digit code that is a county is read as that county before anything else.
    pub fn existing(&self, code: &RegionCode) -> Result<Division<'_>, DomainError> {
        let division = self.find(code.as_str()).ok_or_else(|| unknown(code.as_str()))?;
        match division.level() {
            Level::County | Level::Town => Ok(division),
            Level::Province | Level::City => Err(not_a_county(code.as_str(), division)),
        }
    }
}

/// Parses a county or town code (6 or 9 digits) that exists in the table.
pub fn parse_code(input: &str) -> Result<RegionCode, DomainError> {
    let code = RegionCode::parse(input)?;
    Divisions::embedded().existing(&code)?;
    Ok(code)
}

/// Parses an area (province, city, county or town) that exists in the table, in either form, into the
/// platform's form: `440800` and `4408` are both 湛江市 `4408`, `440000` is 广东省 `44`.
pub fn parse_area(input: &str) -> Result<RegionPrefix, DomainError> {
    Divisions::embedded().area(input)?.prefix()
}

/// The forms a code may take, for messages.
const FORMS: &str = "可写作截取到本级的2、4、6或9位代码（如广东省44、湛江市4408、雷州市440882、调风镇440882111），\
                     或6位 GB/T 2260 代码（如广东省440000、湛江市440800）";

fn unknown(code: &str) -> DomainError {
    DomainError::invalid("regionCode", Reason::UnknownRegion { code: code.to_owned(), edition: EDITION, forms: FORMS })
}

fn not_a_county(code: &str, division: Division<'_>) -> DomainError {
    let level = if division.level() == Level::Province { "省级" } else { "地级" };
    DomainError::invalid(
        "regionCode",
        Reason::RegionNotArea { code: code.to_owned(), level, name: division.full_name().to_string() },
    )
}

impl<'a> Division<'a> {
    fn entry(&self) -> &'a Entry {
        &self.table.entries[self.index]
    }

    /// The code, 2, 4, 6 or 9 digits.
    pub fn code(&self) -> &'a str {
        self.entry().code
    }

    /// The name, e.g. 调风镇.
    pub fn name(&self) -> &'a str {
        self.entry().name
    }

    /// The level the code's length stands for.
    pub fn level(&self) -> Level {
        match Level::of_len(self.code().len()) {
            Some(level) => level,
            None => unreachable!("the table keeps only codes of a level's length"),
        }
    }

    /// The division one level up; none for a province.
    pub fn parent(&self) -> Option<Division<'a>> {
        self.entry().parent.map(|index| Division { table: self.table, index })
    }

    /// The divisions one level down, by code.
    pub fn children(&self) -> impl Iterator<Item = Division<'a>> + 'a {
        let table = self.table;
        self.entry().children.iter().map(move |&index| Division { table, index })
    }

    /// The division as an area, in the platform's form.
    pub fn prefix(&self) -> Result<RegionPrefix, DomainError> {
        RegionPrefix::parse(self.code())
    }

    /// The names from the province down, without placeholders such as 市辖区: 广东省湛江市雷州市调风镇.
    pub fn full_name(&self) -> String {
        let mut names = vec![self.name()];
        let mut up = self.parent();
        while let Some(division) = up {
            names.push(division.name());
            up = division.parent();
        }
        names.into_iter().rev().filter(|name| !PLACEHOLDERS.contains(name)).collect()
    }
}

impl std::fmt::Debug for Division<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static Divisions {
        Divisions::embedded()
    }

    #[test]
    fn every_line_is_read_and_every_division_but_a_province_has_its_parent() {
        assert_eq!(table().len(), TABLE.lines().count());
        assert_eq!(table().provinces().count(), 31);
        for entry in &table().entries {
            let level = Level::of_len(entry.code.len()).unwrap();
            assert_eq!(entry.parent.is_none(), level == Level::Province, "{}", entry.code);
            assert!(!entry.name.trim().is_empty());
        }
    }

    #[test]
    fn a_town_knows_its_name_level_and_parents() {
        let town = table().get("440882111").unwrap();
        assert_eq!(town.name(), "调风镇");
        assert_eq!(town.level(), Level::Town);
        assert_eq!(town.full_name(), "广东省湛江市雷州市调风镇");
        let county = town.parent().unwrap();
        assert_eq!((county.code(), county.name()), ("440882", "雷州市"));
        assert_eq!(county.parent().unwrap().name(), "湛江市");
        assert_eq!(county.parent().unwrap().parent().unwrap().name(), "广东省");
        assert_eq!(table().get("440882105").unwrap().name(), "企水镇");
    }

    #[test]
    fn leizhou_has_3_subdistricts_18_towns_and_its_development_zone() {
        let towns: Vec<&str> = table().get("440882").unwrap().children().map(|t| t.name()).collect();
        assert_eq!(towns.len(), 22);
        assert_eq!(towns.iter().filter(|name| name.ends_with("街道")).count(), 3);
        assert_eq!(towns.iter().filter(|name| name.ends_with('镇')).count(), 18);
    }

    #[test]
    fn full_names_leave_out_placeholders() {
        assert_eq!(table().get("110101").unwrap().full_name(), "北京市东城区");
        assert_eq!(table().get("429004").unwrap().full_name(), "湖北省仙桃市");
    }

    #[test]
    fn unknown_codes_are_refused_with_the_edition_and_the_forms() {
        let err = table().existing(&RegionCode::parse("440882999").unwrap()).unwrap_err();
        assert_eq!(err.code(), "UNKNOWN_REGION");
        assert!(err.to_string().contains(EDITION));
        for unknown in ["4499", "449900", "440000000", "000000", "440899"] {
            let err = parse_area(unknown).unwrap_err();
            assert_eq!(err.code(), "UNKNOWN_REGION", "{unknown}");
            assert!(err.to_string().contains(EDITION) && err.to_string().contains("GB/T 2260"), "{err}");
        }
        for malformed in ["4", "44080", "44A800", "4408821"] {
            assert_eq!(parse_area(malformed).unwrap_err().code(), "INVALID_REGION_CODE", "{malformed}");
        }
    }

    #[test]
    fn an_area_in_either_form_parses_to_the_short_form() {
        for (input, canonical) in [
            ("440800", "4408"),
            ("4408", "4408"),
            ("441500", "4415"),
            ("440000", "44"),
            (" 44 ", "44"),
            ("440100", "4401"),
            ("440882", "440882"),
            ("440882111", "440882111"),
            ("110000", "11"),
            ("110100", "1101"),
            // 东莞市 has no districts: its one county carries the city's GB/T 2260 code, and stays a county.
            ("441900", "441900"),
            ("4419", "4419"),
        ] {
            assert_eq!(parse_area(input).unwrap().as_str(), canonical, "{input}");
        }
        assert_eq!(table().find("440800").unwrap().name(), "湛江市");
        assert_eq!(table().find("441900").unwrap().level(), Level::County);
    }

    #[test]
    fn every_province_and_city_in_its_gbt_2260_form_is_itself_or_its_only_county() {
        for division in table().entries.iter().enumerate().map(|(index, _)| Division { table: table(), index }) {
            // The short form is always read as itself: no county or town is taken for another division.
            assert_eq!(parse_area(division.code()).unwrap().as_str(), division.code());
            if !matches!(division.level(), Level::Province | Level::City) {
                continue;
            }
            let padded = format!("{:0<6}", division.code());
            let found = parse_area(&padded).unwrap();
            let same_area = found.as_str() == division.code()
                || (division.children().count() == 1 && division.children().all(|c| c.code() == found.as_str()));
            assert!(same_area, "{padded} is {found}, not {division:?}");
        }
    }

    #[test]
    fn a_region_code_must_be_a_county_or_a_town_in_either_form() {
        assert_eq!(parse_code("440882").unwrap().as_str(), "440882");
        assert_eq!(parse_code("441900").unwrap().as_str(), "441900");
        assert_eq!(parse_code("440882111").unwrap().as_str(), "440882111");
        for city in ["440800", "440000"] {
            let err = parse_code(city).unwrap_err();
            assert_eq!(err.code(), "INVALID_REGION_CODE", "{city}");
            assert!(err.to_string().contains(if city == "440000" { "广东省" } else { "广东省湛江市" }), "{err}");
        }
        assert_eq!(parse_code("449900").unwrap_err().code(), "UNKNOWN_REGION");
        assert_eq!(parse_code("4408").unwrap_err().code(), "INVALID_REGION_CODE");
    }
}
