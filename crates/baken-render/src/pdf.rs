//! PDF reports: headings, paragraphs, tables and the same SVG charts and maps the pages show,
//! laid out on A4 with the DejaVu fonts embedded (from the `dejavu` crate, so no system font
//! is needed). Text is selectable; SVG text is embedded as text too.
//!
//! Layout is deliberately simple: blocks flow down the page and move to the next page when
//! they do not fit; long paragraphs wrap at word boundaries using DejaVu Sans's average
//! advance, and table cells that are too wide are shortened with an ellipsis.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

use crate::RenderError;

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 48.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// DejaVu Sans's advance per em, on average over Dutch text: used to wrap and to fit cells.
const AVERAGE_ADVANCE: f32 = 0.56;

/// One block of a report, in reading order.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    /// Smaller, grey text: stamps, sources, caveats.
    Note(String),
    /// A table; `widths` are fractions of the text width, one per column.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        widths: Vec<f32>,
    },
    /// An SVG (a chart or a map) drawn at `width` (a fraction of the text width).
    Svg {
        markup: String,
        width: f32,
    },
}

/// A report: a title, the blocks, and a footer repeated on every page with its number.
#[derive(Debug, Clone)]
pub struct Report {
    pub title: String,
    /// BCP 47 language of the text (`nl`, `en`).
    pub language: String,
    pub footer: String,
    pub blocks: Vec<Block>,
}

/// What is drawn, once laid out.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        grey: bool,
        text: String,
    },
    Rule {
        y: f32,
    },
    Svg {
        tree: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

fn text_width(text: &str, size: f32) -> f32 {
    text.chars().count() as f32 * size * AVERAGE_ADVANCE
}

/// Splits `text` into lines no wider than `width`.
fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size) > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Shortens `text` with an ellipsis to fit `width`.
fn fit(text: &str, size: f32, width: f32) -> String {
    if text_width(text, size) <= width {
        return text.to_owned();
    }
    let keep = ((width / (size * AVERAGE_ADVANCE)) as usize).saturating_sub(1);
    let mut out: String = text.chars().take(keep).collect();
    out.push('…');
    out
}

/// Pages of drawing operations.
struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    /// Makes room for `height`, starting a new page when it does not fit.
    fn room(&mut self, height: f32) {
        if self.y + height > PAGE_H - MARGIN - 20.0 && self.y > MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, grey: bool, text: String) {
        let y = self.y + size;
        self.push(Op::Text {
            x,
            y,
            size,
            bold,
            grey,
            text,
        });
    }

    fn lines(&mut self, text: &str, size: f32, bold: bool, grey: bool) {
        for line in wrap(text, size, TEXT_W) {
            self.room(size * 1.4);
            self.text(MARGIN, size, bold, grey, line);
            self.y += size * 1.4;
        }
    }
}

fn fonts() -> Result<(Font, Font), RenderError> {
    let font = |bytes: &'static [u8]| {
        Font::new(bytes.into(), 0)
            .ok_or_else(|| RenderError::Export("the font cannot be read".into()))
    };
    Ok((font(dejavu::sans::regular())?, font(dejavu::sans::bold())?))
}

fn svg_options() -> usvg::Options<'static> {
    let mut options = usvg::Options {
        font_family: "DejaVu Sans".to_owned(),
        ..usvg::Options::default()
    };
    let db = options.fontdb_mut();
    db.load_font_data(dejavu::sans::regular().to_vec());
    db.load_font_data(dejavu::sans::bold().to_vec());
    db.set_sans_serif_family("DejaVu Sans");
    options
}

/// Lays the report out and writes it as PDF.
pub fn report(report: &Report) -> Result<Vec<u8>, RenderError> {
    let options = svg_options();
    let mut trees = Vec::new();
    let mut layout = Layout::new();
    layout.lines(&report.title, 20.0, true, false);
    layout.y += 6.0;
    for block in &report.blocks {
        match block {
            Block::Heading(text) => {
                layout.y += 8.0;
                // Keep a heading with at least a few lines of what follows.
                layout.room(14.0 * 1.4 + 60.0);
                layout.lines(text, 14.0, true, false);
                layout.y += 2.0;
            }
            Block::Paragraph(text) => {
                layout.lines(text, 10.0, false, false);
                layout.y += 4.0;
            }
            Block::Note(text) => {
                layout.lines(text, 8.0, false, true);
                layout.y += 3.0;
            }
            Block::Table {
                header,
                rows,
                widths,
            } => {
                let size = 8.5;
                let row_h = size * 1.6;
                let cols: Vec<(f32, f32)> = widths
                    .iter()
                    .scan(MARGIN, |x, w| {
                        let start = *x;
                        *x += w * TEXT_W;
                        Some((start, w * TEXT_W))
                    })
                    .collect();
                let draw_row = |layout: &mut Layout, cells: &[String], bold: bool| {
                    layout.room(row_h);
                    for ((x, w), cell) in cols.iter().zip(cells) {
                        layout.text(*x + 2.0, size, bold, false, fit(cell, size, w - 6.0));
                    }
                    layout.y += row_h;
                    layout.push(Op::Rule { y: layout.y - 3.0 });
                };
                draw_row(&mut layout, header, true);
                for row in rows {
                    let before = layout.pages.len();
                    layout.room(row_h);
                    if layout.pages.len() != before {
                        // A table continued on a new page repeats its header.
                        draw_row(&mut layout, header, true);
                    }
                    draw_row(&mut layout, row, false);
                }
                layout.y += 8.0;
            }
            Block::Svg { markup, width } => {
                let tree = usvg::Tree::from_str(markup, &options)
                    .map_err(|e| RenderError::Export(format!("an SVG cannot be read: {e}")))?;
                let w = TEXT_W * width.clamp(0.1, 1.0);
                let size = tree.size();
                let h = w * size.height() / size.width();
                // A map taller than a page is scaled to fit.
                let max_h = PAGE_H - 2.0 * MARGIN - 30.0;
                let (w, h) = if h > max_h {
                    (w * max_h / h, max_h)
                } else {
                    (w, h)
                };
                layout.room(h + 6.0);
                trees.push(tree);
                let y = layout.y;
                layout.push(Op::Svg {
                    tree: trees.len() - 1,
                    x: MARGIN,
                    y,
                    w,
                    h,
                });
                layout.y += h + 10.0;
            }
        }
    }

    let (regular, bold) = fonts()?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(report.title.clone())
            .language(report.language.clone())
            .creator("Baken".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| RenderError::Export("page size".into()))?;
    let count = layout.pages.len();
    for (n, ops) in layout.pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    grey,
                    text,
                } => {
                    let colour = if *grey {
                        rgb::Color::new(80, 80, 80)
                    } else {
                        rgb::Color::new(27, 27, 27)
                    };
                    surface.set_fill(Some(Fill {
                        paint: colour.into(),
                        ..Fill::default()
                    }));
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        if *b { bold.clone() } else { regular.clone() },
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rule { y } => {
                    let mut path = PathBuilder::new();
                    if let Some(r) = Rect::from_xywh(MARGIN, *y, TEXT_W, 0.5) {
                        path.push_rect(r);
                    }
                    if let Some(path) = path.finish() {
                        surface.set_fill(Some(Fill {
                            paint: rgb::Color::new(200, 212, 227).into(),
                            ..Fill::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Svg { tree, x, y, w, h } => {
                    if let (Some(tree), Some(size)) = (trees.get(*tree), Size::from_wh(*w, *h)) {
                        surface.push_transform(&Transform::from_translate(*x, *y));
                        surface.draw_svg(tree, size, SvgSettings::default());
                        surface.pop();
                    }
                }
            }
        }
        // The footer: what this is and the page number.
        surface.set_fill(Some(Fill {
            paint: rgb::Color::new(80, 80, 80).into(),
            ..Fill::default()
        }));
        let footer = format!("{} · {}/{}", report.footer, n + 1, count);
        surface.draw_text(
            Point::from_xy(MARGIN, PAGE_H - MARGIN / 2.0),
            regular.clone(),
            7.5,
            &fit(&footer, 7.5, TEXT_W),
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| RenderError::Export(format!("the PDF cannot be written: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_with_text_a_long_table_and_a_chart_is_a_pdf_of_several_pages() {
        let chart = crate::chart::LineChart {
            id_prefix: "t",
            title: "Trend",
            description: "Per jaar",
            unit: "per 1.000 inwoners",
            decimals: 1,
            lang: crate::format::Lang::Nl,
            series: vec![crate::chart::Series {
                name: "Tilburg".into(),
                points: vec![("2023".into(), Some(4.0)), ("2024".into(), Some(5.5))],
                emphasis: true,
            }],
        }
        .render();
        let rows: Vec<Vec<String>> = (0..120)
            .map(|i| vec![format!("Gemeente {i} met een lange naam"), format!("{i},5")])
            .collect();
        let pdf = report(&Report {
            title: "Zicht op Tilburg".into(),
            language: "nl".into(),
            footer: "Baken · Bron: CBS, CC-BY 4.0".into(),
            blocks: vec![
                Block::Heading("Wat valt op".into()),
                Block::Paragraph("Coöperatie één ".repeat(60)),
                Block::Svg {
                    markup: chart,
                    width: 0.8,
                },
                Block::Table {
                    header: vec!["Gemeente".into(), "Waarde".into()],
                    rows,
                    widths: vec![0.7, 0.3],
                },
                Block::Note("Aantallen onder 10 zijn afgeschermd.".into()),
            ],
        })
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        if let Ok(dir) = std::env::var("BAKEN_RENDER_SAMPLE_DIR") {
            std::fs::write(std::path::Path::new(&dir).join("report.pdf"), &pdf).unwrap();
        }
        let text = String::from_utf8_lossy(&pdf);
        // The page tree counts the pages: the long table runs over several.
        let pages: u32 = text
            .split("/Count ")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(pages >= 3, "{pages} pages");
        assert!(text.contains("DejaVu"), "the font is embedded");
        assert!(wrap("een twee drie vier", 10.0, 60.0).len() > 1);
        assert_eq!(
            fit("abcdefghijklmnopqrstuvwxyz", 10.0, 50.0).chars().last(),
            Some('…')
        );
    }

    #[test]
    fn a_broken_svg_is_an_error_not_a_panic() {
        let err = report(&Report {
            title: "x".into(),
            language: "nl".into(),
            footer: String::new(),
            blocks: vec![Block::Svg {
                markup: "<svg".into(),
                width: 1.0,
            }],
        })
        .unwrap_err();
        assert!(err.to_string().contains("SVG"));
    }
}
