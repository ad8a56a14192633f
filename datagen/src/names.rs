//! Plausible Chinese names: people (法定代表人/经营者) and market subjects, whose names follow the
//! trade (行业, GB/T 4754-2017) they practise.
//!
//! - 个体工商户: `{county}{town short}{owner}{shop}`, e.g. 雷州市白沙陈记五金店;
//! - 企业: `{county short}{字号}{industry words}`, e.g. 雷州丰源水产品加工有限公司;
//! - 农民专业合作社: `{county}{town}{字号}{crop words}`, e.g. 雷州市客路镇绿源菠萝种植专业合作社.

use rand::Rng;
use xyd_domain::SubjectKind;

use crate::random::{one_of, weighted};
use crate::region::{County, Town};

/// Common surnames with rough relative frequencies in western Guangdong (陈 dominates).
#[rustfmt::skip]
const SURNAMES: [(char, u32); 38] = [
    ('陈', 20), ('黄', 8), ('李', 7), ('林', 6), ('吴', 5), ('王', 5), ('张', 4), ('刘', 4),
    ('梁', 4), ('杨', 3), ('何', 3), ('邓', 3), ('蔡', 3), ('莫', 3), ('许', 2), ('郑', 2),
    ('庞', 2), ('谢', 2), ('洪', 2), ('符', 2), ('苏', 2), ('周', 2), ('罗', 2), ('徐', 1),
    ('孙', 1), ('朱', 1), ('郭', 1), ('钟', 1), ('潘', 1), ('冯', 1), ('唐', 1), ('彭', 1),
    ('曾', 1), ('邱', 1), ('麦', 1), ('宋', 1), ('戚', 1), ('薛', 1),
];

/// Characters of given names.
const GIVEN: [char; 48] = [
    '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞',
    '平', '刚', '桂', '英', '华', '玉', '兰', '文', '辉', '建', '国', '海', '燕', '志', '春', '红', '金', '荣', '德',
    '成', '光', '晓', '俊', '锋', '鹏', '宇', '婷', '琳', '雄',
];

/// Characters of 字号 (trade names); two distinct ones make a brand such as 丰源.
const BRAND: [char; 40] = [
    '兴', '隆', '盛', '发', '达', '顺', '丰', '源', '泰', '华', '鑫', '富', '利', '昌', '祥', '福', '佳', '宏', '恒',
    '信', '诚', '和', '海', '雷', '粤', '金', '星', '嘉', '骏', '宝', '瑞', '鸿', '永', '安', '康', '旺', '荣', '绿',
    '创', '新',
];

/// Share (in %) of 个体工商户 named after the owner (陈记) rather than a 字号.
const OWNER_NAMED_SHOPS: u32 = 60;

/// Share (in %) of legal representatives with a two-character given name.
const TWO_CHARACTER_GIVEN_NAMES: u32 = 70;

/// A trade (行业) a subject may practise: a GB/T 4754-2017 小类 (class) and the closing words
/// of the names of businesses in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trade {
    /// 行业代码, a 4-digit 小类 with its 门类 letter, e.g. `F5281`.
    pub code: &'static str,
    /// Closing words of the name, e.g. 五金店, 食品有限公司, 菠萝种植专业合作社.
    pub words: &'static str,
    /// Relative frequency among subjects of the same kind.
    pub weight: u32,
}

const fn trade(code: &'static str, words: &'static str, weight: u32) -> Trade {
    Trade { code, words, weight }
}

/// 个体工商户 trades: retail (F) and catering (H) dominate, then residents' services (O).
const SHOP_TRADES: [Trade; 39] = [
    trade("F5211", "百货店", 10),
    trade("F5212", "便民超市", 8),
    trade("F5213", "便利店", 6),
    trade("F5221", "粮油店", 5),
    trade("F5223", "水果店", 5),
    trade("F5224", "猪肉档", 4),
    trade("F5224", "海鲜档", 3),
    trade("F5226", "茶叶店", 2),
    trade("F5227", "烟酒店", 4),
    trade("F5232", "服装店", 5),
    trade("F5251", "药店", 2),
    trade("F5264", "摩托车行", 3),
    trade("F5274", "手机店", 3),
    trade("F5281", "五金店", 5),
    trade("H6129", "旅馆", 2),
    trade("H6210", "饭店", 8),
    trade("H6210", "大排档", 3),
    trade("H6220", "快餐店", 6),
    trade("H6239", "奶茶店", 3),
    trade("H6291", "肠粉店", 4),
    trade("H6291", "糖水店", 3),
    trade("O8030", "洗衣店", 1),
    trade("O8040", "理发店", 5),
    trade("O8040", "美容店", 3),
    trade("O8060", "照相馆", 1),
    trade("O8111", "汽车维修店", 2),
    trade("O8113", "摩托车维修店", 3),
    trade("O8131", "家电维修店", 2),
    trade("G5431", "货运部", 3),
    trade("A0141", "蔬菜种植场", 2),
    trade("A0313", "养猪场", 2),
    trade("A0411", "对虾养殖场", 2),
    trade("C1311", "碾米厂", 2),
    trade("C1411", "饼家", 2),
    trade("F5123", "果蔬批发部", 2),
    trade("F5124", "水产批发部", 2),
    trade("F5212", "购物中心", 1),
    trade("H6291", "小吃店", 3),
    trade("O8040", "发廊", 1),
];

/// 企业 trades: trade and manufacturing first, then construction and agriculture.
const COMPANY_TRADES: [Trade; 38] = [
    trade("F5121", "粮油贸易有限公司", 4),
    trade("F5123", "果蔬贸易有限公司", 4),
    trade("F5124", "水产贸易有限公司", 4),
    trade("F5211", "商贸有限公司", 8),
    trade("F5212", "超市有限公司", 3),
    trade("F5251", "大药房有限公司", 2),
    trade("F5261", "汽车销售有限公司", 2),
    trade("F5264", "摩托车销售有限公司", 2),
    trade("F5281", "五金机电有限公司", 2),
    trade("C1311", "米业有限公司", 2),
    trade("C1340", "糖业有限公司", 2),
    trade("C1361", "水产品加工有限公司", 3),
    trade("C1411", "食品加工有限公司", 3),
    trade("C1819", "服装有限公司", 1),
    trade("C2110", "家具有限公司", 2),
    trade("C3021", "水泥制品有限公司", 2),
    trade("C3311", "钢结构有限公司", 1),
    trade("C3572", "机械制造有限公司", 2),
    trade("E4710", "建筑工程有限公司", 5),
    trade("E4812", "路桥工程有限公司", 2),
    trade("E4910", "电力工程有限公司", 2),
    trade("E5012", "装饰工程有限公司", 3),
    trade("A0154", "农业发展有限公司", 3),
    trade("A0313", "生态养殖有限公司", 2),
    trade("A0411", "水产养殖有限公司", 3),
    trade("A0511", "农业科技有限公司", 2),
    trade("G5431", "物流有限公司", 4),
    trade("G5821", "货运代理有限公司", 1),
    trade("G6020", "快递有限公司", 1),
    trade("H6110", "酒店管理有限公司", 2),
    trade("H6210", "餐饮管理有限公司", 3),
    trade("I6513", "网络科技有限公司", 2),
    trade("K7010", "房地产开发有限公司", 2),
    trade("K7020", "物业管理有限公司", 2),
    trade("L7111", "汽车租赁有限公司", 1),
    trade("L7259", "广告传媒有限公司", 1),
    trade("O8010", "家政服务有限公司", 1),
    trade("O8111", "汽车服务有限公司", 2),
];

/// 农民专业合作社 trades: all agriculture (A), led by 雷州's pineapple, sugarcane and vegetables.
const COOPERATIVE_TRADES: [Trade; 11] = [
    trade("A0154", "菠萝种植专业合作社", 5),
    trade("A0154", "香蕉种植专业合作社", 2),
    trade("A0159", "火龙果种植专业合作社", 2),
    trade("A0133", "甘蔗种植专业合作社", 4),
    trade("A0141", "蔬菜种植专业合作社", 4),
    trade("A0111", "水稻种植专业合作社", 3),
    trade("A0123", "番薯种植专业合作社", 2),
    trade("A0313", "生猪养殖专业合作社", 2),
    trade("A0321", "养鸡专业合作社", 1),
    trade("A0411", "对虾养殖专业合作社", 2),
    trade("A0512", "农机专业合作社", 1),
];

/// The trade of a new subject of `kind`, with realistic weights.
pub fn pick_trade(rng: &mut impl Rng, kind: SubjectKind) -> &'static Trade {
    let weight = |trade: &Trade| trade.weight;
    match kind {
        SubjectKind::IndividualBusiness | SubjectKind::NaturalPerson => weighted(rng, &SHOP_TRADES, weight),
        SubjectKind::Enterprise => weighted(rng, &COMPANY_TRADES, weight),
        SubjectKind::FarmerCooperative => weighted(rng, &COOPERATIVE_TRADES, weight),
    }
}

/// The name of a subject of `kind` practising `trade` (picked for that kind) in `town`.
pub fn subject_name(rng: &mut impl Rng, kind: SubjectKind, trade: &Trade, county: &County, town: &Town) -> String {
    match kind {
        SubjectKind::IndividualBusiness => {
            let owner =
                if rng.random_ratio(OWNER_NAMED_SHOPS, 100) { format!("{}记", surname(rng)) } else { brand(rng) };
            format!("{}{}{owner}{}", county.name, town.short_name(), trade.words)
        }
        SubjectKind::Enterprise => format!("{}{}{}", county.short_name(), brand(rng), trade.words),
        SubjectKind::FarmerCooperative => {
            format!("{}{}{}{}", county.name, town.name, brand(rng), trade.words)
        }
        SubjectKind::NaturalPerson => person_name(rng),
    }
}

/// A person's name: a surname and one or two given-name characters, e.g. 陈志强.
pub fn person_name(rng: &mut impl Rng) -> String {
    let mut name = String::from(surname(rng));
    name.push(*one_of(rng, &GIVEN));
    if rng.random_ratio(TWO_CHARACTER_GIVEN_NAMES, 100) {
        name.push(*one_of(rng, &GIVEN));
    }
    name
}

fn surname(rng: &mut impl Rng) -> char {
    weighted(rng, &SURNAMES, |&(_, weight)| weight).0
}

/// A 字号 of two distinct characters, e.g. 丰源.
fn brand(rng: &mut impl Rng) -> String {
    let first = rng.random_range(0..BRAND.len());
    let second = (first + rng.random_range(1..BRAND.len())) % BRAND.len();
    [BRAND[first], BRAND[second]].iter().collect()
}

#[cfg(test)]
mod tests {
    use xyd_domain::IndustryCode;

    use super::*;
    use crate::random::{Stream, stream_rng};

    fn rng() -> rand::rngs::StdRng {
        stream_rng(5, Stream::RegistryRow, 0)
    }

    fn tables() -> [(SubjectKind, &'static [Trade]); 3] {
        [
            (SubjectKind::IndividualBusiness, &SHOP_TRADES),
            (SubjectKind::Enterprise, &COMPANY_TRADES),
            (SubjectKind::FarmerCooperative, &COOPERATIVE_TRADES),
        ]
    }

    #[test]
    fn every_trade_code_is_a_valid_industry_class() {
        for (_, trades) in tables() {
            for trade in trades {
                let code = IndustryCode::parse(trade.code).unwrap();
                assert_eq!(code.as_str(), trade.code, "{trade:?}");
                assert_eq!(trade.code.len(), 5, "{trade:?}");
                assert!(trade.weight > 0 && !trade.words.is_empty(), "{trade:?}");
            }
        }
    }

    #[test]
    fn trade_mix_matches_the_kind() {
        let mut rng = rng();
        let sections = |kind, rng: &mut rand::rngs::StdRng| -> Vec<char> {
            (0..2000).map(|_| pick_trade(rng, kind).code.chars().next().unwrap()).collect()
        };
        let shops = sections(SubjectKind::IndividualBusiness, &mut rng);
        let retail_and_catering = shops.iter().filter(|&&s| s == 'F' || s == 'H').count();
        assert!(retail_and_catering > 1400, "{retail_and_catering}");
        let cooperatives = sections(SubjectKind::FarmerCooperative, &mut rng);
        assert!(cooperatives.iter().all(|&s| s == 'A'));
        for (kind, trades) in tables() {
            let picked = pick_trade(&mut rng, kind);
            assert!(trades.contains(picked));
        }
    }

    #[test]
    fn names_follow_the_kind_templates() {
        let county = County::leizhou();
        let town = &county.towns[3];
        let mut rng = rng();
        for _ in 0..200 {
            let kind = SubjectKind::IndividualBusiness;
            let trade = pick_trade(&mut rng, kind);
            let name = subject_name(&mut rng, kind, trade, &county, town);
            assert!(name.starts_with("雷州市白沙") && !name.starts_with("雷州市白沙镇"), "{name}");
            assert!(name.ends_with(trade.words), "{name}");

            let kind = SubjectKind::Enterprise;
            let trade = pick_trade(&mut rng, kind);
            let name = subject_name(&mut rng, kind, trade, &county, town);
            assert!(name.starts_with("雷州") && !name.starts_with("雷州市"), "{name}");
            assert!(name.ends_with("有限公司"), "{name}");
            assert_eq!(name.chars().count(), 4 + trade.words.chars().count(), "{name}");

            let kind = SubjectKind::FarmerCooperative;
            let trade = pick_trade(&mut rng, kind);
            let name = subject_name(&mut rng, kind, trade, &county, town);
            assert!(name.starts_with("雷州市白沙镇") && name.ends_with("专业合作社"), "{name}");
        }
    }

    #[test]
    fn person_names_have_two_or_three_characters() {
        let mut rng = rng();
        let lengths: Vec<usize> = (0..1000).map(|_| person_name(&mut rng).chars().count()).collect();
        assert!(lengths.iter().all(|&n| n == 2 || n == 3));
        let three = lengths.iter().filter(|&&n| n == 3).count();
        assert!((620..=780).contains(&three), "{three}");
    }

    #[test]
    fn brands_use_two_distinct_characters() {
        let mut rng = rng();
        for _ in 0..500 {
            let brand: Vec<char> = brand(&mut rng).chars().collect();
            assert_eq!(brand.len(), 2);
            assert_ne!(brand[0], brand[1]);
        }
    }
}
