//! The subjects a signal is about — an address, a company, a person — and the dated relations
//! between them (owns, directs, registered at, established at), each with its source.
//!
//! A person is never stored in clear: the store encrypts the name and date of birth and links
//! the person by a keyed pseudonym of the BSN, or of the normalised name and date of birth.

use serde::{Deserialize, Serialize};

use super::FieldError;
use super::ids::{
    BagId, Bsn, CocNumber, HouseAddition, HouseLetter, HouseNumber, NeighbourhoodCode, Postcode,
    SbiCode, parse_past_date,
};
use super::marking::coded_enum;
use crate::codes::MunicipalityCode;

coded_enum!(
    /// What a subject is.
    SubjectKind {
        Address => "adres",
        Company => "bedrijf",
        Person => "persoon",
    }
);

coded_enum!(
    /// How two subjects are related.
    RelationKind {
        /// A person or company owns an address.
        Owns => "eigenaar-van",
        /// A person directs a company.
        Directs => "bestuurder-van",
        /// A person is registered at an address (BRP).
        RegisteredAt => "ingeschreven-op",
        /// A company is established at an address.
        EstablishedAt => "gevestigd-op",
    }
);

impl RelationKind {
    /// Which kinds of subject the relation joins: (from, to).
    pub fn allowed(self, from: SubjectKind, to: SubjectKind) -> bool {
        use SubjectKind::*;
        match self {
            Self::Owns => matches!((from, to), (Person | Company, Address)),
            Self::Directs => matches!((from, to), (Person, Company)),
            Self::RegisteredAt => matches!((from, to), (Person, Address)),
            Self::EstablishedAt => matches!((from, to), (Company, Address)),
        }
    }
}

/// A relation as submitted: from the subject in the path to `naar`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationDraft {
    #[serde(default)]
    pub soort: String,
    #[serde(default)]
    pub naar: i64,
    /// The first day the relation holds, `YYYY-MM-DD`, not in the future.
    #[serde(default)]
    pub vanaf: String,
    /// The last day, when it ended.
    #[serde(default)]
    pub tot: String,
    /// Where it is known from (a register and its date).
    #[serde(default)]
    pub bron: String,
}

/// A relation that passed every rule that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelation {
    pub kind: RelationKind,
    pub to: i64,
    pub valid_from: time::Date,
    pub valid_until: Option<time::Date>,
    pub source: String,
}

impl RelationDraft {
    pub fn validate(&self, today: time::Date) -> Result<NewRelation, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = RelationKind::from_code(&self.soort);
        if kind.is_none() {
            errors.push(FieldError::new(
                "soort",
                format!(
                    "one of {}",
                    RelationKind::ALL
                        .iter()
                        .map(|k| k.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let valid_from = parse_past_date(&self.vanaf, today)
            .map_err(|e| errors.push(FieldError::new("vanaf", e.to_string())))
            .ok();
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let valid_until = match self.tot.trim() {
            "" => None,
            t => match time::Date::parse(t, &fmt) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(FieldError::new("tot", "a date is YYYY-MM-DD"));
                    None
                }
            },
        };
        let source = name_text(&mut errors, "bron", &self.bron, 200);
        if source.is_empty() {
            errors.push(FieldError::new(
                "bron",
                "a relation names where it is known from",
            ));
        }
        match (kind, valid_from) {
            (Some(kind), Some(valid_from)) if errors.is_empty() => Ok(NewRelation {
                kind,
                to: self.naar,
                valid_from,
                valid_until,
                source,
            }),
            _ => Err(errors),
        }
    }
}

/// An address as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressDraft {
    #[serde(default)]
    pub bag_id: String,
    #[serde(default)]
    pub straat: String,
    pub postcode: String,
    pub huisnummer: String,
    #[serde(default)]
    pub huisletter: String,
    #[serde(default)]
    pub toevoeging: String,
    pub gemeente: String,
    #[serde(default)]
    pub buurt: String,
}

/// An address that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAddress {
    pub bag_id: Option<BagId>,
    pub street: String,
    pub postcode: Postcode,
    pub house_number: HouseNumber,
    pub house_letter: Option<HouseLetter>,
    pub addition: Option<HouseAddition>,
    pub municipality: MunicipalityCode,
    pub neighbourhood: Option<NeighbourhoodCode>,
}

impl NewAddress {
    /// `Heuvelstraat 12B-2, 5038 AA` — the display label.
    pub fn label(&self) -> String {
        let mut s = format!("{} {}", self.street, self.house_number.get());
        if let Some(l) = &self.house_letter {
            s.push_str(l.as_str());
        }
        if let Some(a) = &self.addition {
            s.push('-');
            s.push_str(a.as_str());
        }
        format!("{}, {}", s.trim(), self.postcode)
    }
}

fn optional<T, E: ToString>(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<T> {
    if value.trim().is_empty() {
        return None;
    }
    parse(value)
        .map_err(|e| errors.push(FieldError::new(field, e.to_string())))
        .ok()
}

fn name_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.chars().count() > max || v.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            format!("at most {max} characters, without control characters"),
        ));
    }
    v.to_owned()
}

impl AddressDraft {
    pub fn validate(&self) -> Result<NewAddress, Vec<FieldError>> {
        let mut errors = Vec::new();
        let bag_id = optional(&mut errors, "bag_id", &self.bag_id, BagId::parse);
        let postcode = Postcode::parse(&self.postcode)
            .map_err(|e| errors.push(FieldError::new("postcode", e.to_string())))
            .ok();
        let house_number = HouseNumber::parse(&self.huisnummer)
            .map_err(|e| errors.push(FieldError::new("huisnummer", e.to_string())))
            .ok();
        let house_letter = optional(
            &mut errors,
            "huisletter",
            &self.huisletter,
            HouseLetter::parse,
        );
        let addition = optional(
            &mut errors,
            "toevoeging",
            &self.toevoeging,
            HouseAddition::parse,
        );
        let municipality = MunicipalityCode::parse(&self.gemeente)
            .map_err(|_| {
                errors.push(FieldError::new(
                    "gemeente",
                    "a municipality code is GM and four digits",
                ))
            })
            .ok();
        let neighbourhood = optional(&mut errors, "buurt", &self.buurt, NeighbourhoodCode::parse);
        if let (Some(n), Some(m)) = (&neighbourhood, &municipality)
            && n.municipality() != m.as_str()
        {
            errors.push(FieldError::new(
                "buurt",
                "the neighbourhood lies in another municipality",
            ));
        }
        let street = name_text(&mut errors, "straat", &self.straat, 80);
        match (postcode, house_number, municipality) {
            (Some(postcode), Some(house_number), Some(municipality)) if errors.is_empty() => {
                Ok(NewAddress {
                    bag_id,
                    street,
                    postcode,
                    house_number,
                    house_letter,
                    addition,
                    municipality,
                    neighbourhood,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A company as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyDraft {
    pub kvk: String,
    pub naam: String,
    #[serde(default)]
    pub sbi: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCompany {
    pub coc_number: CocNumber,
    pub name: String,
    pub sbi: Vec<SbiCode>,
}

impl CompanyDraft {
    pub fn validate(&self) -> Result<NewCompany, Vec<FieldError>> {
        let mut errors = Vec::new();
        let coc = CocNumber::parse(&self.kvk)
            .map_err(|e| errors.push(FieldError::new("kvk", e.to_string())))
            .ok();
        let name = name_text(&mut errors, "naam", &self.naam, 160);
        if name.is_empty() {
            errors.push(FieldError::new(
                "naam",
                "a company needs its registered name",
            ));
        }
        let mut sbi = Vec::new();
        for code in self.sbi.iter().filter(|s| !s.trim().is_empty()) {
            match SbiCode::parse(code) {
                Ok(c) => sbi.push(c),
                Err(e) => errors.push(FieldError::new("sbi", format!("{code:?}: {e}"))),
            }
        }
        match coc {
            Some(coc_number) if errors.is_empty() => Ok(NewCompany {
                coc_number,
                name,
                sbi,
            }),
            _ => Err(errors),
        }
    }
}

/// A person as submitted. The BSN is optional; name and date of birth are required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonDraft {
    #[serde(default)]
    pub bsn: String,
    pub naam: String,
    pub geboortedatum: String,
}

/// A person that passed every rule. Only the store sees it, to encrypt and pseudonymise it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub name: String,
    pub birth_date: time::Date,
    pub bsn: Option<Bsn>,
}

impl std::fmt::Debug for NewPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPerson(…)")
    }
}

impl NewPerson {
    /// What the keyed pseudonym is computed from: the BSN when known, otherwise the name
    /// (lowercased, accents and spacing folded) with the date of birth.
    pub fn pseudonym_basis(&self) -> String {
        match &self.bsn {
            Some(bsn) => bsn_basis(bsn),
            None => self.name_basis(),
        }
    }

    /// The basis from name and date of birth, so a register without BSNs can still answer.
    pub fn name_basis(&self) -> String {
        name_basis(&self.name, self.birth_date)
    }
}

/// The pseudonym basis of a BSN.
pub fn bsn_basis(bsn: &Bsn) -> String {
    format!("bsn:{}", bsn.as_str())
}

/// The pseudonym basis of a name and date of birth.
pub fn name_basis(name: &str, birth_date: time::Date) -> String {
    format!("naam:{}|{}", fold_name(name), birth_date)
}

impl NewAddress {
    /// The key an address is matched by: its BAG id when known, otherwise its postcode form.
    pub fn key(&self) -> String {
        match &self.bag_id {
            Some(bag) => format!("bag:{bag}"),
            None => self.postcode_key(),
        }
    }

    /// The key by postcode, house number, letter and addition.
    pub fn postcode_key(&self) -> String {
        address_key(
            &self.postcode,
            self.house_number,
            self.house_letter.as_ref(),
            self.addition.as_ref(),
        )
    }
}

/// The postcode form of an address key: `adres:5038 AA|12|B|2`.
pub fn address_key(
    postcode: &Postcode,
    number: HouseNumber,
    letter: Option<&HouseLetter>,
    addition: Option<&HouseAddition>,
) -> String {
    format!(
        "adres:{}|{}|{}|{}",
        postcode,
        number.get(),
        letter.map_or("", |l| l.as_str()),
        addition.map_or("", |a| a.as_str())
    )
}

/// A name folded for matching: lowercase, common accents removed, single spaces.
pub fn fold_name(name: &str) -> String {
    let folded: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'ÿ' | 'ý' => 'y',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl PersonDraft {
    pub fn validate(&self, today: time::Date) -> Result<NewPerson, Vec<FieldError>> {
        let mut errors = Vec::new();
        let bsn = optional(&mut errors, "bsn", &self.bsn, Bsn::parse);
        let name = name_text(&mut errors, "naam", &self.naam, 160);
        if fold_name(&name).is_empty() {
            errors.push(FieldError::new("naam", "a person needs a name"));
        }
        let birth_date = parse_past_date(&self.geboortedatum, today)
            .map_err(|e| errors.push(FieldError::new("geboortedatum", e.to_string())))
            .ok();
        match birth_date {
            Some(birth_date) if errors.is_empty() => Ok(NewPerson {
                name,
                birth_date,
                bsn,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: time::Date = time::macros::date!(2026 - 11 - 28);

    #[test]
    fn an_address_with_every_part_wrong_names_every_field() {
        let draft = AddressDraft {
            bag_id: "123".into(),
            postcode: "0123".into(),
            huisnummer: "nul".into(),
            huisletter: "ab".into(),
            gemeente: "Tilburg".into(),
            ..Default::default()
        };
        let fields: Vec<String> = draft
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["bag_id", "postcode", "huisnummer", "huisletter", "gemeente"]
        );
    }

    #[test]
    fn a_valid_address_is_normalised() {
        let a = AddressDraft {
            bag_id: "0855010000123456".into(),
            straat: "Heuvelstraat".into(),
            postcode: "5038aa".into(),
            huisnummer: "12".into(),
            huisletter: "b".into(),
            toevoeging: "2".into(),
            gemeente: "gm0855".into(),
            buurt: "BU08550101".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(a.label(), "Heuvelstraat 12B-2, 5038 AA");
        let wrong_place = AddressDraft {
            postcode: "5038AA".into(),
            huisnummer: "1".into(),
            gemeente: "GM0855".into(),
            buurt: "BU07580101".into(),
            ..Default::default()
        };
        assert_eq!(wrong_place.validate().unwrap_err()[0].field, "buurt");
    }

    #[test]
    fn the_pseudonym_basis_prefers_the_bsn_and_folds_names() {
        let with_bsn = PersonDraft {
            bsn: "111222333".into(),
            naam: "Jan Jansen".into(),
            geboortedatum: "1980-01-01".into(),
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(with_bsn.pseudonym_basis(), "bsn:111222333");
        let a = PersonDraft {
            naam: "  José  Müller ".into(),
            geboortedatum: "1980-01-01".into(),
            ..Default::default()
        }
        .validate(TODAY)
        .unwrap();
        let b = PersonDraft {
            naam: "jose muller".into(),
            geboortedatum: "1980-01-01".into(),
            ..Default::default()
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(a.pseudonym_basis(), b.pseudonym_basis());
        assert_eq!(format!("{a:?}"), "NewPerson(…)");
        let bad = PersonDraft {
            bsn: "123456789".into(),
            naam: "".into(),
            geboortedatum: "2030-01-01".into(),
        };
        let fields: Vec<String> = bad
            .validate(TODAY)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["bsn", "naam", "geboortedatum"]);
    }

    #[test]
    fn relations_join_only_fitting_kinds() {
        use SubjectKind::*;
        assert!(RelationKind::Directs.allowed(Person, Company));
        assert!(!RelationKind::Directs.allowed(Company, Person));
        assert!(RelationKind::Owns.allowed(Company, Address));
        assert!(!RelationKind::EstablishedAt.allowed(Person, Address));
    }

    #[test]
    fn company_numbers_and_sbi_codes_are_checked() {
        let err = CompanyDraft {
            kvk: "1234".into(),
            naam: "Test BV".into(),
            sbi: vec!["56.10".into(), "x".into()],
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.len(), 2);
        assert_eq!(err[0].field, "kvk");
        assert_eq!(err[1].field, "sbi");
    }
}
