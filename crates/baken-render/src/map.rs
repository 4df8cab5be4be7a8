//! Choropleth maps: areas prepared once from GeoJSON, coloured by quantile class.

use std::collections::HashMap;
use std::fmt::Write as _;

use geo::{Coord, LineString, SimplifyVw};
use serde_json::Value;

use crate::RenderError;
use crate::format::{self, Lang};
use crate::svg::{self, coord, escape};

/// Width of the map's viewBox; the height follows from the shapes' aspect ratio.
pub const MAP_WIDTH: f64 = 800.0;
/// Empty border inside the viewBox, so outlines at the edge are not cut off.
const MARGIN: f64 = 4.0;
/// Visvalingam–Whyatt tolerance: points whose effective triangle has a smaller area (in square
/// viewBox units) are dropped. 4 keeps the 342 Dutch municipalities (2024) at about 56 KB of
/// path data while their shapes stay recognisable at full width.
const SIMPLIFY_AREA: f64 = 4.0;

/// One area ready to draw.
#[derive(Clone, Debug)]
struct Area {
    code: String,
    name: String,
    /// SVG path data in viewBox units, rounded to one decimal.
    path: String,
}

/// Shapes prepared once from GeoJSON (WGS84 lon/lat) and reused for every map.
#[derive(Clone, Debug)]
pub struct MapShapes {
    areas: Vec<Area>,
    index: HashMap<String, usize>,
    height: f64,
}

/// A polygon as rings of (lon, lat); the first ring is the exterior.
type Rings = Vec<Vec<(f64, f64)>>;

impl MapShapes {
    /// `features`: (area code, area name, GeoJSON geometry text: Polygon or MultiPolygon; a
    /// Feature wrapping one is accepted too).
    ///
    /// Projects equirectangularly with longitude scaled by the cosine of the middle latitude,
    /// fits the whole set into a viewBox [`MAP_WIDTH`] wide, simplifies every ring
    /// (Visvalingam–Whyatt) and rounds coordinates to one decimal. Errors name the area whose
    /// geometry cannot be read.
    pub fn from_geojson(features: &[(String, String, String)]) -> Result<Self, RenderError> {
        let mut parsed: Vec<(&str, &str, Vec<Rings>)> = Vec::with_capacity(features.len());
        let mut index = HashMap::with_capacity(features.len());
        for (position, (code, name, geometry)) in features.iter().enumerate() {
            let polygons = parse_geometry(geometry).map_err(|reason| RenderError::Geometry {
                code: code.clone(),
                name: name.clone(),
                reason,
            })?;
            if index.insert(code.clone(), position).is_some() {
                return Err(RenderError::DuplicateArea { code: code.clone() });
            }
            parsed.push((code, name, polygons));
        }

        // Bounds in lon/lat, then the projection.
        let all = || {
            parsed
                .iter()
                .flat_map(|(_, _, polygons)| polygons.iter().flatten().flatten())
        };
        let (min_lat, max_lat) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
        if !(min_lat.is_finite() && max_lat.is_finite()) {
            return Err(RenderError::NoGeometry);
        }
        let x_scale = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let project = |(lon, lat): (f64, f64)| (lon * x_scale, -lat);
        let (min_x, max_x, min_y, max_y) = all().map(|p| project(*p)).fold(
            (
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ),
            |(a, b, c, d), (x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
        );
        let span_x = max_x - min_x;
        let span_y = max_y - min_y;
        if !(span_x > 0.0 && span_y > 0.0) {
            return Err(RenderError::NoGeometry);
        }
        let scale = (MAP_WIDTH - 2.0 * MARGIN) / span_x;
        let height = (span_y * scale + 2.0 * MARGIN).ceil();
        let to_view = |p: (f64, f64)| {
            let (x, y) = project(p);
            Coord {
                x: (x - min_x) * scale + MARGIN,
                y: (y - min_y) * scale + MARGIN,
            }
        };

        let areas = parsed
            .into_iter()
            .map(|(code, name, polygons)| {
                let view: Vec<Vec<Vec<Coord<f64>>>> = polygons
                    .iter()
                    .map(|rings| {
                        rings
                            .iter()
                            .map(|ring| ring.iter().map(|p| to_view(*p)).collect())
                            .collect()
                    })
                    .collect();
                let mut path = path_data(&view, SIMPLIFY_AREA);
                if path.is_empty() {
                    // Too small to survive simplification: draw it unsimplified.
                    path = path_data(&view, 0.0);
                }
                Area {
                    code: code.to_owned(),
                    name: name.to_owned(),
                    path,
                }
            })
            .collect();
        Ok(MapShapes {
            areas,
            index,
            height,
        })
    }

    /// Number of areas.
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// Whether an area with this code is known.
    pub fn contains(&self, code: &str) -> bool {
        self.index.contains_key(code)
    }

    /// The name given for an area code.
    pub fn name(&self, code: &str) -> Option<&str> {
        self.index.get(code).map(|i| self.areas[*i].name.as_str())
    }

    /// Height of the map in viewBox units (the width is [`MAP_WIDTH`]).
    pub fn height(&self) -> f64 {
        self.height
    }

    /// Total bytes of SVG path data over all areas.
    pub fn path_bytes(&self) -> usize {
        self.areas.iter().map(|a| a.path.len()).sum()
    }

    /// An invisible `<svg>` holding every area's path once, with ids `{defs_prefix}-{code}`,
    /// for maps drawn with [`Choropleth::render_shared`] in the same document.
    pub fn shared_defs(&self, defs_prefix: &str) -> String {
        let prefix = svg::id_prefix(defs_prefix);
        let mut out = String::with_capacity(self.path_bytes() + self.len() * 40 + 200);
        out.push_str(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true" focusable="false" style="position:absolute;overflow:hidden"><defs>"#,
        );
        for area in &self.areas {
            let _ = write!(
                out,
                r#"<path id="{prefix}-{}" d="{}"/>"#,
                escape(&area.code),
                area.path
            );
        }
        out.push_str("</defs></svg>");
        out
    }
}

/// Reads a GeoJSON Polygon or MultiPolygon (or a Feature holding one).
fn parse_geometry(text: &str) -> Result<Vec<Rings>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let geometry = match value.get("type").and_then(Value::as_str) {
        Some("Feature") => value
            .get("geometry")
            .ok_or_else(|| "feature without geometry".to_owned())?,
        _ => &value,
    };
    let kind = geometry
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| "geometry without type".to_owned())?;
    let coordinates = geometry
        .get("coordinates")
        .ok_or_else(|| "geometry without coordinates".to_owned())?;
    let polygons = match kind {
        "Polygon" => vec![parse_polygon(coordinates)?],
        "MultiPolygon" => as_array(coordinates, "MultiPolygon coordinates")?
            .iter()
            .map(parse_polygon)
            .collect::<Result<Vec<_>, _>>()?,
        other => return Err(format!("expected Polygon or MultiPolygon, found {other}")),
    };
    if polygons.is_empty() {
        return Err("no polygons".to_owned());
    }
    Ok(polygons)
}

fn as_array<'v>(value: &'v Value, what: &str) -> Result<&'v Vec<Value>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("{what} is not an array"))
}

fn parse_polygon(value: &Value) -> Result<Rings, String> {
    let rings = as_array(value, "polygon")?
        .iter()
        .map(|ring| {
            let positions = as_array(ring, "ring")?
                .iter()
                .map(parse_position)
                .collect::<Result<Vec<_>, _>>()?;
            if positions.len() < 4 {
                return Err(format!(
                    "ring with {} positions (at least 4 needed)",
                    positions.len()
                ));
            }
            Ok(positions)
        })
        .collect::<Result<Rings, String>>()?;
    if rings.is_empty() {
        return Err("polygon without rings".to_owned());
    }
    Ok(rings)
}

fn parse_position(value: &Value) -> Result<(f64, f64), String> {
    let numbers = as_array(value, "position")?;
    let lon = numbers.first().and_then(Value::as_f64);
    let lat = numbers.get(1).and_then(Value::as_f64);
    match (lon, lat) {
        (Some(lon), Some(lat))
            if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
        {
            Ok((lon, lat))
        }
        _ => Err(format!("invalid position {value}")),
    }
}

/// SVG path data for polygons already in viewBox units: an absolute `M` per ring, then relative
/// line-tos in tenths, `z` to close. Rings that collapse below a triangle are left out (with
/// their holes, for an exterior).
fn path_data(polygons: &[Vec<Vec<Coord<f64>>>], tolerance: f64) -> String {
    let mut out = String::new();
    for rings in polygons {
        for (i, ring) in rings.iter().enumerate() {
            let line = LineString::new(ring.clone());
            let simplified = if tolerance > 0.0 {
                line.simplify_vw(tolerance)
            } else {
                line
            };
            // Integer tenths, without repeats and without the closing point.
            let mut points: Vec<(i64, i64)> = Vec::with_capacity(simplified.0.len());
            for c in &simplified.0 {
                let p = ((c.x * 10.0).round() as i64, (c.y * 10.0).round() as i64);
                if points.last() != Some(&p) {
                    points.push(p);
                }
            }
            while points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            if points.len() < 3 {
                if i == 0 {
                    break;
                }
                continue;
            }
            let (x0, y0) = points[0];
            let _ = write!(out, "M{} {}l", tenths(x0), tenths(y0));
            let mut previous = (x0, y0);
            for (n, p) in points[1..].iter().enumerate() {
                let dx = tenths(p.0 - previous.0);
                let dy = tenths(p.1 - previous.1);
                if n > 0 && !dx.starts_with('-') {
                    out.push(' ');
                }
                out.push_str(&dx);
                if !dy.starts_with('-') {
                    out.push(' ');
                }
                out.push_str(&dy);
                previous = *p;
            }
            out.push('z');
        }
    }
    out
}

/// Formats a number of tenths compactly: 12 → "1.2", -3 → "-.3", 20 → "2".
fn tenths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    match (abs / 10, abs % 10) {
        (whole, 0) => format!("{sign}{whole}"),
        (0, frac) => format!("{sign}.{frac}"),
        (whole, frac) => format!("{sign}{whole}.{frac}"),
    }
}

/// A value for one area on a [`Choropleth`].
#[derive(Clone, Debug, PartialEq)]
pub enum MapValue {
    Value(f64),
    /// Hidden to protect small numbers; the text says why, e.g. "< 10".
    Suppressed(String),
    Missing,
}

/// A choropleth map with a legend, linked areas and an optional selected area.
pub struct Choropleth<'a> {
    pub id_prefix: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub unit: &'a str,
    pub decimals: usize,
    pub lang: Lang,
    /// Values by area code; areas not listed are drawn as missing, codes not on the map ignored.
    pub values: &'a [(String, MapValue)],
    /// Area drawn with a heavy outline.
    pub selected: Option<&'a str>,
    /// Link for an area code (e.g. "/zicht/GM0855/drugs?jaar=2023").
    pub href: &'a dyn Fn(&str) -> String,
    /// Translated legend labels, e.g. "geen gegevens" and "afgeschermd (< 10)".
    pub legend_missing: &'a str,
    pub legend_suppressed: &'a str,
}

/// Number of colour classes.
pub const CLASSES: usize = 5;
/// Fallback fills of `q1` … `q5`: sequential blues, light to dark (ColorBrewer Blues, colour-blind safe).
const CLASS_FILLS: [&str; CLASSES] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
const MISSING_FILL: &str = "#e0e0e0";
const BORDER: &str = "#ffffff";
const SELECTED_STROKE: &str = "#000000";
const TEXT_COLOUR: &str = "#333333";
const LEGEND_FONT: f64 = 20.0;
const LEGEND_ROW: f64 = 30.0;
const SWATCH: f64 = 20.0;

impl Choropleth<'_> {
    /// Renders the map with its legend underneath as a standalone `<svg>` element.
    ///
    /// The root has `role="group"` rather than `role="img"`: `img` makes its children
    /// presentational, which would hide the area links from assistive technology.
    pub fn render(&self, shapes: &MapShapes) -> String {
        self.render_shapes(shapes, None)
    }

    /// Renders the map drawing each area with `<use>` of the paths that
    /// [`MapShapes::shared_defs`] put in the same document once under `defs_prefix`: many
    /// maps on one page then share one copy of the geometry.
    pub fn render_shared(&self, shapes: &MapShapes, defs_prefix: &str) -> String {
        self.render_shapes(shapes, Some(defs_prefix))
    }

    fn render_shapes(&self, shapes: &MapShapes, shared: Option<&str>) -> String {
        let prefix = svg::id_prefix(self.id_prefix);
        let shared = shared.map(svg::id_prefix);
        let geometry = |area: &Area| -> (&'static str, String) {
            match &shared {
                Some(defs) => ("use", format!(r##"href="#{defs}-{}""##, area.code)),
                None => ("path", format!(r#"d="{}""#, area.path)),
            }
        };
        let hatch_id = format!("{prefix}-hatch");
        let values: HashMap<&str, &MapValue> = self
            .values
            .iter()
            .filter(|(code, _)| shapes.contains(code))
            .map(|(code, value)| (code.as_str(), value))
            .collect();
        let value_of = |code: &str| match values.get(code) {
            Some(MapValue::Value(v)) if v.is_finite() => Some(*v),
            _ => None,
        };
        let finite: Vec<f64> = shapes
            .areas
            .iter()
            .filter_map(|a| value_of(&a.code))
            .collect();
        let breaks = quantile_breaks(&finite, CLASSES);
        let class_count = if finite.is_empty() {
            0
        } else {
            breaks.len() + 1
        };

        let legend_rows = class_count.max(2);
        let heading = if self.unit.is_empty() {
            0.0
        } else {
            LEGEND_ROW
        };
        let legend_top = shapes.height + 16.0;
        let total_height = legend_top + heading + legend_rows as f64 * LEGEND_ROW + 8.0;

        let mut out = String::with_capacity(shapes.path_bytes() + shapes.len() * 200 + 2048);
        svg::open(
            &mut out,
            &prefix,
            "baken-map",
            "group",
            (MAP_WIDTH, total_height),
            self.title,
            self.description,
        );
        let _ = write!(
            out,
            r##"<defs><pattern id="{hatch_id}" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/><line x1="2" y1="0" x2="2" y2="8" stroke="#737373" stroke-width="3"/></pattern></defs>"##
        );
        let _ = write!(
            out,
            r#"<g class="areas" stroke="{BORDER}" stroke-width="0.5" stroke-linejoin="round" fill-rule="evenodd">"#
        );
        let mut selected_path = None;
        for area in &shapes.areas {
            let is_selected = self.selected == Some(area.code.as_str());
            if is_selected {
                selected_path = Some(geometry(area));
            }
            let current = if is_selected {
                r#" aria-current="true""#
            } else {
                ""
            };
            let name = &area.name;
            let (tag, geom) = geometry(area);
            match (values.get(area.code.as_str()), value_of(&area.code)) {
                (_, Some(v)) => {
                    let class = palette_index(class_of(v, &breaks), class_count);
                    let label = escape(&self.value_label(name, v));
                    let _ = write!(
                        out,
                        r#"<a href="{href}" class="area"{current}><title>{label}</title><{tag} {geom} class="q{q}" fill="{fill}"/></a>"#,
                        href = escape(&(self.href)(&area.code)),
                        q = class + 1,
                        fill = CLASS_FILLS[class],
                    );
                }
                (Some(MapValue::Suppressed(reason)), None) => {
                    let label = escape(&format!("{name}: {}", self.suppressed_text(reason)));
                    let _ = write!(
                        out,
                        r#"<a href="{href}" class="area"{current}><title>{label}</title><{tag} {geom} class="suppressed" fill="url(#{hatch_id})"/></a>"#,
                        href = escape(&(self.href)(&area.code)),
                    );
                }
                _ => {
                    let label = escape(&format!("{name}: {}", self.legend_missing));
                    let _ = write!(
                        out,
                        r#"<{tag} {geom} class="missing" fill="{MISSING_FILL}"><title>{label}</title></{tag}>"#,
                    );
                }
            }
        }
        out.push_str("</g>");
        if let Some((tag, geom)) = selected_path {
            let _ = write!(
                out,
                r#"<{tag} class="selected-outline" {geom} fill="none" stroke="{SELECTED_STROKE}" stroke-width="3" stroke-linejoin="round" pointer-events="none" aria-hidden="true"/>"#
            );
        }

        // Legend.
        let _ = write!(
            out,
            r#"<g class="legend" font-size="{LEGEND_FONT}" fill="{TEXT_COLOUR}">"#
        );
        let mut y = legend_top;
        if !self.unit.is_empty() {
            let _ = write!(
                out,
                r#"<text class="unit" x="{}" y="{}">{}</text>"#,
                coord(MARGIN),
                coord(y + LEGEND_FONT),
                escape(self.unit)
            );
            y += heading;
        }
        for (class, range) in self.class_ranges(&finite, &breaks).iter().enumerate() {
            let q = palette_index(class, class_count);
            swatch(
                &mut out,
                MARGIN,
                y + class as f64 * LEGEND_ROW,
                &format!(r#"class="q{}" fill="{}""#, q + 1, CLASS_FILLS[q]),
                range,
            );
        }
        let column = MAP_WIDTH / 2.0;
        swatch(
            &mut out,
            column,
            y,
            &format!(r#"class="missing" fill="{MISSING_FILL}""#),
            self.legend_missing,
        );
        swatch(
            &mut out,
            column,
            y + LEGEND_ROW,
            &format!(r#"class="suppressed" fill="url(#{hatch_id})""#),
            self.legend_suppressed,
        );
        out.push_str("</g></svg>");
        out
    }

    fn value_label(&self, name: &str, value: f64) -> String {
        let number = format::number(value, self.decimals, self.lang);
        if self.unit.is_empty() {
            format!("{name}: {number}")
        } else {
            format!("{name}: {number} {}", self.unit)
        }
    }

    /// The translated suppressed label, plus the area's own reason when it adds something.
    fn suppressed_text(&self, reason: &str) -> String {
        let reason = reason.trim();
        if reason.is_empty() || self.legend_suppressed.contains(reason) {
            self.legend_suppressed.to_owned()
        } else if self.legend_suppressed.is_empty() {
            reason.to_owned()
        } else {
            format!("{} ({reason})", self.legend_suppressed)
        }
    }

    /// "lowest – highest" value in each class, as formatted for people.
    fn class_ranges(&self, values: &[f64], breaks: &[f64]) -> Vec<String> {
        if values.is_empty() {
            return Vec::new();
        }
        let mut bounds = vec![(f64::INFINITY, f64::NEG_INFINITY); breaks.len() + 1];
        for v in values {
            let b = &mut bounds[class_of(*v, breaks)];
            *b = (b.0.min(*v), b.1.max(*v));
        }
        bounds
            .into_iter()
            .map(|(lo, hi)| {
                let lo = format::number(lo, self.decimals, self.lang);
                let hi = format::number(hi, self.decimals, self.lang);
                if lo == hi {
                    lo
                } else {
                    format!("{lo} – {hi}")
                }
            })
            .collect()
    }
}

fn swatch(out: &mut String, x: f64, y: f64, paint: &str, label: &str) {
    let _ = write!(
        out,
        r##"<rect x="{}" y="{}" width="{SWATCH}" height="{SWATCH}" {paint} stroke="#737373" stroke-width="1"/><text x="{}" y="{}">{}</text>"##,
        coord(x),
        coord(y + 4.0),
        coord(x + SWATCH + 10.0),
        coord(y + 4.0 + SWATCH - 3.0),
        escape(label)
    );
}

/// Spreads `count` classes over the five colours, so two classes are light and dark rather
/// than the two lightest.
fn palette_index(class: usize, count: usize) -> usize {
    match count {
        0 | 1 => CLASSES / 2,
        n => ((class.min(n - 1) * (CLASSES - 1)) as f64 / (n - 1) as f64).round() as usize,
    }
    .min(CLASSES - 1)
}

/// Quantile class breaks: `k` classes over the finite `values` give `k - 1` ascending breaks,
/// fewer when values repeat (duplicates are merged) or there are fewer than `k` values.
///
/// Every break is one of the values, and a class runs from its lower break (inclusive) to the
/// next (exclusive), as [`class_of`] decides; so no class is empty.
pub fn quantile_breaks(values: &[f64], k: usize) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() || k < 2 {
        return Vec::new();
    }
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let lowest = sorted[0];
    let mut breaks: Vec<f64> = Vec::with_capacity(k - 1);
    for i in 1..k {
        let b = sorted[(i * n / k).min(n - 1)];
        // A break at the lowest value would leave the class below it empty.
        if b > lowest && breaks.last().is_none_or(|last| b > *last) {
            breaks.push(b);
        }
    }
    breaks
}

/// The 0-based class of `value`: the number of breaks at or below it. NaN falls in class 0.
pub fn class_of(value: f64, breaks: &[f64]) -> usize {
    breaks.partition_point(|b| *b <= value)
}

#[cfg(test)]
mod tests;
