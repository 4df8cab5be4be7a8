//! An organisation's inventory: per source whether it has it, how it gets at it, who owns it,
//! how good it is, when it was last checked, and whether an imported dataset makes it
//! queryable for hit/no-hit.

use serde::{Deserialize, Serialize};

/// How the organisation gets at a source it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InventoryAccess {
    Direct,
    OpVerzoek,
    Geen,
}

impl InventoryAccess {
    pub const ALL: [InventoryAccess; 3] = [Self::Direct, Self::OpVerzoek, Self::Geen];

    pub fn code(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::OpVerzoek => "op-verzoek",
            Self::Geen => "geen",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code.trim())
    }
}

/// What can be wrong with an inventory entry, and in which field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryProblem {
    Quality,
    TooLong,
    Date,
    Access,
}

impl EntryProblem {
    /// A stable code (for messages in the interface's language).
    pub fn code(self) -> &'static str {
        match self {
            Self::Quality => "quality",
            Self::TooLong => "too-long",
            Self::Date => "date",
            Self::Access => "access",
        }
    }

    /// The form field it is about.
    pub fn field(self) -> &'static str {
        match self {
            Self::Quality => "kwaliteit",
            Self::TooLong => "afdeling",
            Self::Date => "gecontroleerd",
            Self::Access => "toegang",
        }
    }

    /// The problem in English, for the API.
    pub fn message(self) -> &'static str {
        match self {
            Self::Quality => "quality is 1 to 5",
            Self::TooLong => "department and contact are at most 200 characters",
            Self::Date => "last checked is a date (YYYY-MM-DD)",
            Self::Access => "access is direct, op-verzoek or geen",
        }
    }
}

/// One source in an organisation's inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryEntry {
    pub source: String,
    pub have: bool,
    pub access: InventoryAccess,
    pub department: String,
    pub contact: String,
    /// 1 (poor) to 5 (good), when judged.
    pub quality: Option<u8>,
    /// `YYYY-MM-DD`.
    pub last_checked: Option<String>,
    /// The code of an imported dataset that hit/no-hit can query.
    pub connected: Option<String>,
}

impl InventoryEntry {
    /// The organisation has the source and may get at it.
    pub fn accessible(&self) -> bool {
        self.have && self.access != InventoryAccess::Geen
    }

    /// What is wrong with the entry, if anything.
    pub fn problem(&self) -> Option<EntryProblem> {
        if self.quality.is_some_and(|q| !(1..=5).contains(&q)) {
            return Some(EntryProblem::Quality);
        }
        if self.department.chars().count() > 200 || self.contact.chars().count() > 200 {
            return Some(EntryProblem::TooLong);
        }
        if let Some(d) = &self.last_checked {
            let b = d.as_bytes();
            let ok = b.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && d.bytes()
                    .enumerate()
                    .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
            if !ok {
                return Some(EntryProblem::Date);
            }
        }
        None
    }
}
