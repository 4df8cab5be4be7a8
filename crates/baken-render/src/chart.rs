//! Line charts.

use std::fmt::Write as _;

use crate::format::{self, Lang};
use crate::svg::{self, coord, escape};

/// One line in a [`LineChart`].
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Shown in the legend and in each point's tooltip, e.g. "Tilburg".
    pub name: String,
    /// (period label, value); `None` for a missing or suppressed value, drawn as a gap.
    pub points: Vec<(String, Option<f64>)>,
    /// Drawn thicker and on top of the others.
    pub emphasis: bool,
}

/// A line chart over periods, 640 × 260 user units.
#[derive(Clone, Debug)]
pub struct LineChart<'a> {
    pub id_prefix: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// Unit of the values, e.g. "per 1.000 inwoners"; shown above the y axis and in tooltips.
    pub unit: &'a str,
    /// Decimals shown for values in tooltips.
    pub decimals: usize,
    pub lang: Lang,
    pub series: Vec<Series>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const PLOT_LEFT: f64 = 56.0;
const PLOT_RIGHT: f64 = 624.0;
const PLOT_TOP: f64 = 24.0;
const PLOT_BOTTOM: f64 = 190.0;
const X_LABEL_Y: f64 = 206.0;
const LEGEND_Y: f64 = 230.0;
const LEGEND_ROW: f64 = 18.0;
const FONT_SIZE: f64 = 11.0;
/// Rough width of one character at `FONT_SIZE` (sans-serif), for layout.
const CHAR_WIDTH: f64 = 6.2;
/// Space between the plot's edge and the first and last period.
const X_PAD: f64 = 12.0;
const TEXT_COLOUR: &str = "#333333";
const GRID_COLOUR: &str = "#d9d9d9";
const AXIS_COLOUR: &str = "#595959";

/// Series colours (fallbacks of `--baken-chart-line`, `--baken-chart-line-2`, …) and dash
/// patterns, so lines differ by more than colour alone.
const PALETTE: [(&str, &str); 6] = [
    ("#1f5fa8", ""),
    ("#d9730d", "6 3"),
    ("#2e8540", "2 3"),
    ("#8e44ad", "8 3 2 3"),
    ("#7f7f7f", "4 4"),
    ("#b8860b", "1 2"),
];

impl LineChart<'_> {
    /// Renders the chart as a standalone `<svg>` element.
    pub fn render(&self) -> String {
        let prefix = svg::id_prefix(self.id_prefix);
        let mut out = String::with_capacity(4096);
        svg::open(
            &mut out,
            &prefix,
            "baken-chart baken-line-chart",
            "img",
            (WIDTH, HEIGHT),
            self.title,
            self.description,
        );

        let periods = self.periods();
        let (lo, hi) = self.value_range();
        let ticks = nice_ticks(lo, hi);
        let (t_min, t_max) = match (ticks.first(), ticks.last()) {
            (Some(a), Some(b)) if b > a => (*a, *b),
            _ => (lo, lo + 1.0),
        };
        let y_of = |v: f64| PLOT_BOTTOM - (v - t_min) / (t_max - t_min) * (PLOT_BOTTOM - PLOT_TOP);
        let x_of = |i: usize| -> f64 {
            if periods.len() <= 1 {
                (PLOT_LEFT + PLOT_RIGHT) / 2.0
            } else {
                PLOT_LEFT
                    + X_PAD
                    + i as f64 * (PLOT_RIGHT - PLOT_LEFT - 2.0 * X_PAD) / (periods.len() - 1) as f64
            }
        };

        // Grid and y labels.
        let tick_decimals = ticks
            .windows(2)
            .next()
            .map_or(0, |w| decimals_for_step(w[1] - w[0]));
        let _ = write!(
            out,
            r#"<g class="grid" stroke="{GRID_COLOUR}" stroke-width="1">"#
        );
        for t in &ticks {
            if *t == 0.0 {
                continue;
            }
            let y = coord(y_of(*t));
            let _ = write!(
                out,
                r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
                coord(PLOT_LEFT),
                coord(PLOT_RIGHT)
            );
        }
        out.push_str("</g>");
        // The zero line, or the bottom of the plot when zero is not on the axis.
        let base = if t_min <= 0.0 && t_max >= 0.0 {
            y_of(0.0)
        } else {
            PLOT_BOTTOM
        };
        let _ = write!(
            out,
            r#"<line class="axis" x1="{l}" y1="{y}" x2="{r}" y2="{y}" stroke="{AXIS_COLOUR}" stroke-width="1"/>"#,
            l = coord(PLOT_LEFT),
            r = coord(PLOT_RIGHT),
            y = coord(base)
        );
        let _ = write!(
            out,
            r#"<g class="y-labels" font-size="{FONT_SIZE}" text-anchor="end" fill="{TEXT_COLOUR}">"#
        );
        for t in &ticks {
            let _ = write!(
                out,
                r#"<text x="{}" y="{}">{}</text>"#,
                coord(PLOT_LEFT - 6.0),
                coord(y_of(*t) + 4.0),
                escape(&format::number(*t, tick_decimals, self.lang))
            );
        }
        out.push_str("</g>");
        if !self.unit.is_empty() {
            let _ = write!(
                out,
                r#"<text class="unit" x="4" y="12" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">{}</text>"#,
                escape(self.unit)
            );
        }

        // X labels, thinned so they do not overlap.
        let longest = periods.iter().map(|p| p.chars().count()).max().unwrap_or(0);
        let label_width = longest as f64 * CHAR_WIDTH + 8.0;
        let slot = if periods.len() > 1 {
            (PLOT_RIGHT - PLOT_LEFT - 2.0 * X_PAD) / (periods.len() - 1) as f64
        } else {
            PLOT_RIGHT - PLOT_LEFT
        };
        let every = (label_width / slot).ceil().max(1.0) as usize;
        let _ = write!(
            out,
            r#"<g class="x-labels" font-size="{FONT_SIZE}" text-anchor="middle" fill="{TEXT_COLOUR}">"#
        );
        for (i, period) in periods.iter().enumerate() {
            if i % every != 0 {
                continue;
            }
            let _ = write!(
                out,
                r#"<text x="{}" y="{}">{}</text>"#,
                coord(x_of(i)),
                coord(X_LABEL_Y),
                escape(period)
            );
        }
        out.push_str("</g>");

        // Lines and points: emphasised series last, so they are drawn on top.
        let mut order: Vec<usize> = (0..self.series.len()).collect();
        order.sort_by_key(|i| self.series[*i].emphasis);
        for i in order {
            let series = &self.series[i];
            let (colour, dash) = PALETTE[i % PALETTE.len()];
            let class = format!("s{}", i % PALETTE.len() + 1);
            let width = if series.emphasis { 3.0 } else { 1.75 };
            let radius = if series.emphasis { 3.5 } else { 2.5 };
            let mut d = String::new();
            let mut previous_index: Option<usize> = None;
            let mut points = Vec::new();
            for (period, value) in &series.points {
                let Some(index) = periods.iter().position(|p| p == period) else {
                    continue;
                };
                match value.filter(|v| v.is_finite()) {
                    Some(v) => {
                        let (x, y) = (coord(x_of(index)), coord(y_of(v)));
                        // Continue the line only from the directly preceding period.
                        let joined = previous_index.is_some_and(|p| p + 1 == index);
                        let _ = write!(d, "{}{x} {y}", if joined { "L" } else { "M" });
                        previous_index = Some(index);
                        points.push((x, y, period, v));
                    }
                    None => previous_index = None,
                }
            }
            let _ = write!(
                out,
                r#"<g class="series {class}{emph}" stroke="{colour}" fill="{colour}">"#,
                emph = if series.emphasis { " emphasis" } else { "" }
            );
            if !d.is_empty() {
                let dash_attr = if dash.is_empty() {
                    String::new()
                } else {
                    format!(r#" stroke-dasharray="{dash}""#)
                };
                let _ = write!(
                    out,
                    r#"<path class="line {class}" d="{d}" fill="none" stroke-width="{width}" stroke-linejoin="round" stroke-linecap="round"{dash_attr}/>"#
                );
            }
            for (x, y, period, v) in points {
                let _ = write!(
                    out,
                    r#"<circle class="{class}" cx="{x}" cy="{y}" r="{radius}" stroke="none"><title>{}</title></circle>"#,
                    escape(&self.point_label(&series.name, period, v))
                );
            }
            out.push_str("</g>");
        }

        self.legend(&mut out);
        out.push_str("</svg>");
        out
    }

    /// All period labels in order of first appearance.
    fn periods(&self) -> Vec<&str> {
        let mut periods: Vec<&str> = Vec::new();
        for series in &self.series {
            for (period, _) in &series.points {
                if !periods.contains(&period.as_str()) {
                    periods.push(period);
                }
            }
        }
        periods
    }

    /// The value range the y axis must show: always including zero.
    fn value_range(&self) -> (f64, f64) {
        let values = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().filter_map(|(_, v)| *v))
            .filter(|v| v.is_finite());
        let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if hi > lo { (lo, hi) } else { (0.0, 1.0) }
    }

    fn point_label(&self, name: &str, period: &str, value: f64) -> String {
        let number = format::number(value, self.decimals, self.lang);
        if self.unit.is_empty() {
            format!("{name} {period}: {number}")
        } else {
            format!("{name} {period}: {number} {}", self.unit)
        }
    }

    fn legend(&self, out: &mut String) {
        let _ = write!(
            out,
            r#"<g class="legend" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">"#
        );
        let mut x = PLOT_LEFT;
        let mut y = LEGEND_Y;
        for (i, series) in self.series.iter().enumerate() {
            let (colour, dash) = PALETTE[i % PALETTE.len()];
            let class = format!("s{}", i % PALETTE.len() + 1);
            let item_width = 26.0 + series.name.chars().count() as f64 * CHAR_WIDTH + 16.0;
            if x > PLOT_LEFT && x + item_width > WIDTH {
                x = PLOT_LEFT;
                y += LEGEND_ROW;
            }
            let width = if series.emphasis { 3.0 } else { 1.75 };
            let dash_attr = if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            };
            let _ = write!(
                out,
                r#"<line class="{class}" x1="{}" y1="{ly}" x2="{}" y2="{ly}" stroke="{colour}" stroke-width="{width}"{dash_attr}/><text x="{}" y="{ty}">{}</text>"#,
                coord(x),
                coord(x + 20.0),
                coord(x + 26.0),
                escape(&series.name),
                ly = coord(y - 4.0),
                ty = coord(y),
            );
            x += item_width;
        }
        out.push_str("</g>");
    }
}

/// Decimals needed to show multiples of `step` exactly (0 for 1, 2, 5, 10 …; 1 for 0.5; 2 for 0.25).
fn decimals_for_step(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (0..=12)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(12)
}

/// Multipliers of a power of ten that make a "nice" step.
const NICE: [f64; 4] = [1.0, 2.0, 2.5, 5.0];
const MAX_TICKS: usize = 8;

/// "Nice" axis ticks covering `[min, max]`: ascending, the first `<= min`, the last `>= max`,
/// 3 to 8 of them, evenly spaced by 1, 2, 2.5 or 5 × 10^k.
///
/// The arguments may come in either order. An empty range is widened around its value
/// (`[0, 0]` becomes `[-1, 1]`). Non-finite bounds are ignored (both non-finite: `[0, 1]`).
/// Ranges so wide that their span overflows an `f64` give just `[min, max]`.
pub fn nice_ticks(min: f64, max: f64) -> Vec<f64> {
    let (mut min, mut max) = match (min.is_finite(), max.is_finite()) {
        (true, true) => (min.min(max), min.max(max)),
        (true, false) => (min, min),
        (false, true) => (max, max),
        (false, false) => (0.0, 1.0),
    };
    // Keep the span well above the resolution of the values, so the ticks stay distinct.
    let magnitude = min.abs().max(max.abs());
    let min_span = if magnitude == 0.0 {
        2.0
    } else {
        magnitude * 1e-9
    };
    if max - min < min_span {
        let mid = min / 2.0 + max / 2.0;
        let half = if magnitude == 0.0 {
            1.0
        } else {
            (magnitude * 0.1).max(min_span)
        };
        min = mid - half;
        max = mid + half;
    }
    let span = max - min;
    if !span.is_finite() {
        return vec![min, max];
    }
    // Start with a step small enough to need more than MAX_TICKS ticks, then grow it.
    let start = span.log10().floor() as i32 - 2;
    for exponent in start..start + 6 {
        for m in NICE {
            let step = scaled(m, exponent);
            if !(step.is_finite() && step > 0.0) {
                continue;
            }
            let mut first = (min / step).floor();
            if scaled(m * first, exponent) > min {
                first -= 1.0;
            }
            let mut last = (max / step).ceil();
            if scaled(m * last, exponent) < max {
                last += 1.0;
            }
            let count = last - first + 1.0;
            if count <= MAX_TICKS as f64 {
                return (0..count as usize)
                    .map(|i| scaled(m * (first + i as f64), exponent))
                    .collect();
            }
        }
    }
    vec![min, max]
}

/// `value × 10^exponent`, dividing for negative exponents so 3 × 10^-1 gives 0.3 exactly as
/// written rather than 0.30000000000000004.
fn scaled(value: f64, exponent: i32) -> f64 {
    if exponent >= 0 {
        value * 10f64.powi(exponent)
    } else {
        value / 10f64.powi(-exponent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn series(name: &str, points: &[(&str, Option<f64>)], emphasis: bool) -> Series {
        Series {
            name: name.to_owned(),
            points: points.iter().map(|(p, v)| ((*p).to_owned(), *v)).collect(),
            emphasis,
        }
    }

    fn is_nice_step(step: f64) -> bool {
        let power = 10f64.powf(step.log10().floor());
        let m = step / power;
        [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .any(|n| (m - n).abs() < 1e-6 * n)
    }

    #[test]
    fn ticks_examples() {
        assert_eq!(nice_ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(0.0, 1.0), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(
            nice_ticks(0.0, 13.7),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0]
        );
        assert_eq!(nice_ticks(0.0, 0.9), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(
            nice_ticks(0.0, 17.0),
            vec![0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5]
        );
        assert_eq!(
            nice_ticks(-3.0, 7.0),
            vec![-4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0]
        );
        assert_eq!(nice_ticks(0.0, 0.0), vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert_eq!(nice_ticks(10.0, 0.0), nice_ticks(0.0, 10.0));
        assert_eq!(nice_ticks(f64::NAN, f64::NAN), nice_ticks(0.0, 1.0));
    }

    proptest! {
        #[test]
        fn ticks_properties(a in -1e9f64..1e9, b in -1e9f64..1e9) {
            let ticks = nice_ticks(a, b);
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!((3..=8).contains(&ticks.len()), "{a} {b}: {ticks:?}");
            prop_assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{ticks:?}");
            prop_assert!(ticks[0] <= lo && ticks[ticks.len() - 1] >= hi, "{a} {b}: {ticks:?}");
            let step = ticks[1] - ticks[0];
            prop_assert!(is_nice_step(step), "step {step} in {ticks:?}");
            for w in ticks.windows(2) {
                prop_assert!(((w[1] - w[0]) - step).abs() <= step * 1e-6, "{ticks:?}");
            }
        }

        #[test]
        fn ticks_properties_small_ranges(base in -1e6f64..1e6, span in 0.0f64..1e-2) {
            let ticks = nice_ticks(base, base + span);
            prop_assert!((3..=8).contains(&ticks.len()), "{ticks:?}");
            prop_assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{ticks:?}");
            prop_assert!(ticks[0] <= base && ticks[ticks.len() - 1] >= base + span);
            prop_assert!(is_nice_step(ticks[1] - ticks[0]), "{ticks:?}");
        }
    }

    fn chart(series: Vec<Series>) -> LineChart<'static> {
        LineChart {
            id_prefix: "trend",
            title: "Drugs & <ondermijning>",
            description: "Geregistreerde misdrijven per jaar",
            unit: "per 1.000 inwoners",
            decimals: 1,
            lang: Lang::Nl,
            series,
        }
    }

    #[test]
    fn line_chart_gap_and_accessibility() {
        let svg = chart(vec![
            series(
                "Tilburg",
                &[
                    ("2020", Some(10.0)),
                    ("2021", Some(11.5)),
                    ("2022", None),
                    ("2023", Some(12.34)),
                    ("2024", Some(12.0)),
                ],
                true,
            ),
            series(
                "Nederland",
                &[("2020", Some(8.0)), ("2024", Some(9.0))],
                false,
            ),
        ])
        .render();
        assert!(svg.starts_with("<svg "));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="trend-title trend-desc""#));
        assert!(
            svg.contains(r#"<title id="trend-title">Drugs &amp; &lt;ondermijning&gt;</title>"#)
        );
        assert!(svg.contains(r#"<desc id="trend-desc">"#));
        assert!(svg.contains("<title>Tilburg 2023: 12,3 per 1.000 inwoners</title>"));
        assert!(!svg.contains("Tilburg 2022"));

        // The emphasised line: two separate runs, no segment from 2021 to 2023.
        let emphasised = svg
            .split(r#"<path class="line s1""#)
            .nth(1)
            .and_then(|rest| rest.split(" d=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(emphasised.matches('M').count(), 2, "{emphasised}");
        assert_eq!(emphasised.matches('L').count(), 2, "{emphasised}");
        assert!(svg.contains(r#"stroke-width="3""#));
        // Nederland's 2021–2023 are absent periods: not joined either.
        let other = svg
            .split(r#"<path class="line s2""#)
            .nth(1)
            .and_then(|rest| rest.split(" d=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(other.matches('L').count(), 0, "{other}");
        // Legend and x labels.
        assert!(svg.contains(">Nederland</text>"));
        assert!(svg.contains(">2024</text>"));
        // Tidy y labels from zero.
        assert!(svg.contains(">0</text>"));
        assert!(svg.contains(">14</text>"));
        if let Ok(dir) = std::env::var("BAKEN_RENDER_SAMPLE_DIR") {
            let _ = std::fs::write(format!("{dir}/line.svg"), &svg);
        }
    }

    #[test]
    fn line_chart_negative_and_empty() {
        let svg = chart(vec![series(
            "Saldo",
            &[("2023", Some(-5.0)), ("2024", Some(3.0))],
            false,
        )])
        .render();
        assert!(svg.contains(">-6</text>"));
        let empty = chart(Vec::new()).render();
        assert!(empty.contains("<title id=\"trend-title\">"));
        assert!(empty.ends_with("</svg>"));
        let nothing = chart(vec![series(
            "Leeg",
            &[("2024", None), ("2025", Some(f64::NAN))],
            false,
        )])
        .render();
        assert!(!nothing.contains("<circle"));
    }
}
