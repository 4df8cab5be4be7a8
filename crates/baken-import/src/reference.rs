//! The reference data Baken ships (see `data/SOURCES.md`): the municipalities of 2024 with
//! their regional divisions, boundaries, the SBI 2008 tree, and public statistics. The files
//! are embedded in the binary, so a server needs nothing beside it.

use std::collections::{BTreeMap, HashMap};

use baken_domain::area::{Area, AreaCode, AreaLevel, Observation, Symbol, parse_number};
use baken_domain::dataset::{Boundary, Dataset, Provenance, ReferenceBundle, SbiCode};
use serde_json::Value;

use crate::error::{ImportError, RowError};

/// The year of the division the shipped areas and boundaries belong to.
pub const DIVISION_YEAR: i32 = 2024;

/// A shipped file and what it is.
#[derive(Debug, Clone, Copy)]
pub struct ReferenceFile {
    pub name: &'static str,
    pub bytes: &'static [u8],
    pub source: &'static str,
    pub licence: &'static str,
    /// Data rows (CSV) or features (GeoJSON), as `data/SOURCES.md` counts them.
    pub expected_rows: usize,
}

macro_rules! file {
    ($name:literal, $source:literal, $licence:literal, $rows:literal) => {
        ReferenceFile {
            name: $name,
            bytes: include_bytes!(concat!("../../../data/reference/", $name)),
            source: $source,
            licence: $licence,
            expected_rows: $rows,
        }
    };
}

const CBS: &str = "CC-BY 4.0 (Bron: CBS)";

pub const MUNICIPALITIES: ReferenceFile = file!(
    "gemeenten_2024.csv",
    "CBS, Gebieden in Nederland 2024",
    "CC-BY 4.0 (Bron: CBS)",
    342
);
pub const RIEC_MAPPING: ReferenceFile = file!(
    "gemeente_riec_mapping_2024.csv",
    "CBS, Gebieden in Nederland 2024; RIEC region derived from the police unit",
    "CC-BY 4.0 (Bron: CBS)",
    342
);
pub const MUNICIPAL_BOUNDARIES: ReferenceFile = file!(
    "gemeenten_2024_wgs84.geojson",
    "CBS/PDOK gebiedsindeling 2024",
    "CC-BY 4.0 (Bron: CBS / PDOK)",
    342
);
pub const PROVINCE_BOUNDARIES: ReferenceFile = file!(
    "provincies_2024_wgs84.geojson",
    "dissolved from CBS/PDOK municipal boundaries 2024",
    "CC-BY 4.0 (Bron: CBS / PDOK)",
    12
);
pub const POLICE_BOUNDARIES: ReferenceFile = file!(
    "politie_eenheden_riec_2024_wgs84.geojson",
    "dissolved from CBS/PDOK municipal boundaries 2024",
    "CC-BY 4.0 (Bron: CBS / PDOK)",
    10
);
pub const SAFETY_BOUNDARIES: ReferenceFile = file!(
    "veiligheidsregios_2024_wgs84.geojson",
    "dissolved from CBS/PDOK municipal boundaries 2024",
    "CC-BY 4.0 (Bron: CBS / PDOK)",
    25
);
pub const CRIMES_MUNICIPAL: ReferenceFile = file!(
    "geregistreerde_misdrijven_totaal_2022_2024.csv",
    "Politie via CBS StatLine, Geregistreerde misdrijven en aangiften; soort misdrijf, gemeente",
    "CC-BY 4.0 (Bron: CBS / Politie)",
    1068
);
pub const CRIMES_PROVINCIAL: ReferenceFile = file!(
    "misdrijven_soort_provincie_2010_2020.csv",
    "CBS 83648NED, Geregistreerde criminaliteit; soort misdrijf, regio",
    "CC-BY 4.0 (Bron: CBS)",
    2002
);
pub const FIU_NATIONAL: ReferenceFile = file!(
    "fiu_nl_jaarcijfers_landelijk.csv",
    "FIU-Nederland annual overviews, as quoted per row (column bron)",
    "public figures, sources per row",
    8
);
pub const FIU_ACCOUNTANTS: ReferenceFile = file!(
    "fiu_nl_meldergroep_accountants.csv",
    "FIU-Nederland annual overview 2022, via accountancyvanmorgen.nl",
    "public figures, source per row",
    2
);
pub const SBI: ReferenceFile = file!(
    "sbi2008_codes.csv",
    "CBS, Standaard Bedrijfsindeling 2008",
    "CC-BY 4.0 (Bron: CBS)",
    1457
);

/// Every shipped file.
pub const FILES: [ReferenceFile; 11] = [
    MUNICIPALITIES,
    RIEC_MAPPING,
    MUNICIPAL_BOUNDARIES,
    PROVINCE_BOUNDARIES,
    POLICE_BOUNDARIES,
    SAFETY_BOUNDARIES,
    CRIMES_MUNICIPAL,
    CRIMES_PROVINCIAL,
    FIU_NATIONAL,
    FIU_ACCOUNTANTS,
    SBI,
];

fn text(file: &ReferenceFile) -> Result<&'static str, ImportError> {
    let bytes = file
        .bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(file.bytes);
    std::str::from_utf8(bytes).map_err(|e| ImportError::Csv {
        file: file.name.to_owned(),
        reason: format!("not UTF-8: {e}"),
    })
}

/// A CSV file as header-indexed rows; row numbers as a spreadsheet shows them.
struct Table {
    file: &'static str,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn read(file: &ReferenceFile) -> Result<Self, ImportError> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text(file)?.as_bytes());
        let err = |e: csv::Error| ImportError::Csv {
            file: file.name.to_owned(),
            reason: e.to_string(),
        };
        let header = reader.headers().map_err(err)?.clone();
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_owned(), i))
            .collect();
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            rows.push((i as u64 + 2, record.map_err(err)?));
        }
        if rows.len() != file.expected_rows {
            return Err(ImportError::Count {
                file: file.name.to_owned(),
                expected: file.expected_rows,
                found: rows.len(),
            });
        }
        Ok(Self {
            file: file.name,
            columns,
            rows,
        })
    }

    fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> &'r str {
        self.columns
            .get(column)
            .and_then(|i| record.get(*i))
            .map_or("", str::trim)
    }
}

/// Collects row errors and turns them into one [`ImportError`] at the end.
#[derive(Default)]
struct Problems(Vec<RowError>);

impl Problems {
    fn add(&mut self, row: u64, column: &str, value: &str, reason: impl Into<String>) {
        self.0.push(RowError {
            row,
            column: column.to_owned(),
            value: value.to_owned(),
            reason: reason.into(),
        });
    }

    fn code(&mut self, row: u64, column: &str, value: &str) -> Option<AreaCode> {
        match AreaCode::parse(value) {
            Ok(c) => Some(c),
            Err(e) => {
                self.add(row, column, value, e.to_string());
                None
            }
        }
    }

    fn finish(self, file: &str) -> Result<(), ImportError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ImportError::Rows {
                file: file.to_owned(),
                errors: self.0,
            })
        }
    }
}

fn areas() -> Result<Vec<Area>, ImportError> {
    let riec = Table::read(&RIEC_MAPPING)?;
    let riec_of: HashMap<String, String> = riec
        .rows
        .iter()
        .map(|(_, r)| {
            (
                riec.get(r, "gemeente_code").to_owned(),
                riec.get(r, "riec_regio").to_owned(),
            )
        })
        .collect();
    let t = Table::read(&MUNICIPALITIES)?;
    let mut problems = Problems::default();
    let mut municipalities = Vec::new();
    // Higher levels, by code: name, population, RIEC region.
    let mut higher: BTreeMap<AreaCode, (String, i64, Option<String>)> = BTreeMap::new();
    for (row, r) in &t.rows {
        let code = problems.code(*row, "gemeente_code", t.get(r, "gemeente_code"));
        let province = problems.code(*row, "provincie_code", t.get(r, "provincie_code"));
        let police = problems.code(
            *row,
            "politie_regionale_eenheid_code",
            t.get(r, "politie_regionale_eenheid_code"),
        );
        let safety = problems.code(
            *row,
            "veiligheidsregio_code",
            t.get(r, "veiligheidsregio_code"),
        );
        let population = t.get(r, "inwoners_2024_01_01");
        let population = match population.parse::<i64>() {
            Ok(p) if p >= 0 => Some(p),
            _ => {
                problems.add(
                    *row,
                    "inwoners_2024_01_01",
                    population,
                    "not a whole number of inhabitants",
                );
                None
            }
        };
        let urbanity = t.get(r, "stedelijkheid_code");
        let urbanity = match urbanity.parse::<i16>() {
            Ok(u) if (1..=5).contains(&u) => Some(u),
            _ => {
                problems.add(*row, "stedelijkheid_code", urbanity, "urbanity is 1 to 5");
                None
            }
        };
        let (Some(code), Some(province), Some(police), Some(safety), Some(population)) =
            (code, province, police, safety, population)
        else {
            continue;
        };
        if code.level() != AreaLevel::Municipality {
            problems.add(
                *row,
                "gemeente_code",
                code.as_str(),
                "not a municipality code",
            );
            continue;
        }
        let riec_region = riec_of.get(code.as_str()).cloned();
        if riec_region.is_none() {
            problems.add(
                *row,
                "gemeente_code",
                code.as_str(),
                "missing in the RIEC mapping",
            );
        }
        for (parent, name_column, riec) in [
            (&province, "provincie_naam", None),
            (
                &police,
                "politie_regionale_eenheid_naam",
                riec_region.clone(),
            ),
            (&safety, "veiligheidsregio_naam", None),
        ] {
            let entry = higher
                .entry(parent.clone())
                .or_insert_with(|| (t.get(r, name_column).to_owned(), 0, riec));
            entry.1 += population;
        }
        municipalities.push(Area {
            code,
            year: DIVISION_YEAR,
            name: t.get(r, "gemeente_naam").to_owned(),
            province: Some(province),
            police_unit: Some(police),
            riec_region,
            safety_region: Some(safety),
            population: Some(population),
            urbanity,
        });
    }
    problems.finish(t.file)?;
    let total: i64 = municipalities.iter().filter_map(|m| m.population).sum();
    let mut all = vec![Area {
        code: AreaCode::parse("NL01").map_err(|e| ImportError::Csv {
            file: t.file.to_owned(),
            reason: e.to_string(),
        })?,
        year: DIVISION_YEAR,
        name: "Nederland".to_owned(),
        province: None,
        police_unit: None,
        riec_region: None,
        safety_region: None,
        population: Some(total),
        urbanity: None,
    }];
    for (code, (name, population, riec_region)) in higher {
        all.push(Area {
            code,
            year: DIVISION_YEAR,
            name,
            province: None,
            police_unit: None,
            riec_region,
            safety_region: None,
            population: Some(population),
            urbanity: None,
        });
    }
    all.extend(municipalities);
    Ok(all)
}

fn boundaries(file: &ReferenceFile, code_property: &str) -> Result<Vec<Boundary>, ImportError> {
    let json_err = |reason: String| ImportError::Json {
        file: file.name.to_owned(),
        reason,
    };
    let doc: Value = serde_json::from_slice(file.bytes).map_err(|e| json_err(e.to_string()))?;
    let features = doc["features"]
        .as_array()
        .ok_or_else(|| json_err("no features array".into()))?;
    if features.len() != file.expected_rows {
        return Err(ImportError::Count {
            file: file.name.to_owned(),
            expected: file.expected_rows,
            found: features.len(),
        });
    }
    let mut problems = Problems::default();
    let mut out = Vec::with_capacity(features.len());
    for (i, feature) in features.iter().enumerate() {
        let row = i as u64 + 1;
        let raw = feature["properties"][code_property]
            .as_str()
            .unwrap_or_default();
        let Some(code) = problems.code(row, code_property, raw) else {
            continue;
        };
        let geometry = &feature["geometry"];
        if !matches!(geometry["type"].as_str(), Some("Polygon" | "MultiPolygon")) {
            problems.add(
                row,
                "geometry",
                &geometry["type"].to_string(),
                "expected a Polygon or MultiPolygon",
            );
            continue;
        }
        out.push(Boundary {
            code,
            year: DIVISION_YEAR,
            geometry: geometry.to_string(),
        });
    }
    problems.finish(file.name)?;
    Ok(out)
}

fn sbi() -> Result<Vec<SbiCode>, ImportError> {
    let t = Table::read(&SBI)?;
    let mut problems = Problems::default();
    let mut out = Vec::with_capacity(t.rows.len());
    for (row, r) in &t.rows {
        let level = t.get(r, "niveau");
        let Ok(level) = level
            .parse::<i16>()
            .map_err(|_| problems.add(*row, "niveau", level, "level is 1 to 5"))
        else {
            continue;
        };
        let code = t.get(r, "code");
        if code.is_empty() {
            problems.add(*row, "code", code, "empty code");
            continue;
        }
        let parent = t.get(r, "parent_code");
        out.push(SbiCode {
            code: code.to_owned(),
            section: t.get(r, "sectie").to_owned(),
            description: t.get(r, "omschrijving").to_owned(),
            parent: (!parent.is_empty()).then(|| parent.to_owned()),
            level,
            has_children: t.get(r, "heeft_subcodes") == "true",
        });
    }
    problems.finish(t.file)?;
    Ok(out)
}

/// A value cell: a number, or a CBS symbol.
fn value(
    problems: &mut Problems,
    row: u64,
    column: &str,
    raw: &str,
    decimal_comma: bool,
) -> (Option<f64>, Option<Symbol>) {
    if let Some(symbol) = Symbol::from_code(raw.trim()) {
        return (None, Some(symbol));
    }
    match parse_number(raw, decimal_comma) {
        Some(v) => (Some(v), None),
        None => {
            problems.add(row, column, raw, "not a number or a CBS symbol (. x -)");
            (None, None)
        }
    }
}

fn area_of(
    problems: &mut Problems,
    row: u64,
    code_column: &str,
    code: &str,
    name: &str,
) -> Option<AreaCode> {
    if code.is_empty() {
        Some(AreaCode::other_from_name(name))
    } else {
        problems.code(row, code_column, code)
    }
}

fn crimes_municipal() -> Result<Vec<Observation>, ImportError> {
    let t = Table::read(&CRIMES_MUNICIPAL)?;
    let mut problems = Problems::default();
    let mut out = Vec::new();
    for (row, r) in &t.rows {
        let Some(area) = area_of(
            &mut problems,
            *row,
            "regio_code",
            t.get(r, "regio_code"),
            t.get(r, "regio_naam"),
        ) else {
            continue;
        };
        let (value, symbol) = value(
            &mut problems,
            *row,
            "geregistreerde_misdrijven_totaal",
            t.get(r, "geregistreerde_misdrijven_totaal"),
            false,
        );
        out.push(Observation {
            area,
            period: t.get(r, "jaar").to_owned(),
            measure: "geregistreerde_misdrijven".to_owned(),
            category: "totaal".to_owned(),
            value,
            symbol,
        });
    }
    problems.finish(t.file)?;
    Ok(out)
}

fn crimes_provincial() -> Result<Vec<Observation>, ImportError> {
    const MEASURES: [&str; 5] = [
        "geregistreerde_misdrijven",
        "geregistreerde_misdrijven_relatief_pct",
        "geregistreerde_misdrijven_per_1000_inw",
        "opgehelderde_misdrijven",
        "registraties_van_verdachten",
    ];
    let t = Table::read(&CRIMES_PROVINCIAL)?;
    let mut problems = Problems::default();
    let mut out = Vec::new();
    for (row, r) in &t.rows {
        let Some(area) = area_of(
            &mut problems,
            *row,
            "provincie_code",
            t.get(r, "provincie_code"),
            t.get(r, "provincie_naam"),
        ) else {
            continue;
        };
        for measure in MEASURES {
            let (value, symbol) = value(&mut problems, *row, measure, t.get(r, measure), false);
            out.push(Observation {
                area: area.clone(),
                period: t.get(r, "jaar").to_owned(),
                measure: measure.to_owned(),
                category: t.get(r, "soort_misdrijf").to_owned(),
                value,
                symbol,
            });
        }
    }
    problems.finish(t.file)?;
    Ok(out)
}

fn fiu(
    file: &ReferenceFile,
    measures: &[&str],
    category_column: Option<&str>,
) -> Result<Vec<Observation>, ImportError> {
    let t = Table::read(file)?;
    let mut problems = Problems::default();
    let mut out = Vec::new();
    let nl = AreaCode::parse("NL01").map_err(|e| ImportError::Csv {
        file: file.name.to_owned(),
        reason: e.to_string(),
    })?;
    for (row, r) in &t.rows {
        for measure in measures {
            let (value, symbol) = value(&mut problems, *row, measure, t.get(r, measure), false);
            out.push(Observation {
                area: nl.clone(),
                period: t.get(r, "jaar").to_owned(),
                measure: (*measure).to_owned(),
                category: category_column
                    .map(|c| t.get(r, c).to_owned())
                    .unwrap_or_default(),
                value,
                symbol,
            });
        }
    }
    problems.finish(t.file)?;
    Ok(out)
}

/// Reads and validates every shipped file.
pub fn load() -> Result<ReferenceBundle, ImportError> {
    let mut areas = areas()?;
    let mut boundaries = boundaries(&MUNICIPAL_BOUNDARIES, "gemeente_code")?;
    boundaries.extend(boundaries_of(&PROVINCE_BOUNDARIES, "provincie_code")?);
    boundaries.extend(boundaries_of(&POLICE_BOUNDARIES, "politie_eenheid_code")?);
    boundaries.extend(boundaries_of(&SAFETY_BOUNDARIES, "veiligheidsregio_code")?);

    let crimes = crimes_municipal()?;
    let provincial = crimes_provincial()?;
    let fiu_national = fiu(
        &FIU_NATIONAL,
        &[
            "ongebruikelijke_transacties_gemeld",
            "meldende_instellingen",
            "verdacht_verklaarde_transacties",
            "dossiers",
            "waarde_verdachte_transacties_eur",
        ],
        None,
    )?;
    let fiu_groups = fiu(
        &FIU_ACCOUNTANTS,
        &[
            "ongebruikelijke_transacties_gemeld",
            "meldende_instellingen",
            "verdacht_verklaarde_transacties",
        ],
        Some("meldergroep"),
    )?;

    // Areas that statistics publish but the division has no row for ("Buitenland", RE99).
    let known: std::collections::HashSet<AreaCode> = areas.iter().map(|a| a.code.clone()).collect();
    let names = name_lookup();
    let mut extra: BTreeMap<AreaCode, String> = BTreeMap::new();
    for o in crimes.iter().chain(&provincial) {
        if !known.contains(&o.area) {
            let name = names
                .get(o.area.as_str())
                .cloned()
                .unwrap_or_else(|| o.area.to_string());
            extra.insert(o.area.clone(), name);
        }
    }
    for (code, name) in extra {
        areas.push(Area {
            code,
            year: DIVISION_YEAR,
            name,
            province: None,
            police_unit: None,
            riec_region: None,
            safety_region: None,
            population: None,
            urbanity: None,
        });
    }

    let datasets = vec![
        (
            Dataset {
                code: "politie-misdrijven-totaal".into(),
                title: "Geregistreerde misdrijven (totaal) per gemeente, 2022–2024".into(),
                source: CRIMES_MUNICIPAL.source.into(),
                licence: CRIMES_MUNICIPAL.licence.into(),
            },
            crimes,
        ),
        (
            Dataset {
                code: "cbs-83648ned-provincie".into(),
                title: "Geregistreerde criminaliteit naar soort misdrijf per provincie, 2010–2020 (83648NED)".into(),
                source: CRIMES_PROVINCIAL.source.into(),
                licence: CBS.into(),
            },
            provincial,
        ),
        (
            Dataset {
                code: "fiu-nl-landelijk".into(),
                title: "FIU-Nederland: ongebruikelijke en verdachte transacties, landelijk".into(),
                source: FIU_NATIONAL.source.into(),
                licence: FIU_NATIONAL.licence.into(),
            },
            fiu_national,
        ),
        (
            Dataset {
                code: "fiu-nl-meldergroep".into(),
                title: "FIU-Nederland: meldingen per meldergroep".into(),
                source: FIU_ACCOUNTANTS.source.into(),
                licence: FIU_ACCOUNTANTS.licence.into(),
            },
            fiu_groups,
        ),
    ];

    let files: Vec<Provenance> = FILES
        .iter()
        .map(|f| Provenance {
            file_name: f.name.to_owned(),
            checksum: crate::checksum(f.bytes),
            dataset: None,
            source: f.source.to_owned(),
            licence: f.licence.to_owned(),
            rows_read: f.expected_rows as u64,
        })
        .collect();
    let checksum = crate::checksum(
        files
            .iter()
            .map(|f| format!("{}:{}\n", f.file_name, f.checksum))
            .collect::<String>()
            .as_bytes(),
    );
    Ok(ReferenceBundle {
        areas,
        boundaries,
        sbi: sbi()?,
        datasets,
        files,
        checksum,
    })
}

fn boundaries_of(file: &ReferenceFile, property: &str) -> Result<Vec<Boundary>, ImportError> {
    boundaries(file, property)
}

/// Names of areas as the statistics files write them, for areas outside the division.
fn name_lookup() -> HashMap<String, String> {
    let mut names = HashMap::new();
    if let Ok(t) = Table::read(&CRIMES_MUNICIPAL) {
        for (_, r) in &t.rows {
            let code = t.get(r, "regio_code");
            let name = t.get(r, "regio_naam");
            let key = if code.is_empty() {
                AreaCode::other_from_name(name).to_string()
            } else {
                code.to_owned()
            };
            names.insert(key, name.to_owned());
        }
    }
    if let Ok(t) = Table::read(&CRIMES_PROVINCIAL) {
        for (_, r) in &t.rows {
            if t.get(r, "provincie_code").is_empty() {
                let name = t.get(r, "provincie_naam");
                names.insert(AreaCode::other_from_name(name).to_string(), name.to_owned());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_load_with_the_documented_counts() {
        let bundle = load().unwrap();
        let count = |level| {
            bundle
                .areas
                .iter()
                .filter(|a| a.code.level() == level)
                .count()
        };
        assert_eq!(count(AreaLevel::Municipality), 342);
        assert_eq!(count(AreaLevel::Province), 12);
        // Ten police units, plus RE99 "niet in te delen" from the crime statistics.
        assert_eq!(count(AreaLevel::PoliceUnit), 11);
        assert_eq!(count(AreaLevel::SafetyRegion), 25);
        assert_eq!(count(AreaLevel::Country), 1);
        assert_eq!(bundle.boundaries.len(), 342 + 12 + 10 + 25);
        assert_eq!(bundle.sbi.len(), 1457);
        let obs = |code: &str| {
            bundle
                .datasets
                .iter()
                .find(|d| d.0.code == code)
                .unwrap()
                .1
                .len()
        };
        assert_eq!(obs("politie-misdrijven-totaal"), 1068);
        assert_eq!(obs("cbs-83648ned-provincie"), 2002 * 5);
        assert_eq!(obs("fiu-nl-landelijk"), 8 * 5);
        assert_eq!(obs("fiu-nl-meldergroep"), 2 * 3);
        assert_eq!(bundle.files.len(), 11);
    }

    #[test]
    fn tilburg_lies_in_north_brabant_and_zeeland_west_brabant() {
        let bundle = load().unwrap();
        let tilburg = bundle
            .areas
            .iter()
            .find(|a| a.code.as_str() == "GM0855")
            .unwrap();
        assert_eq!(tilburg.name, "Tilburg");
        assert_eq!(tilburg.province.as_ref().unwrap().as_str(), "PV30");
        assert_eq!(tilburg.police_unit.as_ref().unwrap().as_str(), "RE08");
        assert_eq!(
            tilburg.riec_region.as_deref(),
            Some("RIEC Zeeland-West-Brabant")
        );
        assert!(tilburg.population.unwrap() > 200_000);
        let nl = bundle
            .areas
            .iter()
            .find(|a| a.code.as_str() == "NL01")
            .unwrap();
        assert_eq!(nl.population, Some(17_942_942));
    }

    #[test]
    fn national_crime_totals_match_the_published_figure() {
        let bundle = load().unwrap();
        let crimes = &bundle
            .datasets
            .iter()
            .find(|d| d.0.code == "politie-misdrijven-totaal")
            .unwrap()
            .1;
        let nl_2024 = crimes
            .iter()
            .find(|o| o.area.as_str() == "NL01" && o.period == "2024")
            .unwrap();
        assert_eq!(nl_2024.value, Some(805_559.0));
        let municipal: f64 = crimes
            .iter()
            .filter(|o| {
                o.period == "2024"
                    && (o.area.level() == AreaLevel::Municipality
                        || o.area.as_str() == "OV-GEMEENTEN-NIET-IN-TE-DELEN")
            })
            .filter_map(|o| o.value)
            .sum();
        assert_eq!(
            municipal, 805_559.0,
            "municipalities plus 'niet in te delen' add up to the national total"
        );
        let abroad = crimes
            .iter()
            .find(|o| o.area.as_str() == "OV-BUITENLAND")
            .unwrap();
        assert_eq!((abroad.value, abroad.symbol), (None, Some(Symbol::Empty)));
    }
}
