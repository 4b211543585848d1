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

const fn f(key: &'static str, label: &'static str, kind: FactKind) -> FieldSpec {
    FieldSpec { key, label, kind }
}

use FactKind::{Flag, Token, Url};

pub const SECTIONS: &[SectionSpec] = &[
    SectionSpec {
        key: "security_compliance",
        title: "Compliance posture",
        fields: &[
            f("soc2_type2", "SOC 2 Type II", Flag),
            f("iso_27001", "ISO 27001", Flag),
            f("iso_42001", "ISO 42001 (AI management system)", Flag),
            f("fedramp_authorized", "FedRAMP authorized", Flag),
            f("gdpr_compliant", "GDPR compliant", Flag),
            f("ccpa_compliant", "CCPA compliant", Flag),
            f("hipaa_compliant", "HIPAA compliant", Flag),
            f("nist_ai_rmf_aligned", "NIST AI RMF aligned", Flag),
            f("csa_star_certified", "CSA STAR certified", Flag),
        ],
    },
    SectionSpec {
        key: "data_handling",
        title: "Data handling",
        fields: &[
            f("trains_on_user_data", "Trains on user data", Token),
            f(
                "outputs_feed_model_improvement",
                "Outputs feed model improvement",
                Token,
            ),
            f("data_retention_period", "Data retention period", Token),
            f(
                "deletion_on_request",
                "Can delete user data on request",
                Flag,
            ),
            f("default_data_residency", "Default data residency", Token),
            f("data_residency_options", "Data residency options", Token),
            f("encryption_at_rest", "Encryption at rest", Flag),
            f("encryption_in_transit", "Encryption in transit", Flag),
            f("dpa_available", "DPA available", Flag),
            f("public_subprocessor_list", "Public subprocessor list", Flag),
            f("hipaa_baa_available", "HIPAA BAA available", Flag),
        ],
    },
    SectionSpec {
        key: "ip_profile",
        title: "IP profile",
        fields: &[
            f("user_owns_outputs", "User owns outputs", Token),
            f(
                "vendor_claims_output_rights",
                "Vendor claims output rights",
                Flag,
            ),
            f("input_ip_protection", "Input IP protection", Token),
            f("indemnification_offered", "Indemnification offered", Flag),
            f("copyright_shield", "Copyright shield program", Flag),
            f("commercial_use_permitted", "Commercial use permitted", Flag),
            f(
                "training_data_provenance",
                "Training data provenance",
                Token,
            ),
            f("known_ip_lawsuits", "Known IP lawsuits", Flag),
        ],
    },
    SectionSpec {
        key: "jurisdiction_profiles",
        title: "Jurisdiction",
        fields: &[
            f("incorporation_country", "Incorporation country", Token),
            f(
                "incorporation_jurisdiction_risk",
                "Incorporation jurisdiction risk",
                Token,
            ),
            f(
                "subject_to_us_jurisdiction",
                "Subject to US jurisdiction",
                Flag,
            ),
            f(
                "subject_to_eu_jurisdiction",
                "Subject to EU jurisdiction",
                Flag,
            ),
            f(
                "subject_to_china_jurisdiction",
                "Subject to China jurisdiction",
                Flag,
            ),
            f(
                "subject_to_russia_jurisdiction",
                "Subject to Russia jurisdiction",
                Flag,
            ),
            f(
                "government_data_access_risk",
                "Government data access risk",
                Token,
            ),
            f("five_eyes_aligned", "Five Eyes aligned", Flag),
            f(
                "adequate_privacy_jurisdiction",
                "Adequate privacy jurisdiction",
                Flag,
            ),
            f("sanctions_risk", "Sanctions risk", Token),
        ],
    },
    SectionSpec {
        key: "governance",
        title: "Governance",
        fields: &[
            f("publishes_model_cards", "Publishes model cards", Flag),
            f(
                "publishes_transparency_reports",
                "Publishes transparency reports",
                Flag,
            ),
            f("has_ai_ethics_board", "Has AI ethics board", Flag),
            f("safety_testing_disclosed", "Safety testing disclosed", Flag),
            f("red_teaming_program", "Red-teaming program", Flag),
            f("government_contracts", "Government contracts", Flag),
            f("terms_of_service_url", "Terms of service", Url),
            f("privacy_policy_url", "Privacy policy", Url),
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

    #[test]
    fn keys_are_unique() {
        let mut paths = all_paths();
        let n = paths.len();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), n);
    }
}
