//! The fact sections of a vendor profile, in the order the procurement pack shows them.
//! This table is the single list of fact keys: the loader validates against it, the pages
//! take their labels from it, and a schema generator can read it.

use serde::Serialize;

/// What values a fact accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    /// `yes`, `no`, `not_disclosed`, or one of [`FLAG_QUALIFIERS`].
    Flag,
    /// A short token or text: `opt_out_available`, `CN`, `high`.
    Token,
    /// An http(s) URL, or `not_disclosed`.
    Url,
}

pub struct FieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FactKind,
    /// Which of its values are bad news for a buyer.
    pub risk: Risk,
}

/// Which answers to a fact are the risk. Whether a value is good news depends on the
/// question, not on the word: "SOC 2 Type II: Yes" is good news, "Subject to China
/// jurisdiction: Yes" is not, and the pages colour and mark a value by this, never by "Yes".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    /// "No" is the risk, "Yes" good news (SOC 2 Type II, encryption at rest).
    IfNo,
    /// "Yes" is the risk, "No" good news (subject to China jurisdiction, known IP lawsuits).
    IfYes,
    /// A level: `critical`, `high` and `weak` are the risk; `low`, `none` and `strong` good news.
    Level,
    /// No answer is good or bad in itself (incorporation country, government contracts): shown
    /// plainly, never with a tick.
    Neither,
}

/// How a value reads for a buyer, from its fact's [`Risk`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Good,
    Risk,
    Neutral,
    /// Not disclosed: neither good nor bad, and not to be read as either.
    Unknown,
}

/// Level tokens that are the risk, and those that are good news, for [`Risk::Level`].
const RISK_LEVELS: &[&str] = &["critical", "high", "very_high", "weak", "severe"];
const GOOD_LEVELS: &[&str] = &["low", "none", "very_low", "strong", "minimal"];

impl Risk {
    /// The tone of `value` for a fact with this risk.
    pub fn tone(self, value: &FactValue) -> Tone {
        let token = match value {
            // Unknown to us or contested: neither good news nor a risk until the sources say.
            FactValue::NotDisclosed | FactValue::NotRecorded | FactValue::Disputed => {
                return Tone::Unknown
            }
            FactValue::Yes => "yes",
            FactValue::No => "no",
            FactValue::Stated(s) => s.as_str(),
        };
        let token = token.to_ascii_lowercase();
        match (self, token.as_str()) {
            (Risk::IfNo, "yes") | (Risk::IfYes, "no") => Tone::Good,
            (Risk::IfNo, "no") | (Risk::IfYes, "yes") => Tone::Risk,
            (Risk::Level, t) if RISK_LEVELS.contains(&t) => Tone::Risk,
            (Risk::Level, t) if GOOD_LEVELS.contains(&t) => Tone::Good,
            _ => Tone::Neutral,
        }
    }
}

pub struct SectionSpec {
    pub key: &'static str,
    pub title: &'static str,
    pub fields: &'static [FieldSpec],
}

/// Values a [`FactKind::Flag`] accepts besides yes/no/not_disclosed.
pub const FLAG_QUALIFIERS: &[&str] = &[
    "partial",
    "conditional",
    "self_assessed",
    "opt_out_available",
    "opt_in",
];

const fn f(key: &'static str, label: &'static str, kind: FactKind, risk: Risk) -> FieldSpec {
    FieldSpec {
        key,
        label,
        kind,
        risk,
    }
}

use FactKind::{Flag, Token, Url};
use Risk::{IfNo, IfYes, Level, Neither};

pub const SECTIONS: &[SectionSpec] = &[
    SectionSpec {
        key: "security_compliance",
        title: "Compliance posture",
        fields: &[
            f("soc2_type2", "SOC 2 Type II", Flag, IfNo),
            f("iso_27001", "ISO 27001", Flag, IfNo),
            f("iso_42001", "ISO 42001 (AI management system)", Flag, IfNo),
            f("fedramp_authorized", "FedRAMP authorized", Flag, IfNo),
            f("gdpr_compliant", "GDPR compliant", Flag, IfNo),
            f("ccpa_compliant", "CCPA compliant", Flag, IfNo),
            f("hipaa_compliant", "HIPAA compliant", Flag, IfNo),
            f("nist_ai_rmf_aligned", "NIST AI RMF aligned", Flag, IfNo),
            f("csa_star_certified", "CSA STAR certified", Flag, IfNo),
        ],
    },
    SectionSpec {
        key: "data_handling",
        title: "Data handling",
        fields: &[
            f("trains_on_user_data", "Trains on user data", Token, IfYes),
            f(
                "outputs_feed_model_improvement",
                "Outputs feed model improvement",
                Token,
                IfYes,
            ),
            f(
                "data_retention_period",
                "Data retention period",
                Token,
                Neither,
            ),
            f(
                "deletion_on_request",
                "Can delete user data on request",
                Flag,
                IfNo,
            ),
            f(
                "default_data_residency",
                "Default data residency",
                Token,
                Neither,
            ),
            f(
                "data_residency_options",
                "Data residency options",
                Token,
                Neither,
            ),
            f("encryption_at_rest", "Encryption at rest", Flag, IfNo),
            f("encryption_in_transit", "Encryption in transit", Flag, IfNo),
            f("dpa_available", "DPA available", Flag, IfNo),
            f(
                "public_subprocessor_list",
                "Public subprocessor list",
                Flag,
                IfNo,
            ),
            f("hipaa_baa_available", "HIPAA BAA available", Flag, IfNo),
        ],
    },
    SectionSpec {
        key: "ip_profile",
        title: "IP profile",
        fields: &[
            f("user_owns_outputs", "User owns outputs", Token, IfNo),
            f(
                "vendor_claims_output_rights",
                "Vendor claims output rights",
                Flag,
                IfYes,
            ),
            f("input_ip_protection", "Input IP protection", Token, Level),
            f(
                "indemnification_offered",
                "Indemnification offered",
                Flag,
                IfNo,
            ),
            f("copyright_shield", "Copyright shield program", Flag, IfNo),
            f(
                "commercial_use_permitted",
                "Commercial use permitted",
                Flag,
                IfNo,
            ),
            f(
                "training_data_provenance",
                "Training data provenance",
                Token,
                Neither,
            ),
            f("known_ip_lawsuits", "Known IP lawsuits", Flag, IfYes),
        ],
    },
    SectionSpec {
        key: "jurisdiction_profiles",
        title: "Jurisdiction",
        fields: &[
            f(
                "incorporation_country",
                "Incorporation country",
                Token,
                Neither,
            ),
            f(
                "incorporation_jurisdiction_risk",
                "Incorporation jurisdiction risk",
                Token,
                Level,
            ),
            f(
                "subject_to_us_jurisdiction",
                "Subject to US jurisdiction",
                Flag,
                Neither,
            ),
            f(
                "subject_to_eu_jurisdiction",
                "Subject to EU jurisdiction",
                Flag,
                Neither,
            ),
            f(
                "subject_to_china_jurisdiction",
                "Subject to China jurisdiction",
                Flag,
                IfYes,
            ),
            f(
                "subject_to_russia_jurisdiction",
                "Subject to Russia jurisdiction",
                Flag,
                IfYes,
            ),
            f(
                "government_data_access_risk",
                "Government data access risk",
                Token,
                Level,
            ),
            f("five_eyes_aligned", "Five Eyes aligned", Flag, Neither),
            f(
                "adequate_privacy_jurisdiction",
                "Adequate privacy jurisdiction",
                Flag,
                IfNo,
            ),
            f("sanctions_risk", "Sanctions risk", Token, Level),
        ],
    },
    SectionSpec {
        key: "governance",
        title: "Governance",
        fields: &[
            f("publishes_model_cards", "Publishes model cards", Flag, IfNo),
            f(
                "publishes_transparency_reports",
                "Publishes transparency reports",
                Flag,
                IfNo,
            ),
            f("has_ai_ethics_board", "Has AI ethics board", Flag, IfNo),
            f(
                "safety_testing_disclosed",
                "Safety testing disclosed",
                Flag,
                IfNo,
            ),
            f("red_teaming_program", "Red-teaming program", Flag, IfNo),
            f(
                "government_contracts",
                "Government contracts",
                Flag,
                Neither,
            ),
            f("terms_of_service_url", "Terms of service", Url, Neither),
            f("privacy_policy_url", "Privacy policy", Url, Neither),
        ],
    },
];

/// A validated fact value. `No` and `NotDisclosed` are different facts and are never merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "text", rename_all = "snake_case")]
pub enum FactValue {
    Yes,
    No,
    NotDisclosed,
    /// Our sources do not cover it (`not_recorded`, with the reason in `detail`): neither "no"
    /// nor "not disclosed by the vendor".
    NotRecorded,
    /// Any other stated value (`opt_out_available`, `CN`, a URL).
    Stated(String),
    /// Sources disagree: the fact's `disputed` claims hold each value with its sources.
    Disputed,
}

impl FactValue {
    pub fn parse(s: &str) -> FactValue {
        match s {
            "yes" => FactValue::Yes,
            "no" => FactValue::No,
            "not_disclosed" => FactValue::NotDisclosed,
            "not_recorded" => FactValue::NotRecorded,
            other => FactValue::Stated(other.to_string()),
        }
    }

    /// How a reader sees it: `Yes`, `No`, `Not disclosed`, `Opt out available`, `CN`.
    pub fn display(&self) -> String {
        match self {
            FactValue::Yes => "Yes".into(),
            FactValue::No => "No".into(),
            FactValue::NotDisclosed => "Not disclosed".into(),
            FactValue::NotRecorded => "Not recorded in our sources".into(),
            FactValue::Stated(s) => humanize_token(s),
            FactValue::Disputed => "Disputed".into(),
        }
    }

    /// CSS-friendly state name.
    pub fn state(&self) -> &'static str {
        match self {
            FactValue::Yes => "yes",
            FactValue::No => "no",
            FactValue::NotDisclosed => "not-disclosed",
            FactValue::NotRecorded => "not-recorded",
            FactValue::Stated(_) => "stated",
            FactValue::Disputed => "disputed",
        }
    }
}

/// `opt_out_available` → `Opt out available`; anything not a lowercase snake token is kept.
pub fn humanize_token(s: &str) -> String {
    let is_token = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit());
    if !is_token {
        return s.to_string();
    }
    let spaced = s.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => spaced,
    }
}

pub fn section(key: &str) -> Option<&'static SectionSpec> {
    SECTIONS.iter().find(|s| s.key == key)
}

/// How `value` of fact `section.key` reads for a buyer; [`Tone::Neutral`] for a key not in
/// the table.
pub fn tone(section_key: &str, key: &str, value: &FactValue) -> Tone {
    section(section_key)
        .and_then(|s| s.fields.iter().find(|f| f.key == key))
        .map_or(Tone::Neutral, |f| f.risk.tone(value))
}

/// Every valid `section.key` path (what the sources table may cite).
pub fn all_paths() -> Vec<String> {
    SECTIONS
        .iter()
        .flat_map(|s| s.fields.iter().map(move |f| format!("{}.{}", s.key, f.key)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_and_not_disclosed_stay_apart() {
        assert_ne!(FactValue::parse("no"), FactValue::parse("not_disclosed"));
        assert_eq!(FactValue::parse("no").display(), "No");
        assert_eq!(FactValue::parse("not_disclosed").display(), "Not disclosed");
    }

    #[test]
    fn humanizes_tokens_but_keeps_codes() {
        assert_eq!(humanize_token("opt_out_available"), "Opt out available");
        assert_eq!(humanize_token("CN"), "CN");
    }

    fn tone(key: &str, value: &str) -> Tone {
        let spec = SECTIONS
            .iter()
            .flat_map(|s| s.fields)
            .find(|f| f.key == key)
            .unwrap();
        spec.risk.tone(&FactValue::parse(value))
    }

    #[test]
    fn a_risky_yes_is_never_good_news() {
        // Both were shown with the green tick of good news.
        assert_eq!(tone("subject_to_china_jurisdiction", "yes"), Tone::Risk);
        assert_ne!(tone("government_contracts", "yes"), Tone::Good);
        assert_eq!(tone("known_ip_lawsuits", "yes"), Tone::Risk);
        assert_eq!(tone("soc2_type2", "yes"), Tone::Good);
        assert_eq!(tone("soc2_type2", "no"), Tone::Risk);
        assert_eq!(tone("subject_to_china_jurisdiction", "no"), Tone::Good);
    }

    #[test]
    fn critical_and_high_levels_are_the_risk() {
        assert_eq!(tone("government_data_access_risk", "critical"), Tone::Risk);
        assert_eq!(tone("incorporation_jurisdiction_risk", "high"), Tone::Risk);
        assert_eq!(tone("sanctions_risk", "low"), Tone::Good);
        assert_eq!(tone("input_ip_protection", "weak"), Tone::Risk);
        assert_eq!(tone("sanctions_risk", "moderate"), Tone::Neutral);
        assert_eq!(tone("sanctions_risk", "not_disclosed"), Tone::Unknown);
    }

    #[test]
    fn every_yes_no_fact_says_which_answer_is_the_risk() {
        // A flag left `Neither` would show "Yes" plainly; that is a decision, so it is listed.
        let neutral_flags: Vec<&str> = SECTIONS
            .iter()
            .flat_map(|s| s.fields)
            .filter(|f| f.kind == FactKind::Flag && f.risk == Risk::Neither)
            .map(|f| f.key)
            .collect();
        assert_eq!(
            neutral_flags,
            [
                "subject_to_us_jurisdiction",
                "subject_to_eu_jurisdiction",
                "five_eyes_aligned",
                "government_contracts"
            ]
        );
    }

    #[test]
    fn keys_are_unique() {
        let mut paths = all_paths();
        let n = paths.len();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), n);
    }
}
