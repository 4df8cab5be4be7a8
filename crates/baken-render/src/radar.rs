//! A radar (spider) chart of scores on a 1–5 scale: one axis per dimension, one polygon per
//! series (an organisation's round, a comparison), each point titled with its value.

use std::fmt::Write as _;

use crate::format::{Lang, number};
use crate::svg::{self, escape};

/// One polygon: a value (1–5) or none per axis.
#[derive(Debug, Clone)]
pub struct RadarSeries {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub emphasis: bool,
}

/// A radar chart.
pub struct Radar<'a> {
    pub id_prefix: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub axes: Vec<String>,
    pub series: Vec<RadarSeries>,
    pub lang: Lang,
}

const SIZE: f64 = 420.0;
const CENTRE: f64 = 210.0;
const RADIUS: f64 = 140.0;
const COLOURS: [&str; 4] = ["#1f5fa8", "#c2410c", "#15803d", "#6b21a8"];

fn point(axis: usize, axes: usize, value: f64) -> (f64, f64) {
    let angle =
        std::f64::consts::TAU * axis as f64 / axes.max(1) as f64 - std::f64::consts::FRAC_PI_2;
    let r = RADIUS * (value.clamp(0.0, 5.0) / 5.0);
    (CENTRE + r * angle.cos(), CENTRE + r * angle.sin())
}

impl Radar<'_> {
    pub fn render(&self) -> String {
        let prefix = svg::id_prefix(self.id_prefix);
        let n = self.axes.len();
        let legend_h = 22.0 * self.series.len() as f64;
        let mut out = String::new();
        svg::open(
            &mut out,
            &prefix,
            "baken-chart baken-radar",
            "img",
            (SIZE, SIZE + legend_h),
            self.title,
            self.description,
        );
        // Rings at 1..5 and the axes with their labels.
        for level in 1..=5 {
            let pts: Vec<String> = (0..n)
                .map(|a| {
                    let (x, y) = point(a, n, f64::from(level));
                    format!("{x:.1},{y:.1}")
                })
                .collect();
            let _ = write!(
                out,
                r##"<polygon class="grid" points="{}" fill="none" stroke="#d9d9d9"/>"##,
                pts.join(" ")
            );
        }
        for (a, label) in self.axes.iter().enumerate() {
            let (x, y) = point(a, n, 5.0);
            let (lx, ly) = point(a, n, 5.9);
            let anchor = if (lx - CENTRE).abs() < 5.0 {
                "middle"
            } else if lx > CENTRE {
                "start"
            } else {
                "end"
            };
            let _ = write!(
                out,
                r##"<line class="axis" x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1}" y2="{y:.1}" stroke="#bfbfbf"/><text x="{lx:.1}" y="{ly:.1}" font-size="12" text-anchor="{anchor}" dominant-baseline="middle" fill="#333333">{}</text>"##,
                escape(label)
            );
        }
        for (s, series) in self.series.iter().enumerate() {
            let colour = COLOURS[s % COLOURS.len()];
            let pts: Vec<String> = series
                .values
                .iter()
                .enumerate()
                .map(|(a, v)| {
                    let (x, y) = point(a, n, v.unwrap_or(0.0));
                    format!("{x:.1},{y:.1}")
                })
                .collect();
            let width = if series.emphasis { 3 } else { 2 };
            let dash = if s == 0 {
                ""
            } else {
                r#" stroke-dasharray="6 4""#
            };
            let _ = write!(
                out,
                r#"<polygon class="s{}" points="{}" fill="{colour}" fill-opacity="0.12" stroke="{colour}" stroke-width="{width}"{dash}/>"#,
                s + 1,
                pts.join(" ")
            );
            for (a, v) in series.values.iter().enumerate() {
                if let Some(v) = v {
                    let (x, y) = point(a, n, *v);
                    let _ = write!(
                        out,
                        r#"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="{colour}"><title>{}: {} {}</title></circle>"#,
                        escape(&series.name),
                        escape(self.axes.get(a).map_or("", String::as_str)),
                        number(*v, 1, self.lang)
                    );
                }
            }
            let ly = SIZE + 10.0 + 22.0 * s as f64;
            let _ = write!(
                out,
                r##"<rect x="20" y="{:.1}" width="14" height="14" fill="{colour}"/><text x="42" y="{:.1}" font-size="12" fill="#333333">{}</text>"##,
                ly,
                ly + 11.0,
                escape(&series.name)
            );
        }
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_radar_has_an_axis_per_dimension_and_a_titled_point_per_value() {
        let svg = Radar {
            id_prefix: "radar",
            title: "Gereedheid",
            description: "Per dimensie, 1–5",
            axes: ["Bestuur", "Data & <kwaliteit>", "Mensen"]
                .map(String::from)
                .to_vec(),
            series: vec![
                RadarSeries {
                    name: "Ronde 2".into(),
                    values: vec![Some(3.5), None, Some(2.0)],
                    emphasis: true,
                },
                RadarSeries {
                    name: "Ronde 1".into(),
                    values: vec![Some(2.0), Some(2.5), Some(1.0)],
                    emphasis: false,
                },
            ],
            lang: Lang::Nl,
        }
        .render();
        assert!(svg.contains(r#"aria-labelledby="radar-title radar-desc""#));
        assert_eq!(svg.matches("<line class=\"axis\"").count(), 3);
        assert_eq!(
            svg.matches("<circle").count(),
            5,
            "no point for a missing value"
        );
        assert!(svg.contains("Ronde 2: Bestuur 3,5"));
        assert!(svg.contains("Data &amp; &lt;kwaliteit&gt;"));
        // A score of 5 lies on the outer ring, straight up for the first axis.
        assert_eq!(point(0, 3, 5.0), (CENTRE, CENTRE - RADIUS));
    }
}
