//! Area boundaries from GeoJSON or TopoJSON, simplified for drawing: each polygon is thinned
//! with Visvalingam–Whyatt (keeping rings valid) and its coordinates rounded, so a national
//! map stays small enough to send to a browser.

use std::collections::HashSet;

use baken_domain::area::{AreaCode, AreaLevel};
use baken_domain::dataset::Boundary;
use geo::{Coord, LineString, MultiPolygon, Polygon, SimplifyVwPreserve};
use serde_json::{Value, json};

use crate::error::{ImportError, RowError};

/// What reading a boundary file gave.
#[derive(Debug, Clone)]
pub struct BoundaryFile {
    pub boundaries: Vec<Boundary>,
    /// Names by code, for areas the database does not know yet in this year.
    pub names: Vec<(AreaCode, String)>,
    pub format: &'static str,
    pub vertices_before: usize,
    pub vertices_after: usize,
}

fn json_error(file: &str, reason: impl Into<String>) -> ImportError {
    ImportError::Json {
        file: file.to_owned(),
        reason: reason.into(),
    }
}

/// Turns a TopoJSON topology's first (or named) object into GeoJSON features.
fn topology_features(
    file: &str,
    doc: &Value,
    object: Option<&str>,
) -> Result<Vec<Value>, ImportError> {
    let topology: topojson::Topology = serde_json::from_value(doc.clone())
        .map_err(|e| json_error(file, format!("not a TopoJSON topology: {e}")))?;
    let key = match object {
        Some(o) => o.to_owned(),
        None => topology
            .list_names()
            .first()
            .map(|s| s.to_string())
            .ok_or_else(|| json_error(file, "the topology has no objects"))?,
    };
    let collection = topojson::to_geojson(&topology, &key)
        .map_err(|e| json_error(file, format!("object {key:?}: {e}")))?;
    let value = serde_json::to_value(&collection).map_err(|e| json_error(file, e.to_string()))?;
    Ok(value["features"].as_array().cloned().unwrap_or_default())
}

fn ring(value: &Value) -> Option<LineString<f64>> {
    let coords: Option<Vec<Coord<f64>>> = value
        .as_array()?
        .iter()
        .map(|p| {
            let p = p.as_array()?;
            Some(Coord {
                x: p.first()?.as_f64()?,
                y: p.get(1)?.as_f64()?,
            })
        })
        .collect();
    let coords = coords?;
    (coords.len() >= 4).then(|| LineString::new(coords))
}

fn polygon(value: &Value) -> Option<Polygon<f64>> {
    let rings: Option<Vec<LineString<f64>>> = value.as_array()?.iter().map(ring).collect();
    let mut rings = rings?.into_iter();
    let exterior = rings.next()?;
    Some(Polygon::new(exterior, rings.collect()))
}

fn multipolygon(geometry: &Value) -> Option<MultiPolygon<f64>> {
    match geometry["type"].as_str()? {
        "Polygon" => Some(MultiPolygon::new(vec![polygon(&geometry["coordinates"])?])),
        "MultiPolygon" => {
            let parts: Option<Vec<Polygon<f64>>> = geometry["coordinates"]
                .as_array()?
                .iter()
                .map(polygon)
                .collect();
            Some(MultiPolygon::new(parts?))
        }
        _ => None,
    }
}

fn vertices(mp: &MultiPolygon<f64>) -> usize {
    mp.0.iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum()
}

fn round(v: f64) -> f64 {
    (v * 100_000.0).round() / 100_000.0
}

fn ring_json(ls: &LineString<f64>) -> Value {
    Value::Array(
        ls.0.iter()
            .map(|c| json!([round(c.x), round(c.y)]))
            .collect(),
    )
}

fn geometry_json(mp: &MultiPolygon<f64>) -> Value {
    let polygons: Vec<Value> =
        mp.0.iter()
            .map(|p| {
                let mut rings = vec![ring_json(p.exterior())];
                rings.extend(p.interiors().iter().map(ring_json));
                Value::Array(rings)
            })
            .collect();
    json!({ "type": "MultiPolygon", "coordinates": polygons })
}

/// The feature's area code: from `code_property`, or else the first property that is a code
/// of `level`.
fn feature_code(
    properties: &Value,
    level: AreaLevel,
    code_property: Option<&str>,
) -> Option<AreaCode> {
    let parse = |v: &Value| {
        v.as_str()
            .and_then(|s| AreaCode::parse(s).ok())
            .filter(|c| c.level() == level)
    };
    match code_property {
        Some(p) => parse(&properties[p]),
        None => properties.as_object()?.values().find_map(parse),
    }
}

fn feature_name(properties: &Value) -> Option<String> {
    let obj = properties.as_object()?;
    ["statnaam", "gemeentenaam", "gemeente_naam", "naam", "name"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str))
        .or_else(|| {
            obj.iter()
                .find(|(k, _)| k.contains("naam"))
                .and_then(|(_, v)| v.as_str())
        })
        .map(str::to_owned)
}

/// Reads a GeoJSON FeatureCollection or a TopoJSON Topology of areas of `level` in the
/// division of `year`, simplifying each geometry with `tolerance` (in degrees², the area of
/// the smallest triangle kept; 0 keeps everything).
pub fn read(
    file: &str,
    bytes: &[u8],
    level: AreaLevel,
    year: i32,
    code_property: Option<&str>,
    object: Option<&str>,
    tolerance: f64,
) -> Result<BoundaryFile, ImportError> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| json_error(file, e.to_string()))?;
    let (features, format) = match doc["type"].as_str() {
        Some("FeatureCollection") => (
            doc["features"].as_array().cloned().unwrap_or_default(),
            "GeoJSON",
        ),
        Some("Topology") => (topology_features(file, &doc, object)?, "TopoJSON"),
        other => {
            return Err(json_error(
                file,
                format!(
                    "expected a GeoJSON FeatureCollection or a TopoJSON Topology, found {other:?}"
                ),
            ));
        }
    };
    if features.is_empty() {
        return Err(json_error(file, "no features"));
    }
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(features.len());
    let mut names = Vec::new();
    let mut seen = HashSet::new();
    let (mut before, mut after) = (0, 0);
    for (i, feature) in features.iter().enumerate() {
        let row = i as u64 + 1;
        let properties = &feature["properties"];
        let Some(code) = feature_code(properties, level, code_property) else {
            errors.push(RowError {
                row,
                column: code_property.unwrap_or("properties").to_owned(),
                value: properties.to_string().chars().take(80).collect(),
                reason: format!("no {} code", level.code()),
            });
            continue;
        };
        if !seen.insert(code.clone()) {
            errors.push(RowError {
                row,
                column: "code".into(),
                value: code.to_string(),
                reason: "appears twice".into(),
            });
            continue;
        }
        let Some(mp) = multipolygon(&feature["geometry"]) else {
            errors.push(RowError {
                row,
                column: "geometry".into(),
                value: feature["geometry"]["type"].to_string(),
                reason:
                    "expected a Polygon or MultiPolygon with closed rings of at least 4 positions"
                        .into(),
            });
            continue;
        };
        before += vertices(&mp);
        let simplified = if tolerance > 0.0 {
            mp.simplify_vw_preserve(tolerance)
        } else {
            mp
        };
        after += vertices(&simplified);
        if let Some(name) = feature_name(properties) {
            names.push((code.clone(), name));
        }
        out.push(Boundary {
            code,
            year,
            geometry: geometry_json(&simplified).to_string(),
        });
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows {
            file: file.to_owned(),
            errors,
        });
    }
    Ok(BoundaryFile {
        boundaries: out,
        names,
        format,
        vertices_before: before,
        vertices_after: after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A square with a hundred tiny wiggles along one side.
    fn wiggly_square() -> Value {
        let mut ring: Vec<Value> = (0..=100)
            .map(|i| json!([i as f64 * 0.01, if i % 2 == 0 { 0.0 } else { 0.0001 }]))
            .collect();
        ring.extend([json!([1.0, 1.0]), json!([0.0, 1.0]), json!([0.0, 0.0])]);
        json!({ "type": "Polygon", "coordinates": [ring] })
    }

    #[test]
    fn geojson_is_simplified_and_keeps_its_codes_and_names() {
        let doc = json!({ "type": "FeatureCollection", "features": [
            { "type": "Feature", "properties": { "statcode": "GM0855", "statnaam": "Tilburg" }, "geometry": wiggly_square() },
            { "type": "Feature", "properties": { "statcode": "GM0758", "statnaam": "Breda" }, "geometry": wiggly_square() },
        ]});
        let bytes = serde_json::to_vec(&doc).unwrap();
        let read = read(
            "g.json",
            &bytes,
            AreaLevel::Municipality,
            2025,
            None,
            None,
            1e-5,
        )
        .unwrap();
        assert_eq!(read.format, "GeoJSON");
        assert_eq!(read.boundaries.len(), 2);
        assert!(
            read.vertices_after * 4 < read.vertices_before,
            "{} → {}",
            read.vertices_before,
            read.vertices_after
        );
        assert_eq!(read.names[0].1, "Tilburg");
        let geometry: Value = serde_json::from_str(&read.boundaries[0].geometry).unwrap();
        assert_eq!(geometry["type"], "MultiPolygon");
    }

    #[test]
    fn topojson_arcs_are_decoded() {
        // Two squares sharing an edge, quantised with a transform.
        let doc = json!({
            "type": "Topology",
            "transform": { "scale": [0.001, 0.001], "translate": [5.0, 51.5] },
            "objects": { "gemeenten": { "type": "GeometryCollection", "geometries": [
                { "type": "Polygon", "arcs": [[0, 1]], "properties": { "code": "GM0855" } },
                { "type": "Polygon", "arcs": [[2, -1]], "properties": { "code": "GM0758" } }
            ]}},
            "arcs": [
                [[1000, 0], [0, 1000]],
                [[1000, 1000], [-1000, 0], [0, -1000], [1000, 0]],
                [[1000, 0], [1000, 0], [0, 1000], [-1000, 0]]
            ]
        });
        let bytes = serde_json::to_vec(&doc).unwrap();
        let read = read(
            "t.json",
            &bytes,
            AreaLevel::Municipality,
            2025,
            Some("code"),
            None,
            0.0,
        )
        .unwrap();
        assert_eq!(read.format, "TopoJSON");
        assert_eq!(read.boundaries.len(), 2);
        let g: Value = serde_json::from_str(&read.boundaries[0].geometry).unwrap();
        let first = &g["coordinates"][0][0][0];
        assert!(
            (first[0].as_f64().unwrap() - 6.0).abs() < 1e-9
                && (first[1].as_f64().unwrap() - 51.5).abs() < 1e-9,
            "{first}"
        );
    }

    #[test]
    fn problems_are_named_by_feature() {
        let doc = json!({ "type": "FeatureCollection", "features": [
            { "type": "Feature", "properties": { "code": "PV30" }, "geometry": wiggly_square() },
            { "type": "Feature", "properties": { "code": "GM0855" }, "geometry": { "type": "Point", "coordinates": [5, 51] } },
        ]});
        let bytes = serde_json::to_vec(&doc).unwrap();
        let Err(ImportError::Rows { errors, .. }) = read(
            "p.json",
            &bytes,
            AreaLevel::Municipality,
            2025,
            None,
            None,
            0.0,
        ) else {
            panic!("expected row errors");
        };
        assert_eq!(errors.len(), 2);
        assert_eq!((errors[0].row, errors[1].row), (1, 2));
        assert!(errors[0].reason.contains("gemeente"));
        assert!(
            read(
                "x.json",
                b"{\"type\": \"Feature\"}",
                AreaLevel::Municipality,
                2025,
                None,
                None,
                0.0
            )
            .is_err()
        );
    }
}
