//! Deterministic synthetic microdata for what is not public: property transactions, unusual
//! transactions reported to FIU-NL, business establishments and drug incidents.
//!
//! Volumes follow each municipality's real population and urbanity. A few patterns are planted
//! on purpose so that dashboards and tests have something real to find:
//! - one municipality with many quick resales (A→B→C within six months) above the WOZ value;
//! - a handful of addresses with very many establishments;
//! - barbershops (SBI 96021) over-represented in one police region;
//! - drug-waste dumpings concentrated in rural Brabant and Limburg.
//!
//! Everything streams to CSV: memory stays bounded by the number of municipalities, whatever
//! the scale. The same seed and scale give the same bytes (PCG64, a stable algorithm).

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use thiserror::Error;

/// A municipality as the generator needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub code: String,
    pub population: i64,
    /// 1 (very strongly urban) to 5 (not urban).
    pub urbanity: i16,
    pub province: String,
    pub police_unit: String,
}

impl Place {
    /// The municipalities of the shipped reference data.
    pub fn from_reference(bundle: &baken_domain::dataset::ReferenceBundle) -> Vec<Place> {
        bundle
            .areas
            .iter()
            .filter(|a| a.code.level() == baken_domain::area::AreaLevel::Municipality)
            .map(|a| Place {
                code: a.code.to_string(),
                population: a.population.unwrap_or(0),
                urbanity: a.urbanity.unwrap_or(3),
                province: a
                    .province
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                police_unit: a
                    .police_unit
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            })
            .collect()
    }
}

#[derive(Debug, Error)]
pub enum GenerateError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("no municipalities to generate for")]
    NoPlaces,
    #[error("scale must be between 1 and 100,000,000 transactions")]
    Scale,
}

/// What was generated, per file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub file: &'static str,
    pub rows: u64,
    pub path: PathBuf,
}

/// The municipality where quick resales are planted: the one ranked `seed mod 20` among the
/// 20 largest of urbanity 2 (a mid-sized town, not an obvious city).
pub fn planted_resale_municipality(places: &[Place], seed: u64) -> Option<String> {
    let mut candidates: Vec<&Place> = places.iter().filter(|p| p.urbanity == 2).collect();
    candidates.sort_by(|a, b| b.population.cmp(&a.population).then(a.code.cmp(&b.code)));
    candidates.truncate(20);
    let n = candidates.len() as u64;
    (n > 0).then(|| candidates[(seed % n) as usize].code.clone())
}

/// The police unit where barbershops are over-represented.
pub const PLANTED_SECTOR_REGION: &str = "RE08";
pub const PLANTED_SECTOR: &str = "96021";

/// Picks municipalities in proportion to a weight, in O(log n).
struct Picker {
    cumulative: Vec<f64>,
}

impl Picker {
    fn new(weights: impl Iterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cumulative = weights
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Self { cumulative }
    }

    fn pick(&self, rng: &mut Pcg64Mcg) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|c| *c <= x)
            .min(self.cumulative.len() - 1)
    }
}

/// A day between 2015-01-01 and 2024-12-31, as `YYYY-MM-DD`.
fn date(day: i32) -> String {
    let start = time::Date::from_calendar_date(2015, time::Month::January, 1)
        .map(|d| d.to_julian_day())
        .unwrap_or(2_457_024);
    time::Date::from_julian_day(start + day)
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        .unwrap_or_default()
}

const DAYS: i32 = 3652;

fn writer(
    dir: &Path,
    name: &str,
) -> Result<(csv::Writer<BufWriter<File>>, PathBuf), GenerateError> {
    let path = dir.join(name);
    let file = File::create(&path).map_err(|source| GenerateError::Io {
        path: path.clone(),
        source,
    })?;
    Ok((
        csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file)),
        path,
    ))
}

/// Recent sales of one municipality, to chain resales without remembering every object.
#[derive(Default, Clone)]
struct Recent {
    /// (object id, last sale day, last transaction id)
    slots: Vec<(u64, i32, u64)>,
}

/// Writes the four files into `dir`. `scale` is the number of property transactions; the
/// other files follow from it. `progress` is called now and then with (file, rows so far).
pub fn generate(
    dir: &Path,
    places: &[Place],
    seed: u64,
    scale: u64,
    mut progress: impl FnMut(&'static str, u64),
) -> Result<Vec<Generated>, GenerateError> {
    if places.is_empty() {
        return Err(GenerateError::NoPlaces);
    }
    if !(1..=100_000_000).contains(&scale) {
        return Err(GenerateError::Scale);
    }
    std::fs::create_dir_all(dir).map_err(|source| GenerateError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let planted = planted_resale_municipality(places, seed).unwrap_or_default();
    let mut out = Vec::new();

    // --- property transactions --------------------------------------------------------
    {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let picker = Picker::new(places.iter().map(|p| p.population as f64));
        let (mut w, path) = writer(dir, "vastgoedtransacties.csv")?;
        let csv_err = |source| GenerateError::Csv {
            path: path.clone(),
            source,
        };
        w.write_record([
            "transactie_id",
            "object_id",
            "gemeente_code",
            "datum",
            "prijs",
            "woz_waarde",
            "koper",
            "hypotheek",
            "vorige_transactie_id",
        ])
        .map_err(csv_err)?;
        let mut recent = vec![Recent::default(); places.len()];
        let mut next_object = 1u64;
        for tx in 1..=scale {
            let i = picker.pick(&mut rng);
            let place = &places[i];
            let is_planted = place.code == planted;
            let day = rng.random_range(0..DAYS);
            let quick_rate = if is_planted { 0.35 } else { 0.03 };
            let resale_rate = 0.45;
            let slots = &mut recent[i].slots;
            // A resale follows the previous sale of the same object: within six months when
            // quick, otherwise after 200 days or more. One that would fall after the period
            // is a first sale of a new object instead.
            let resale = if !slots.is_empty() && rng.random_bool(resale_rate) {
                let s = rng.random_range(0..slots.len());
                let gap = if rng.random_bool(quick_rate) {
                    rng.random_range(14..180)
                } else {
                    rng.random_range(200..2400)
                };
                let (obj, last_day, prev_tx) = slots[s];
                (last_day + gap < DAYS).then_some((s, obj, last_day + gap, prev_tx))
            } else {
                None
            };
            let (object, day, previous) = match resale {
                Some((s, obj, day, prev_tx)) => (obj, day, Some((s, prev_tx))),
                None => {
                    next_object += 1;
                    (next_object - 1, day, None)
                }
            };
            let base = match place.urbanity {
                1 => 420_000.0,
                2 => 360_000.0,
                3 => 330_000.0,
                4 => 310_000.0,
                _ => 300_000.0,
            };
            let noise: f64 =
                (rng.random::<f64>() + rng.random::<f64>() + rng.random::<f64>()) / 1.5;
            let woz = (base * (0.45 + noise)).round();
            let markup = if is_planted && previous.is_some() {
                1.45
            } else {
                1.0 + (rng.random::<f64>() - 0.4) * 0.2
            };
            let price = (woz * markup).round();
            let buyer = match rng.random_range(0..100) {
                0..=83 => "persoon",
                84..=95 => "rechtspersoon",
                _ => "buitenland",
            };
            let buyer = if is_planted && previous.is_some() && rng.random_bool(0.4) {
                "rechtspersoon"
            } else {
                buyer
            };
            let mortgage = if buyer == "persoon" && rng.random_bool(0.8) {
                "ja"
            } else {
                "nee"
            };
            let previous_tx = previous.map(|(_, t)| t.to_string()).unwrap_or_default();
            w.write_record([
                tx.to_string().as_str(),
                object.to_string().as_str(),
                place.code.as_str(),
                date(day).as_str(),
                format!("{price:.0}").as_str(),
                format!("{woz:.0}").as_str(),
                buyer,
                mortgage,
                previous_tx.as_str(),
            ])
            .map_err(csv_err)?;
            match previous {
                Some((s, _)) => slots[s] = (object, day, tx),
                None if slots.len() < 64 => slots.push((object, day, tx)),
                None => {
                    let s = rng.random_range(0..slots.len());
                    slots[s] = (object, day, tx);
                }
            }
            if tx % 100_000 == 0 {
                progress("vastgoedtransacties.csv", tx);
            }
        }
        w.flush().map_err(|source| GenerateError::Io {
            path: path.clone(),
            source,
        })?;
        out.push(Generated {
            file: "vastgoedtransacties.csv",
            rows: scale,
            path,
        });
    }

    // --- unusual transactions (FIU-NL) ------------------------------------------------
    {
        const SECTORS: [(&str, u32); 8] = [
            ("banken", 55),
            ("geldtransactiekantoren", 20),
            ("betaaldienstverleners", 12),
            ("notarissen", 3),
            ("accountants", 2),
            ("makelaars", 1),
            ("autohandelaren", 4),
            ("kansspelaanbieders", 3),
        ];
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x0f1u64);
        let picker = Picker::new(
            places
                .iter()
                .map(|p| p.population as f64 * if p.urbanity <= 2 { 1.4 } else { 1.0 }),
        );
        let sector_picker = Picker::new(SECTORS.iter().map(|(_, w)| f64::from(*w)));
        let rows = (scale / 4).max(1);
        let (mut w, path) = writer(dir, "fiu_transacties.csv")?;
        let csv_err = |source| GenerateError::Csv {
            path: path.clone(),
            source,
        };
        w.write_record([
            "melding_id",
            "datum",
            "gemeente_code",
            "meldersector",
            "bedrag",
            "verdacht",
        ])
        .map_err(csv_err)?;
        for id in 1..=rows {
            let place = &places[picker.pick(&mut rng)];
            let sector = SECTORS[sector_picker.pick(&mut rng)].0;
            let amount = (10f64.powf(2.5 + rng.random::<f64>() * 3.5) * 100.0).round() / 100.0;
            let suspicious = if rng.random_bool(if sector == "geldtransactiekantoren" {
                0.2
            } else {
                0.08
            }) {
                "ja"
            } else {
                "nee"
            };
            w.write_record([
                id.to_string().as_str(),
                date(rng.random_range(0..DAYS)).as_str(),
                place.code.as_str(),
                sector,
                format!("{amount:.2}").as_str(),
                suspicious,
            ])
            .map_err(csv_err)?;
            if id % 100_000 == 0 {
                progress("fiu_transacties.csv", id);
            }
        }
        w.flush().map_err(|source| GenerateError::Io {
            path: path.clone(),
            source,
        })?;
        out.push(Generated {
            file: "fiu_transacties.csv",
            rows,
            path,
        });
    }

    // --- business establishments ------------------------------------------------------
    {
        const SBI: [(&str, u32); 16] = [
            ("96021", 30),
            ("96022", 40),
            ("4511", 15),
            ("4520", 20),
            ("7711", 8),
            ("56102", 25),
            ("5630", 20),
            ("4711", 15),
            ("4719", 10),
            ("4742", 5),
            ("6420", 30),
            ("6831", 15),
            ("9604", 6),
            ("5520", 5),
            ("4932", 10),
            ("6201", 120),
        ];
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0xbed);
        let picker = Picker::new(places.iter().map(|p| p.population as f64));
        let sbi_picker = Picker::new(SBI.iter().map(|(_, w)| f64::from(*w)));
        let rows = (scale / 5).max(1);
        let (mut w, path) = writer(dir, "vestigingen.csv")?;
        let csv_err = |source| GenerateError::Csv {
            path: path.clone(),
            source,
        };
        w.write_record([
            "vestiging_id",
            "sbi_code",
            "gemeente_code",
            "adres_id",
            "startdatum",
            "einddatum",
            "omzetklasse",
        ])
        .map_err(csv_err)?;
        // A few addresses collect very many registrations.
        let crowded: Vec<(usize, u64)> = (0..5)
            .map(|k| (picker.pick(&mut rng), 9_000_000 + k))
            .collect();
        for n in 1..=rows {
            let (i, address) = if rng.random_bool(0.004) {
                crowded[rng.random_range(0..crowded.len())]
            } else {
                (picker.pick(&mut rng), rng.random_range(1..2_000_000))
            };
            let place = &places[i];
            let mut sbi = SBI[sbi_picker.pick(&mut rng)].0;
            if place.police_unit == PLANTED_SECTOR_REGION && rng.random_bool(0.12) {
                sbi = PLANTED_SECTOR;
            }
            let start = rng.random_range(0..DAYS);
            let end = if rng.random_bool(if sbi == PLANTED_SECTOR { 0.35 } else { 0.2 }) {
                date((start + rng.random_range(90..1500)).min(DAYS - 1))
            } else {
                String::new()
            };
            let turnover = ["A", "B", "C", "D", "E", "F"][rng.random_range(0..6)];
            let code_digits = &place.code[2..];
            w.write_record([
                format!("{:08}", 10_000_000 + n % 89_999_999).as_str(),
                sbi,
                place.code.as_str(),
                format!("{code_digits}01{address:010}").as_str(),
                date(start).as_str(),
                end.as_str(),
                turnover,
            ])
            .map_err(csv_err)?;
            if n % 100_000 == 0 {
                progress("vestigingen.csv", n);
            }
        }
        w.flush().map_err(|source| GenerateError::Io {
            path: path.clone(),
            source,
        })?;
        out.push(Generated {
            file: "vestigingen.csv",
            rows,
            path,
        });
    }

    // --- drug incidents ----------------------------------------------------------------
    {
        const KINDS: [&str; 4] = ["hennepkwekerij", "drugslab", "dumping", "sluiting-13b"];
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0xd7);
        let weight = |p: &Place| {
            let rural = if p.urbanity >= 4 { 1.8 } else { 1.0 };
            let south = if p.province == "PV30" || p.province == "PV31" {
                2.5
            } else {
                1.0
            };
            p.population as f64 * rural * south
        };
        let picker = Picker::new(places.iter().map(weight));
        // About 2,500 incidents a year nationally at a scale of a million transactions.
        let rows = (scale / 40).max(1);
        let (mut w, path) = writer(dir, "drugsincidenten.csv")?;
        let csv_err = |source| GenerateError::Csv {
            path: path.clone(),
            source,
        };
        w.write_record(["incident_id", "datum", "gemeente_code", "soort", "adres_id"])
            .map_err(csv_err)?;
        for n in 1..=rows {
            let place = &places[picker.pick(&mut rng)];
            let kind = match rng.random_range(0..100) {
                0..=59 => KINDS[0],
                60..=69 => KINDS[1],
                70..=79 if place.urbanity >= 4 => KINDS[2],
                70..=79 => KINDS[0],
                _ => KINDS[3],
            };
            w.write_record([
                n.to_string().as_str(),
                date(rng.random_range(0..DAYS)).as_str(),
                place.code.as_str(),
                kind,
                format!(
                    "{}01{:010}",
                    &place.code[2..],
                    rng.random_range(1..2_000_000u64)
                )
                .as_str(),
            ])
            .map_err(csv_err)?;
        }
        w.flush().map_err(|source| GenerateError::Io {
            path: path.clone(),
            source,
        })?;
        out.push(Generated {
            file: "drugsincidenten.csv",
            rows,
            path,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn places() -> Vec<Place> {
        Place::from_reference(&crate::reference::load().unwrap())
    }

    fn tmp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("baken-gen-{name}-{}", std::process::id()))
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
        let places = places();
        let (a, b, c) = (tmp("a"), tmp("b"), tmp("c"));
        generate(&a, &places, 7, 20_000, |_, _| {}).unwrap();
        generate(&b, &places, 7, 20_000, |_, _| {}).unwrap();
        generate(&c, &places, 8, 20_000, |_, _| {}).unwrap();
        for file in [
            "vastgoedtransacties.csv",
            "fiu_transacties.csv",
            "vestigingen.csv",
            "drugsincidenten.csv",
        ] {
            let read = |d: &PathBuf| std::fs::read(d.join(file)).unwrap();
            assert_eq!(read(&a), read(&b), "{file} differs for the same seed");
            assert_ne!(read(&a), read(&c), "{file} is the same for another seed");
        }
        for d in [a, b, c] {
            std::fs::remove_dir_all(d).ok();
        }
    }

    #[test]
    fn the_planted_patterns_can_be_found() {
        let places = places();
        let dir = tmp("patterns");
        let seed = 42;
        let files = generate(&dir, &places, seed, 60_000, |_, _| {}).unwrap();
        assert_eq!(files[0].rows, 60_000);

        // Quick resales: share of sales that follow the previous sale within 180 days.
        let planted = planted_resale_municipality(&places, seed).unwrap();
        let mut reader = csv::Reader::from_path(dir.join("vastgoedtransacties.csv")).unwrap();
        let mut last_sale: HashMap<String, String> = HashMap::new();
        let mut quick: HashMap<String, (u32, u32)> = HashMap::new();
        for r in reader.records() {
            let r = r.unwrap();
            let (tx, muni, day, prev) = (
                r[0].to_owned(),
                r[2].to_owned(),
                r[3].to_owned(),
                r[8].to_owned(),
            );
            let entry = quick.entry(muni).or_default();
            entry.1 += 1;
            if let Some(prev_day) = last_sale.get(&prev) {
                let d = |s: &str| {
                    time::Date::parse(
                        s,
                        &time::macros::format_description!("[year]-[month]-[day]"),
                    )
                    .unwrap()
                };
                if (d(&day) - d(prev_day)).whole_days() < 183 {
                    entry.0 += 1;
                }
            }
            last_sale.insert(tx, day);
        }
        let rate = |(q, n): (u32, u32)| f64::from(q) / f64::from(n.max(1));
        let planted_rate = rate(quick[&planted]);
        let others: Vec<f64> = quick
            .iter()
            .filter(|(k, v)| **k != planted && v.1 >= 100)
            .map(|(_, v)| rate(*v))
            .collect();
        let max_other = others.iter().copied().fold(0.0, f64::max);
        assert!(
            planted_rate > 2.0 * max_other,
            "planted {planted_rate} vs others up to {max_other}"
        );

        // Barbershops per establishment: higher in the planted police region.
        let mut reader = csv::Reader::from_path(dir.join("vestigingen.csv")).unwrap();
        let unit: HashMap<&str, &str> = places
            .iter()
            .map(|p| (p.code.as_str(), p.police_unit.as_str()))
            .collect();
        let (mut inside, mut outside) = ((0u32, 0u32), (0u32, 0u32));
        let mut per_address: HashMap<String, u32> = HashMap::new();
        for r in reader.records() {
            let r = r.unwrap();
            let barber = &r[1] == PLANTED_SECTOR;
            let t = if unit[&r[2]] == PLANTED_SECTOR_REGION {
                &mut inside
            } else {
                &mut outside
            };
            t.0 += u32::from(barber);
            t.1 += 1;
            *per_address.entry(r[3].to_owned()).or_default() += 1;
        }
        assert!(
            f64::from(inside.0) / f64::from(inside.1)
                > 2.0 * f64::from(outside.0) / f64::from(outside.1)
        );
        assert!(
            per_address.values().filter(|n| **n >= 5).count() >= 3,
            "crowded addresses"
        );
        std::fs::remove_dir_all(dir).ok();
    }
}

/// The dataset each generated file becomes when its rollups are published for the dashboards.
pub const PUBLIC_DATASETS: [(&str, &str, &str); 4] = [
    (
        "vastgoedtransacties.csv",
        "synth-vastgoed",
        "Woningtransacties per gemeente en jaar (synthetisch)",
    ),
    (
        "fiu_transacties.csv",
        "synth-fiu",
        "Ongebruikelijke transacties per gemeente en jaar (synthetisch)",
    ),
    (
        "vestigingen.csv",
        "synth-vestigingen",
        "Nieuwe vestigingen per gemeente, jaar en branche (synthetisch)",
    ),
    (
        "drugsincidenten.csv",
        "synth-drugs",
        "Drugsincidenten per gemeente en jaar (synthetisch)",
    ),
];

/// The sector analysis of the generated establishments register.
pub const SECTOR_DATASET: (&str, &str) = (
    "synth-branches",
    "Vestigingen per gemeente, jaar en SBI-code: actief, opgericht, opgeheven (synthetisch)",
);

/// The source named on everything made from generated data.
pub const SYNTHETIC_SOURCE: &str = "Synthetische microdata (Baken-generator)";
pub const SYNTHETIC_LICENCE: &str = "Eigen werk (synthetisch)";

/// One generated file rolled up per municipality × year × category, ready to be stored as a
/// public dataset: what the dashboards of a demo read. The records themselves are not kept.
#[derive(Debug, Clone)]
pub struct PublicRollup {
    pub dataset: baken_domain::dataset::Dataset,
    pub provenance: baken_domain::dataset::Provenance,
    pub observations: Vec<baken_domain::area::Observation>,
}

/// Generates the demo microdata in `dir` and rolls every file up.
pub fn public_rollups(
    dir: &Path,
    places: &[Place],
    seed: u64,
    scale: u64,
) -> Result<Vec<PublicRollup>, crate::ImportError> {
    use crate::rollup::{Rollup, RollupPlan};
    use crate::table::{TableFile, infer};
    let generated =
        generate(dir, places, seed, scale, |_, _| {}).map_err(|e| crate::ImportError::Csv {
            file: dir.display().to_string(),
            reason: e.to_string(),
        })?;
    let mut out = Vec::new();
    for g in generated {
        let Some((_, code, title)) = PUBLIC_DATASETS.iter().find(|(f, _, _)| *f == g.file) else {
            continue;
        };
        let file = TableFile::open(&g.path, None)?;
        let inference = infer(&file, &[])?;
        let Some(plan) = RollupPlan::new(&inference.columns, &inference.categories) else {
            continue;
        };
        let mut rollup = Rollup::new(plan);
        // The establishments register also gets its sector analysis.
        let mut sectors = (g.file == "vestigingen.csv")
            .then(|| crate::sector::SectorColumns::find(&inference.columns))
            .flatten()
            .map(crate::sector::SectorRollup::new);
        let mut problems = Vec::new();
        let rows = file.read_valid(
            &inference.columns,
            inference.decimal_comma,
            4096,
            |batch| {
                for row in batch.rows() {
                    rollup.add(&row);
                    if let Some(s) = sectors.as_mut() {
                        s.add(&row);
                    }
                }
                std::ops::ControlFlow::Continue(())
            },
            |errors| problems.extend(errors),
        )?;
        if !problems.is_empty() {
            return Err(crate::ImportError::Rows {
                file: g.file.to_owned(),
                errors: problems,
            });
        }
        // Generated for every municipality: one without records in a year had none.
        rollup.cover(&places.iter().map(|p| p.code.clone()).collect::<Vec<_>>());
        let bytes = std::fs::read(&g.path).map_err(|e| crate::ImportError::Csv {
            file: g.file.to_owned(),
            reason: e.to_string(),
        })?;
        out.push(PublicRollup {
            dataset: baken_domain::dataset::Dataset {
                code: (*code).to_owned(),
                title: (*title).to_owned(),
                source: SYNTHETIC_SOURCE.to_owned(),
                licence: SYNTHETIC_LICENCE.to_owned(),
            },
            provenance: baken_domain::dataset::Provenance {
                file_name: format!("{} (seed {seed}, scale {scale})", g.file),
                checksum: crate::checksum(&bytes),
                dataset: Some((*code).to_owned()),
                source: SYNTHETIC_SOURCE.to_owned(),
                licence: SYNTHETIC_LICENCE.to_owned(),
                rows_read: rows,
            },
            observations: rollup.observations(),
        });
        if let Some(sectors) = sectors {
            let (code, title) = SECTOR_DATASET;
            let last = out.last().map(|r| r.provenance.clone());
            out.push(PublicRollup {
                dataset: baken_domain::dataset::Dataset {
                    code: code.to_owned(),
                    title: title.to_owned(),
                    source: SYNTHETIC_SOURCE.to_owned(),
                    licence: SYNTHETIC_LICENCE.to_owned(),
                },
                provenance: baken_domain::dataset::Provenance {
                    dataset: Some(code.to_owned()),
                    ..last.unwrap_or_else(|| baken_domain::dataset::Provenance {
                        file_name: g.file.to_owned(),
                        checksum: String::new(),
                        dataset: None,
                        source: SYNTHETIC_SOURCE.to_owned(),
                        licence: SYNTHETIC_LICENCE.to_owned(),
                        rows_read: rows,
                    })
                },
                observations: sectors.observations(),
            });
        }
    }
    Ok(out)
}
