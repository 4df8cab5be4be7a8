//! What people look at outside HTML: server-side SVG charts and choropleth maps, tables
//! exported as CSV and XLSX, and PDF reports that embed the same SVG.
//!
//! Every SVG produced here is self-contained and accessible: it carries a `<title>` and a
//! `<desc>` with ids derived from the caller's `id_prefix`, referenced by `aria-labelledby`.
//! Colours are set twice: as plain presentation attributes (so the SVG looks right standalone,
//! e.g. embedded in a PDF) and as class names (so the site stylesheet can theme them; see
//! [`STYLESHEET`] for rules using CSS custom properties).

pub mod chart;
pub mod format;
pub mod letter;
pub mod map;
pub mod pdf;
pub mod radar;
mod svg;
pub mod table;

pub use svg::escape;

/// Errors while preparing something to render.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// An area's geometry could not be read (bad JSON, wrong type, bad coordinates).
    #[error("geometry of area {code} ({name}) cannot be read: {reason}")]
    Geometry {
        code: String,
        name: String,
        reason: String,
    },
    /// The same area code appears twice.
    #[error("area {code} appears more than once")]
    DuplicateArea { code: String },
    /// No usable coordinates at all, so nothing can be fitted into a viewBox.
    #[error("no areas with usable coordinates to draw")]
    NoGeometry,
    /// A spreadsheet could not be written.
    #[error("the export cannot be written: {0}")]
    Export(String),
}

/// CSS rules that theme the SVGs through CSS custom properties (NL Design System style token
/// names). The fallbacks equal the inline presentation attributes, so including this is optional.
pub const STYLESHEET: &str = r#".baken-chart .grid { stroke: var(--baken-chart-grid, #d9d9d9); }
.baken-chart .axis { stroke: var(--baken-chart-axis, #595959); }
.baken-chart text { fill: var(--baken-chart-text, #333333); }
.baken-chart .s1 { stroke: var(--baken-chart-line, #1f5fa8); fill: var(--baken-chart-line, #1f5fa8); }
.baken-chart .s2 { stroke: var(--baken-chart-line-2, #d9730d); fill: var(--baken-chart-line-2, #d9730d); }
.baken-chart .s3 { stroke: var(--baken-chart-line-3, #2e8540); fill: var(--baken-chart-line-3, #2e8540); }
.baken-chart .s4 { stroke: var(--baken-chart-line-4, #8e44ad); fill: var(--baken-chart-line-4, #8e44ad); }
.baken-chart .s5 { stroke: var(--baken-chart-line-5, #7f7f7f); fill: var(--baken-chart-line-5, #7f7f7f); }
.baken-chart .s6 { stroke: var(--baken-chart-line-6, #b8860b); fill: var(--baken-chart-line-6, #b8860b); }
.baken-chart path.line { fill: none; }
.baken-map .q1 { fill: var(--baken-map-q1, #eff3ff); }
.baken-map .q2 { fill: var(--baken-map-q2, #bdd7e7); }
.baken-map .q3 { fill: var(--baken-map-q3, #6baed6); }
.baken-map .q4 { fill: var(--baken-map-q4, #3182bd); }
.baken-map .q5 { fill: var(--baken-map-q5, #08519c); }
.baken-map .missing { fill: var(--baken-map-missing, #e0e0e0); }
.baken-map .areas { stroke: var(--baken-map-border, #ffffff); }
.baken-map .selected-outline { stroke: var(--baken-map-selected, #000000); }
.baken-map text { fill: var(--baken-chart-text, #333333); }
.baken-map a.area:focus path, .baken-map a.area:hover path { stroke: var(--baken-focus-color, #000000); stroke-width: 3; }
.baken-map a.area:focus { outline: none; }
"#;
