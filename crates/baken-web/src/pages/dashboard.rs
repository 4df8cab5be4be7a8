//! The dashboards (`/zicht`): a municipality's overview with what stands out, a page per
//! theme with every indicator beside the Netherlands, the RIEC region, the province and the
//! peers, a trend chart and a map, a comparison of up to five municipalities, and exports.
//! Figures are aggregates only; small counts are hidden by the domain's disclosure control.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use baken_domain::area::{AreaCode, AreaLevel};
use baken_domain::dashboard::compare::standouts;
use baken_domain::dashboard::{
    Comparison, Concern, Figure, Indicator, IndicatorYear, Origin, Standout, Theme, Unit,
};
use baken_render::chart::{LineChart, Series};
use baken_render::map::{Choropleth, MapValue};
use serde::Deserialize;

use crate::AppState;
use crate::context::SignedIn;
use crate::dashboard::{check_level, known_area};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::see_other;
use crate::pages::shell::Shell;

fn render_lang(lang: Lang) -> baken_render::format::Lang {
    match lang {
        Lang::Nl => baken_render::format::Lang::Nl,
        Lang::En | Lang::De | Lang::Fr => baken_render::format::Lang::En,
    }
}

/// A figure as text: the number, "–" when there is none, and when hidden "< 10" for a count
/// or "afgeschermd" for a rate (whose unit the threshold is not in).
pub(crate) fn figure_text(
    figure: Figure,
    indicator: &Indicator,
    threshold: u32,
    lang: Lang,
) -> String {
    match figure {
        Figure::Value(v) => baken_render::format::number(v, indicator.decimals, render_lang(lang)),
        Figure::Suppressed if indicator.unit == Unit::Aantal => format!("< {threshold}"),
        Figure::Suppressed | Figure::Withheld => lang.t("zicht-suppressed-short"),
        Figure::Missing => "–".to_owned(),
    }
}

fn value_text(value: Option<f64>, decimals: usize, lang: Lang) -> String {
    value.map_or_else(
        || "–".to_owned(),
        |v| baken_render::format::number(v, decimals, render_lang(lang)),
    )
}

pub(crate) fn unit_label(indicator: &Indicator, lang: Lang) -> String {
    lang.t(&format!("unit-{}", indicator.unit.code()))
}

fn theme_label(theme: Theme, lang: Lang) -> String {
    lang.t(&format!("theme-{}", theme.code()))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AreaQuery {
    pub gebied: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct YearQuery {
    pub jaar: Option<String>,
}

pub struct AreaOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

pub struct ThemeLink {
    pub code: &'static str,
    pub label: String,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "zicht_index.html")]
struct IndexPage {
    shell: Shell,
    groups: Vec<(String, Vec<AreaOption>)>,
    themes: Vec<ThemeLink>,
}

/// `/zicht`: choose an area; `?gebied=` goes straight to its overview.
pub(crate) async fn index(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<AreaQuery>,
) -> Result<Response, AppError> {
    if let Some(code) = q.gebied.as_deref().filter(|c| !c.trim().is_empty()) {
        let area = known_area(&state.store, code).await?;
        return Ok(see_other(&format!("/zicht/{}", area.area.code)));
    }
    let own = state
        .store
        .organisation_by_code(actor.org_code().as_str())
        .await?
        .and_then(|o| o.municipality_code);
    // Grouped: the Netherlands, RIEC regions (police units), provinces, municipalities.
    let names = state.dashboards.area_names(&state.store).await?;
    let mut groups: Vec<(String, Vec<AreaOption>)> = Vec::new();
    for (prefix, label) in [
        ("NL", "level-land"),
        ("RE", "level-politie-eenheid"),
        ("PV", "level-provincie"),
        ("GM", "level-gemeente"),
    ] {
        let mut options: Vec<AreaOption> = names
            .iter()
            .filter(|(code, _)| code.starts_with(prefix))
            .map(|(code, name)| AreaOption {
                code: code.clone(),
                name: name.clone(),
                selected: match &own {
                    Some(own) => own == code,
                    None => code == "NL01",
                },
            })
            .collect();
        options.sort_by(|a, b| a.name.cmp(&b.name));
        groups.push((ctx.lang.t(label), options));
    }
    let themes = state
        .dashboards
        .catalogue
        .themes()
        .into_iter()
        .map(|t| ThemeLink {
            code: t.code(),
            label: theme_label(t, ctx.lang),
            count: state.dashboards.catalogue.of_theme(t).count(),
        })
        .collect();
    let page = IndexPage {
        shell: Shell::build(&state, &ctx, "zicht-title").await,
        groups,
        themes,
    };
    Ok(Html(page.render()?).into_response())
}

/// One indicator's line on the overview.
pub struct SummaryRow {
    pub name: String,
    pub value: String,
    pub national: String,
    pub unit: String,
    pub synthetic: bool,
}

pub struct ThemeSummary {
    pub code: &'static str,
    pub label: String,
    pub rows: Vec<SummaryRow>,
}

#[derive(Template)]
#[template(path = "zicht_area.html")]
struct AreaPage {
    shell: Shell,
    code: String,
    name: String,
    level: String,
    peers: Option<String>,
    standouts: Vec<String>,
    themes: Vec<ThemeSummary>,
    can_export: bool,
}

/// Says a standout in words: "Hennepkwekerijen per 10.000 inwoners: 3,2 tegen 1,1 gemiddeld
/// bij vergelijkbare gemeenten (2,4 standaarddeviaties hoger)".
pub(crate) fn standout_text(s: &Standout, indicator: &Indicator, lang: Lang) -> String {
    let l = render_lang(lang);
    lang.t_args(
        if s.z_score > 0.0 {
            "zicht-standout-higher"
        } else {
            "zicht-standout-lower"
        },
        &[
            ("indicator", indicator.name.get(lang.code()).to_owned()),
            (
                "value",
                baken_render::format::number(s.value, indicator.decimals, l),
            ),
            ("unit", unit_label(indicator, lang)),
            (
                "peers",
                baken_render::format::number(s.peer_mean, indicator.decimals, l),
            ),
            ("z", baken_render::format::number(s.z_score.abs(), 1, l)),
        ],
    )
}

/// The standouts of a municipality in the latest year of each indicator.
pub(crate) async fn area_standouts(
    state: &AppState,
    area: &AreaCode,
) -> Result<Vec<(Standout, String)>, AppError> {
    let mut candidates = Vec::new();
    let mut years = std::collections::HashMap::new();
    for indicator in &state.dashboards.catalogue.indicators {
        if !indicator.has_level(area.level()) || indicator.concern == Concern::Neutraal {
            continue;
        }
        let Some((year, figures)) = state.dashboards.latest(&state.store, indicator).await? else {
            continue;
        };
        let cmp = figures.compare(area);
        if let (Some(value), Some(z), Some(peer_mean)) =
            (figures.figure(area).value(), cmp.z_score, cmp.peer_mean)
        {
            candidates.push(Standout {
                indicator: indicator.id.clone(),
                value,
                peer_mean,
                z_score: z,
            });
            years.insert(indicator.id.clone(), year);
        }
    }
    Ok(standouts(candidates, 6)
        .into_iter()
        .map(|s| {
            let year = years.get(&s.indicator).cloned().unwrap_or_default();
            (s, year)
        })
        .collect())
}

/// `/zicht/{code}`: every theme at a glance and what stands out.
pub(crate) async fn area_overview(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let detail = known_area(&state.store, &code).await?;
    let area = AreaCode::parse(&detail.area.code).map_err(|e| AppError::Internal(e.to_string()))?;
    let catalogue = &state.dashboards.catalogue;
    let mut themes = Vec::new();
    for theme in catalogue.themes() {
        let mut rows = Vec::new();
        for indicator in catalogue
            .of_theme(theme)
            .filter(|i| i.has_level(area.level()))
        {
            let Some((year, figures)) = state.dashboards.latest(&state.store, indicator).await?
            else {
                continue;
            };
            let cmp = figures.compare(&area);
            rows.push(SummaryRow {
                name: format!("{} ({year})", indicator.name.get(lang.code())),
                value: figure_text(figures.figure(&area), indicator, figures.threshold, lang),
                national: value_text(cmp.national, indicator.decimals, lang),
                unit: unit_label(indicator, lang),
                synthetic: indicator.origin == Origin::Synthetisch,
            });
            if rows.len() == 5 {
                break;
            }
        }
        themes.push(ThemeSummary {
            code: theme.code(),
            label: theme_label(theme, lang),
            rows,
        });
    }
    let standouts = if area.level() == AreaLevel::Municipality {
        area_standouts(&state, &area)
            .await?
            .iter()
            .filter_map(|(s, year)| {
                catalogue
                    .get(&s.indicator)
                    .map(|i| format!("{} ({year})", standout_text(s, i, lang)))
            })
            .collect()
    } else {
        Vec::new()
    };
    let peers = state
        .dashboards
        .municipalities(&state.store)
        .await?
        .iter()
        .find(|m| m.code == area)
        .and_then(|m| m.peer_group())
        .map(|g| g.label(lang.code()));
    let mut shell = Shell::build(&state, &ctx, "zicht-title").await;
    shell.title = lang.t_args("zicht-area-title", &[("area", detail.area.name.clone())]);
    let page = AreaPage {
        shell,
        code: detail.area.code.clone(),
        name: detail.area.name.clone(),
        level: lang.t(&format!("level-{}", area.level().code())),
        peers,
        standouts,
        themes,
        can_export: actor.can(baken_domain::auth::Permission::ExportDashboard),
    };
    Ok(Html(page.render()?).into_response())
}

/// One indicator on a theme page.
pub struct IndicatorCard {
    pub id: String,
    pub name: String,
    pub definition: String,
    pub caveat: String,
    pub unit: String,
    pub synthetic: bool,
    /// Made from an organisation's own data.
    pub own: bool,
    pub source: String,
    pub licence: String,
    pub year: String,
    /// Why there is no figure for the chosen year, if there is none.
    pub no_data: Option<String>,
    pub value: String,
    pub suppressed: bool,
    pub comparisons: Vec<(String, String)>,
    pub rank: Option<String>,
    pub trend_svg: String,
    pub trend_rows: Vec<(String, String, String)>,
    pub area_name: String,
    pub map_svg: Option<String>,
    pub map_rows: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "zicht_theme.html")]
struct ThemePage {
    shell: Shell,
    code: String,
    theme: &'static str,
    themes: Vec<ThemeLink>,
    years: Vec<(String, bool)>,
    year: String,
    /// The indicators, rendered once per area, theme, year, language and export right.
    cards_html: std::sync::Arc<String>,
    /// The organisation's own indicators of the theme, rendered for this request.
    own_html: Option<String>,
}

/// The indicators of a theme page: the part that is the same for every user.
#[derive(Template)]
#[template(path = "zicht_cards.html")]
struct ThemeCards {
    i18n: Lang,
    theme: &'static str,
    year: String,
    cards: Vec<IndicatorCard>,
    /// The geometry of each map level used, once, for the maps to draw from.
    map_defs: Vec<String>,
    can_export: bool,
}

/// The comparisons of a card, labelled.
fn comparison_rows(
    cmp: &Comparison,
    indicator: &Indicator,
    facts: Option<(&str, &str, String)>,
    lang: Lang,
) -> Vec<(String, String)> {
    let d = indicator.decimals;
    let mut rows = vec![(lang.t("zicht-national"), value_text(cmp.national, d, lang))];
    if let Some((riec, province, peers)) = facts {
        if indicator.has_level(AreaLevel::PoliceUnit) {
            rows.push((
                lang.t_args("zicht-riec", &[("region", riec.to_owned())]),
                value_text(cmp.riec_region, d, lang),
            ));
        }
        if indicator.has_level(AreaLevel::Province) {
            rows.push((
                lang.t_args("zicht-province", &[("province", province.to_owned())]),
                value_text(cmp.province, d, lang),
            ));
        }
        rows.push((
            lang.t_args("zicht-peers", &[("group", peers)]),
            value_text(cmp.peers, d, lang),
        ));
    }
    rows
}

/// `/zicht/{code}/{theme}?jaar=`: every indicator of a theme for one area and year.
pub(crate) async fn theme_page(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path((code, theme_code)): Path<(String, String)>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let detail = known_area(&state.store, &code).await?;
    let area = AreaCode::parse(&detail.area.code).map_err(|e| AppError::Internal(e.to_string()))?;
    let catalogue = &state.dashboards.catalogue;
    let theme = Theme::from_code(&theme_code).ok_or_else(|| AppError::Absent {
        detail: format!(
            "unknown theme {theme_code:?}; themes: {}",
            catalogue
                .themes()
                .iter()
                .map(|t| t.code())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })?;
    let indicators: Vec<&Indicator> = catalogue
        .of_theme(theme)
        .filter(|i| i.has_level(area.level()))
        .collect();
    if indicators.is_empty()
        && let Some(first) = catalogue.of_theme(theme).next()
    {
        // No indicator of this theme is shown at this level: say at which levels they are.
        check_level(first, &area)?;
    }
    // The years of the theme: those of any of its indicators.
    // The organisation's own indicators of this theme (and those shared with it): read with
    // the actor's rights every time, never cached.
    let own: Vec<Indicator> = state
        .store
        .own_indicators(&actor)
        .await?
        .into_iter()
        .map(|o| o.indicator)
        .filter(|i| i.theme == theme && i.has_level(area.level()))
        .collect();
    let mut all_years = BTreeSet::new();
    for i in &own {
        all_years.extend(state.store.own_indicator_years(i).await?);
    }
    for i in &indicators {
        all_years.extend(
            state
                .dashboards
                .years(&state.store, i)
                .await?
                .iter()
                .cloned(),
        );
    }
    let year = match q.jaar.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) if all_years.contains(y) => y.to_owned(),
        Some(y) => {
            return Err(AppError::Absent {
                detail: format!(
                    "{}: no data for {y}; years with data: {}",
                    theme.code(),
                    all_years.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            });
        }
        None => all_years.last().cloned().unwrap_or_default(),
    };
    let can_export = actor.can(baken_domain::auth::Permission::ExportDashboard);
    let key = format!(
        "{area}/{}/{year}/{}/{can_export}",
        theme.code(),
        lang.code()
    );
    let cards_html = match state.dashboards.fragment(&state.store, &key).await? {
        Some(html) => html,
        None => {
            let cards = theme_cards(
                &state,
                crate::dashboard::Scope::Public,
                "",
                &detail,
                &area,
                theme,
                &indicators,
                &year,
                lang,
            )
            .await?;
            let html = std::sync::Arc::new(
                ThemeCards {
                    i18n: lang,
                    theme: theme.code(),
                    year: year.clone(),
                    cards: cards.0,
                    map_defs: cards.1,
                    can_export,
                }
                .render()?,
            );
            state.dashboards.keep_fragment(key, html.clone());
            html
        }
    };
    let own_html = if own.is_empty() {
        None
    } else {
        let refs: Vec<&Indicator> = own.iter().collect();
        let (cards, map_defs) = theme_cards(
            &state,
            crate::dashboard::Scope::Own(&actor),
            "eigen-",
            &detail,
            &area,
            theme,
            &refs,
            &year,
            lang,
        )
        .await?;
        Some(
            ThemeCards {
                i18n: lang,
                theme: theme.code(),
                year: year.clone(),
                cards,
                map_defs,
                can_export: false,
            }
            .render()?,
        )
    };
    let themes = catalogue
        .themes()
        .into_iter()
        .map(|t| ThemeLink {
            code: t.code(),
            label: theme_label(t, lang),
            count: catalogue.of_theme(t).count(),
        })
        .collect();
    let mut shell = Shell::build(&state, &ctx, "zicht-title").await;
    shell.title = format!("{} – {}", theme_label(theme, lang), detail.area.name);
    let page = ThemePage {
        own_html,
        shell,
        code: detail.area.code.clone(),
        theme: theme.code(),
        themes,
        years: all_years.iter().map(|y| (y.clone(), *y == year)).collect(),
        year,
        cards_html,
    };
    Ok(Html(page.render()?).into_response())
}

/// The cards of a theme page and the map geometry they draw from.
#[allow(clippy::too_many_arguments)]
async fn theme_cards(
    state: &AppState,
    scope: crate::dashboard::Scope<'_>,
    prefix: &str,
    detail: &baken_store::area::AreaDetail,
    area: &AreaCode,
    theme: Theme,
    indicators: &[&Indicator],
    year: &str,
    lang: Lang,
) -> Result<(Vec<IndicatorCard>, Vec<String>), AppError> {
    let area = area.clone();
    let year = year.to_owned();
    let names = state.dashboards.area_names(&state.store).await?;
    let municipalities = state.dashboards.municipalities(&state.store).await?;
    let facts = municipalities.iter().find(|m| m.code == area);
    let facts_labels = facts.map(|m| {
        let name = |c: &Option<AreaCode>| {
            c.as_ref()
                .and_then(|c| names.get(c.as_str()))
                .cloned()
                .unwrap_or_default()
        };
        (
            name(&m.police_unit),
            name(&m.province),
            m.peer_group()
                .map(|g| g.label(lang.code()))
                .unwrap_or_default(),
        )
    });
    let area_name = detail.area.name.clone();
    let mut cards = Vec::new();
    let mut map_defs: Vec<(AreaLevel, String)> = Vec::new();
    for (n, indicator) in indicators.iter().enumerate() {
        let years = state
            .dashboards
            .years_in(&state.store, scope, indicator)
            .await?;
        let name = indicator.name.get(lang.code()).to_owned();
        let unit = unit_label(indicator, lang);
        let mut card = IndicatorCard {
            id: indicator.id.clone(),
            name: name.clone(),
            definition: indicator.definition.get(lang.code()).to_owned(),
            caveat: indicator.caveat.get(lang.code()).to_owned(),
            unit: unit.clone(),
            synthetic: indicator.origin == Origin::Synthetisch,
            own: indicator.origin == Origin::Eigen,
            source: indicator.source.clone(),
            licence: indicator.licence.clone(),
            year: year.clone(),
            no_data: None,
            value: "–".into(),
            suppressed: false,
            comparisons: Vec::new(),
            rank: None,
            trend_svg: String::new(),
            trend_rows: Vec::new(),
            area_name: area_name.clone(),
            map_svg: None,
            map_rows: Vec::new(),
        };
        // The trend: every year of the indicator, for the area and the Netherlands.
        let nl = AreaCode::parse("NL01").map_err(|e| AppError::Internal(e.to_string()))?;
        let mut own_points = Vec::new();
        let mut nl_points = Vec::new();
        let mut chosen: Option<std::sync::Arc<IndicatorYear>> = None;
        for y in years.iter() {
            let figures = state
                .dashboards
                .figures_in(&state.store, scope, indicator, y)
                .await?;
            let own = figures.figure(&area);
            let national = figures.figure(&nl);
            own_points.push((y.clone(), own.value()));
            nl_points.push((y.clone(), national.value()));
            card.trend_rows.push((
                y.clone(),
                figure_text(own, indicator, figures.threshold, lang),
                figure_text(national, indicator, figures.threshold, lang),
            ));
            if *y == year {
                chosen = Some(figures);
            }
        }
        let mut series = vec![Series {
            name: area_name.clone(),
            points: own_points,
            emphasis: true,
        }];
        if area != nl && indicator.has_level(AreaLevel::Country) {
            series.push(Series {
                name: lang.t("zicht-national"),
                points: nl_points,
                emphasis: false,
            });
        }
        let trend_title = lang.t_args(
            "zicht-trend-title",
            &[("indicator", name.clone()), ("area", area_name.clone())],
        );
        let trend_desc = lang.t_args("zicht-trend-desc", &[("unit", unit.clone())]);
        card.trend_svg = LineChart {
            id_prefix: &format!("{prefix}trend-{n}"),
            title: &trend_title,
            description: &trend_desc,
            unit: &unit,
            decimals: indicator.decimals,
            lang: render_lang(lang),
            series,
        }
        .render();
        let Some(figures) = chosen else {
            card.no_data = Some(lang.t_args(
                "zicht-no-data-year",
                &[
                    ("year", year.clone()),
                    (
                        "years",
                        if years.is_empty() {
                            "–".to_owned()
                        } else {
                            years.join(", ")
                        },
                    ),
                ],
            ));
            cards.push(card);
            continue;
        };
        let own = figures.figure(&area);
        card.value = figure_text(own, indicator, figures.threshold, lang);
        card.suppressed = matches!(own, Figure::Suppressed | Figure::Withheld);
        let cmp = figures.compare(&area);
        card.comparisons = comparison_rows(
            &cmp,
            indicator,
            facts_labels
                .as_ref()
                .map(|(r, p, g)| (r.as_str(), p.as_str(), g.clone())),
            lang,
        );
        card.rank = cmp.rank.map(|(rank, of)| {
            lang.t_args(
                "zicht-rank",
                &[
                    ("rank", rank.to_string()),
                    ("of", of.to_string()),
                    ("percentile", value_text(cmp.percentile, 0, lang)),
                ],
            )
        });
        // The map, at the indicator's finest level.
        if let Some(level) = indicator.map_level()
            && let Some(shapes) = state.dashboards.shapes(&state.store, level).await?
        {
            let defs_prefix = format!("{prefix}vorm-{}", level.code());
            if !map_defs.iter().any(|(l, _)| *l == level) {
                map_defs.push((level, shapes.shared_defs(&defs_prefix)));
            }
            let values: Vec<(String, MapValue)> = figures
                .level(level)
                .map(|f| {
                    let v = match f.figure {
                        Figure::Value(v) => MapValue::Value(v),
                        Figure::Suppressed => {
                            MapValue::Suppressed(format!("< {}", figures.threshold))
                        }
                        Figure::Withheld => MapValue::Suppressed(String::new()),
                        Figure::Missing => MapValue::Missing,
                    };
                    (f.area.to_string(), v)
                })
                .collect();
            let mut rows: Vec<(String, String, String)> = figures
                .level(level)
                .map(|f| {
                    (
                        names
                            .get(f.area.as_str())
                            .cloned()
                            .unwrap_or_else(|| f.area.to_string()),
                        f.area.to_string(),
                        figure_text(f.figure, indicator, figures.threshold, lang),
                    )
                })
                .collect();
            rows.sort();
            card.map_rows = rows;
            let theme_path = theme.code();
            let year_param = year.clone();
            let href = move |c: &str| format!("/zicht/{c}/{theme_path}?jaar={year_param}");
            let map_title = lang.t_args(
                "zicht-map-title",
                &[("indicator", name.clone()), ("year", year.clone())],
            );
            let map_desc = lang.t_args("zicht-map-desc", &[("unit", unit.clone())]);
            let missing = lang.t("zicht-legend-missing");
            let suppressed = lang.t("zicht-legend-suppressed");
            card.map_svg = Some(
                Choropleth {
                    id_prefix: &format!("{prefix}map-{n}"),
                    title: &map_title,
                    description: &map_desc,
                    unit: &unit,
                    decimals: indicator.decimals,
                    lang: render_lang(lang),
                    values: &values,
                    selected: Some(area.as_str()),
                    href: &href,
                    legend_missing: &missing,
                    legend_suppressed: &suppressed,
                }
                .render_shared(&shapes, &defs_prefix),
            );
        }
        cards.push(card);
    }
    Ok((cards, map_defs.into_iter().map(|(_, d)| d).collect()))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CompareQuery {
    #[serde(default)]
    pub gebieden: String,
    pub thema: Option<String>,
    pub jaar: Option<String>,
    /// `csv` or `xlsx` downloads the table instead.
    pub formaat: Option<String>,
}

/// A table as a download, stamped; `None` when no format was asked for.
pub(crate) fn table_download(
    actor: &baken_store::Actor,
    format: Option<&str>,
    name: &str,
    stamp: &[String],
    header: &[String],
    rows: &[Vec<String>],
) -> Option<Result<Response, AppError>> {
    let format = format.map(str::trim).filter(|f| !f.is_empty())?;
    if !actor.can(baken_domain::auth::Permission::ExportDashboard) {
        return Some(Err(AppError::Forbidden));
    }
    let (body, content_type) = match format {
        "csv" => (
            baken_render::table::csv(stamp, header, rows),
            "text/csv; charset=utf-8",
        ),
        "xlsx" => match baken_render::table::xlsx(stamp, header, rows) {
            Ok(b) => (
                b,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            Err(e) => return Some(Err(AppError::Internal(e.to_string()))),
        },
        other => {
            return Some(Err(AppError::BadRequest {
                detail: format!("unknown format {other:?}; csv or xlsx"),
                params: vec![crate::error::InvalidParam {
                    name: "formaat".into(),
                    reason: "csv | xlsx".into(),
                }],
            }));
        }
    };
    Some(Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{format}\""),
            ),
        ],
        body,
    )
        .into_response()))
}

#[derive(Template)]
#[template(path = "zicht_compare.html")]
struct ComparePage {
    shell: Shell,
    areas: Vec<(String, String)>,
    options: Vec<AreaOption>,
    themes: Vec<(&'static str, String, bool)>,
    rows: Vec<(String, String, Vec<String>)>,
    query: String,
    /// The validated codes, for links.
    codes_param: String,
    can_export: bool,
}

/// The most municipalities a comparison shows.
pub const MAX_COMPARED: usize = 5;

/// `/zicht/vergelijk?gebieden=GM0855,GM0758&thema=drugs`: up to five side by side.
pub(crate) async fn compare(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<CompareQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let codes: Vec<&str> = q
        .gebieden
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    if codes.len() > MAX_COMPARED {
        return Err(AppError::BadRequest {
            detail: lang.t_args(
                "zicht-compare-too-many",
                &[("max", MAX_COMPARED.to_string())],
            ),
            params: vec![crate::error::InvalidParam {
                name: "gebieden".into(),
                reason: format!("at most {MAX_COMPARED}"),
            }],
        });
    }
    let mut areas = Vec::new();
    for c in &codes {
        let d = known_area(&state.store, c).await?;
        if !areas
            .iter()
            .any(|(code, _): &(String, String)| *code == d.area.code)
        {
            areas.push((d.area.code.clone(), d.area.name.clone()));
        }
    }
    let catalogue = &state.dashboards.catalogue;
    let theme = match q.thema.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => Some(Theme::from_code(t).ok_or_else(|| AppError::Absent {
            detail: format!("unknown theme {t:?}"),
        })?),
        None => None,
    };
    let mut rows = Vec::new();
    for indicator in catalogue
        .indicators
        .iter()
        .filter(|i| theme.is_none_or(|t| i.theme == t))
    {
        // The year asked for where the indicator has it, else its latest.
        let years = state.dashboards.years(&state.store, indicator).await?;
        let Some(year) = q
            .jaar
            .as_ref()
            .filter(|y| years.contains(y))
            .or(years.last())
            .cloned()
        else {
            continue;
        };
        let figures = state
            .dashboards
            .figures(&state.store, indicator, &year)
            .await?;
        let mut cells = Vec::new();
        for (code, _) in &areas {
            let area = AreaCode::parse(code).map_err(|e| AppError::Internal(e.to_string()))?;
            cells.push(if indicator.has_level(area.level()) {
                figure_text(figures.figure(&area), indicator, figures.threshold, lang)
            } else {
                "n.v.t.".to_owned()
            });
        }
        rows.push((
            format!("{} ({year})", indicator.name.get(lang.code())),
            unit_label(indicator, lang),
            cells,
        ));
    }
    let header: Vec<String> = std::iter::once(lang.t("zicht-indicator"))
        .chain(areas.iter().map(|(_, n)| n.clone()))
        .chain([lang.t("zicht-unit")])
        .collect();
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|(name, unit, cells)| {
            std::iter::once(name.clone())
                .chain(cells.iter().cloned())
                .chain([unit.clone()])
                .collect()
        })
        .collect();
    let stamp = vec![
        format!(
            "{}: {}",
            lang.t("zicht-compare-title"),
            areas
                .iter()
                .map(|(c, n)| format!("{n} ({c})"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "{}: {}",
            lang.t("export-made"),
            time::OffsetDateTime::now_utc().date()
        ),
        lang.t("zicht-report-synthetic"),
        lang.t_args("export-disclosure", &[("threshold", "10".to_owned())]),
    ];
    if let Some(download) = table_download(
        &actor,
        q.formaat.as_deref(),
        "baken-vergelijking",
        &stamp,
        &header,
        &table,
    ) {
        return download;
    }
    let municipalities = state.dashboards.municipalities(&state.store).await?;
    let mut options: Vec<AreaOption> = municipalities
        .iter()
        .map(|m| AreaOption {
            code: m.code.to_string(),
            name: m.name.clone(),
            selected: areas.iter().any(|(c, _)| *c == m.code.as_str()),
        })
        .collect();
    options.sort_by(|a, b| a.name.cmp(&b.name));
    let mut shell = Shell::build(&state, &ctx, "zicht-compare-title").await;
    shell.title = lang.t("zicht-compare-title");
    let codes_param = areas
        .iter()
        .map(|(c, _)| c.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let page = ComparePage {
        shell,
        areas,
        options,
        themes: catalogue
            .themes()
            .into_iter()
            .map(|t| (t.code(), theme_label(t, lang), Some(t) == theme))
            .collect(),
        rows,
        query: q.gebieden.clone(),
        codes_param,
        can_export: actor.can(baken_domain::auth::Permission::ExportDashboard),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ExportQuery {
    pub jaar: Option<String>,
}

/// The rows of an indicator's export: every area of every level it has, with the filters,
/// the data date and the source stamped above.
pub(crate) async fn export_rows(
    state: &AppState,
    indicator: &Indicator,
    year: &str,
    lang: Lang,
) -> Result<(Vec<String>, Vec<Vec<String>>), AppError> {
    let figures = state
        .dashboards
        .figures(&state.store, indicator, year)
        .await?;
    let names = state.dashboards.area_names(&state.store).await?;
    let header = vec![
        lang.t("export-area-code"),
        lang.t("export-area-name"),
        lang.t("export-level"),
        format!(
            "{} ({})",
            indicator.name.get(lang.code()),
            unit_label(indicator, lang)
        ),
    ];
    let mut rows = Vec::new();
    for level in indicator.area_levels() {
        for f in figures.level(level) {
            rows.push(vec![
                f.area.to_string(),
                names.get(f.area.as_str()).cloned().unwrap_or_default(),
                level.code().to_owned(),
                match f.figure {
                    Figure::Value(v) => {
                        baken_render::format::number(v, indicator.decimals, render_lang(lang))
                    }
                    other => figure_text(other, indicator, figures.threshold, lang),
                },
            ]);
        }
    }
    Ok((header, rows))
}

/// The stamp above every export: filters, data date and sources with licences.
pub(crate) fn export_stamp(
    indicator: &Indicator,
    year: &str,
    data_date: Option<i64>,
    lang: Lang,
) -> Vec<String> {
    let date = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp(ms / 1000)
            .map(|t| t.date().to_string())
            .unwrap_or_default()
    };
    vec![
        format!(
            "{}: {}",
            lang.t("export-indicator"),
            indicator.name.get(lang.code())
        ),
        format!("{}: {year}", lang.t("export-year")),
        format!(
            "{}: {}, {}",
            lang.t("export-source"),
            indicator.source,
            indicator.licence
        ),
        format!(
            "{}: {}",
            lang.t("export-data-date"),
            data_date.map(date).unwrap_or_else(|| "–".to_owned())
        ),
        format!(
            "{}: {}",
            lang.t("export-made"),
            time::OffsetDateTime::now_utc().date()
        ),
        lang.t_args(
            "export-disclosure",
            &[("threshold", indicator.threshold.to_string())],
        ),
    ]
}

/// `/zicht/export/{indicator}.csv` and `.xlsx`.
pub(crate) async fn export(
    State(state): State<AppState>,
    SignedIn(_actor, ctx): SignedIn,
    Path(file): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (id, kind) = file
        .rsplit_once('.')
        .filter(|(_, ext)| matches!(*ext, "csv" | "xlsx"))
        .ok_or_else(|| AppError::Absent {
            detail: "export as .csv or .xlsx".into(),
        })?;
    let indicator = state.dashboards.indicator(id)?;
    let year = state
        .dashboards
        .year(&state.store, indicator, q.jaar.as_deref())
        .await?
        .ok_or_else(|| AppError::Absent {
            detail: format!("{id}: no data in any year"),
        })?;
    let (header, rows) = export_rows(&state, indicator, &year, lang).await?;
    let data_date = state.store.data_date(&indicator.numerator.dataset).await?;
    let stamp = export_stamp(indicator, &year, data_date, lang);
    let name = format!("baken-{id}-{year}.{kind}");
    let (body, content_type) = if kind == "csv" {
        (
            baken_render::table::csv(&stamp, &header, &rows),
            "text/csv; charset=utf-8",
        )
    } else {
        (
            baken_render::table::xlsx(&stamp, &header, &rows)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// The dataset the sector analysis reads.
pub const SECTOR_DATASET: &str = "synth-branches";

/// An indicator made on the fly for one SBI code: a count of `measure`, or its rate per
/// 10,000 inhabitants; disclosure control as for every indicator.
fn sector_indicator(measure: &str, sbi: &str, rate: bool) -> Indicator {
    use baken_domain::dashboard::indicator::{Denominator, Text};
    let text = |s: &str| Text {
        nl: s.to_owned(),
        en: s.to_owned(),
    };
    Indicator {
        id: format!(
            "sector-{measure}-{sbi}-{}",
            if rate { "rate" } else { "count" }
        ),
        theme: Theme::Branches,
        name: text(&format!("SBI {sbi}: {measure}")),
        definition: text(measure),
        caveat: text("-"),
        unit: if rate {
            Unit::Per10000Inwoners
        } else {
            Unit::Aantal
        },
        scale: if rate { 10_000.0 } else { 1.0 },
        decimals: usize::from(rate),
        origin: Origin::Synthetisch,
        source: baken_import::synthetic::SYNTHETIC_SOURCE.to_owned(),
        licence: baken_import::synthetic::SYNTHETIC_LICENCE.to_owned(),
        levels: vec![
            "gemeente".into(),
            "politie-eenheid".into(),
            "provincie".into(),
            "land".into(),
        ],
        concern: Concern::Neutraal,
        threshold: 10,
        numerator: baken_domain::dashboard::Input {
            dataset: SECTOR_DATASET.to_owned(),
            measure: measure.to_owned(),
            category: if sbi.is_empty() {
                String::new()
            } else {
                format!("sbi: {sbi}")
            },
        },
        denominator: rate.then_some(Denominator {
            population: true,
            dataset: None,
            measure: None,
            category: None,
        }),
    }
}

/// One SBI code's line in the sector table.
pub struct SectorRow {
    pub code: String,
    pub description: String,
    pub drill: bool,
    pub active: String,
    pub rate: String,
    pub national: String,
    pub peers: String,
    pub opened: String,
    pub closed: String,
}

#[derive(Template)]
#[template(path = "zicht_sectors.html")]
struct SectorPage {
    shell: Shell,
    code: String,
    name: String,
    themes: Vec<ThemeLink>,
    years: Vec<(String, bool)>,
    year: String,
    sbi: String,
    trail: Vec<(String, String)>,
    rows: Vec<SectorRow>,
    crowded: Option<String>,
    churn_svg: String,
    churn_rows: Vec<(String, String, String)>,
    can_export: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SectorQuery {
    pub sbi: Option<String>,
    pub jaar: Option<String>,
    /// `csv` or `xlsx` downloads the table instead.
    pub formaat: Option<String>,
}

/// `/zicht/{code}/sectoren?sbi=96&jaar=2024`: establishments per SBI code against the
/// Netherlands and the peers, drilled down the SBI tree, with openings and closings.
pub(crate) async fn sectors(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(code): Path<String>,
    Query(q): Query<SectorQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let detail = known_area(&state.store, &code).await?;
    let area = AreaCode::parse(&detail.area.code).map_err(|e| AppError::Internal(e.to_string()))?;
    let store = &state.store;
    let dashboards = &state.dashboards;
    let total = sector_indicator("actief", "", true);
    check_level(&total, &area)?;
    let sbi = q
        .sbi
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    let node = if sbi.is_empty() {
        None
    } else {
        Some(
            store
                .sbi_code(&sbi)
                .await?
                .ok_or_else(|| AppError::Absent {
                    detail: format!("unknown SBI code {sbi:?}"),
                })?,
        )
    };
    let years = dashboards.years(store, &total).await?;
    let year = match q.jaar.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) if years.iter().any(|have| have == y) => y.to_owned(),
        Some(y) => {
            return Err(AppError::Absent {
                detail: format!(
                    "sector analysis: no data for {y}; years with data: {}",
                    years.join(", ")
                ),
            });
        }
        None => years.last().cloned().unwrap_or_default(),
    };
    let with_data = store.sbi_codes_with_data(SECTOR_DATASET, "actief").await?;
    let nodes: Vec<baken_store::dashboard::SbiNode> = match &node {
        None => {
            let mut out = Vec::new();
            for c in with_data.iter().filter(|c| c.len() == 2) {
                if let Some(n) = store.sbi_code(c).await? {
                    out.push(n);
                }
            }
            out
        }
        Some(n) => store
            .sbi_children(Some(&n.code))
            .await?
            .into_iter()
            .filter(|c| with_data.contains(&c.code))
            .collect(),
    };
    let count_text = |figures: &IndicatorYear, ind: &Indicator, a: &AreaCode| {
        figure_text(figures.figure(a), ind, figures.threshold, lang)
    };
    let mut rows = Vec::new();
    if !year.is_empty() {
        for n in &nodes {
            let active = sector_indicator("actief", &n.code, false);
            let rate = sector_indicator("actief", &n.code, true);
            let opened = sector_indicator("opgericht", &n.code, false);
            let closed = sector_indicator("opgeheven", &n.code, false);
            let f_active = dashboards.figures(store, &active, &year).await?;
            let f_rate = dashboards.figures(store, &rate, &year).await?;
            let f_opened = dashboards.figures(store, &opened, &year).await?;
            let f_closed = dashboards.figures(store, &closed, &year).await?;
            let cmp = f_rate.compare(&area);
            rows.push(SectorRow {
                code: n.code.clone(),
                description: n.description.clone(),
                drill: n.has_children && n.code.len() < 5,
                active: count_text(&f_active, &active, &area),
                rate: count_text(&f_rate, &rate, &area),
                national: value_text(cmp.national, 1, lang),
                peers: value_text(cmp.peers, 1, lang),
                opened: count_text(&f_opened, &opened, &area),
                closed: count_text(&f_closed, &closed, &area),
            });
        }
    }
    let header = vec![
        "SBI".to_owned(),
        lang.t("zicht-active"),
        lang.t("unit-per-10000-inwoners"),
        lang.t("zicht-national"),
        lang.t("zicht-peer-group"),
        lang.t("zicht-opened"),
        lang.t("zicht-closed"),
    ];
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                format!("{} {}", r.code, r.description),
                r.active.clone(),
                r.rate.clone(),
                r.national.clone(),
                r.peers.clone(),
                r.opened.clone(),
                r.closed.clone(),
            ]
        })
        .collect();
    let stamp = vec![
        format!(
            "{}: {} ({}), {year}",
            lang.t("zicht-sectors-title"),
            detail.area.name,
            detail.area.code
        ),
        format!(
            "{}: {}, {}",
            lang.t("export-source"),
            baken_import::synthetic::SYNTHETIC_SOURCE,
            baken_import::synthetic::SYNTHETIC_LICENCE
        ),
        format!(
            "{}: {}",
            lang.t("export-made"),
            time::OffsetDateTime::now_utc().date()
        ),
        lang.t_args("export-disclosure", &[("threshold", "10".to_owned())]),
    ];
    if let Some(download) = table_download(
        &actor,
        q.formaat.as_deref(),
        &format!("baken-sectoren-{}-{year}", detail.area.code),
        &stamp,
        &header,
        &table,
    ) {
        return download;
    }
    // Openings and closings over the years, for the chosen code (or all establishments).
    let (opened, closed) = (
        sector_indicator("opgericht", &sbi, false),
        sector_indicator("opgeheven", &sbi, false),
    );
    let mut churn_rows = Vec::new();
    let (mut open_points, mut close_points) = (Vec::new(), Vec::new());
    for y in years.iter() {
        let fo = dashboards.figures(store, &opened, y).await?;
        let fc = dashboards.figures(store, &closed, y).await?;
        open_points.push((y.clone(), fo.figure(&area).value()));
        close_points.push((y.clone(), fc.figure(&area).value()));
        churn_rows.push((
            y.clone(),
            count_text(&fo, &opened, &area),
            count_text(&fc, &closed, &area),
        ));
    }
    let label = node.as_ref().map_or_else(
        || lang.t("zicht-sectors-all"),
        |n| format!("SBI {} {}", n.code, n.description),
    );
    let churn_title = lang.t_args(
        "zicht-churn-title",
        &[
            ("sector", label.clone()),
            ("area", detail.area.name.clone()),
        ],
    );
    let churn_desc = lang.t("zicht-churn-desc");
    let churn_svg = LineChart {
        id_prefix: "churn",
        title: &churn_title,
        description: &churn_desc,
        unit: &lang.t("unit-aantal"),
        decimals: 0,
        lang: render_lang(lang),
        series: vec![
            Series {
                name: lang.t("zicht-opened"),
                points: open_points,
                emphasis: true,
            },
            Series {
                name: lang.t("zicht-closed"),
                points: close_points,
                emphasis: false,
            },
        ],
    }
    .render();
    // The crowded addresses: the catalogue's count.
    let crowded = match dashboards
        .catalogue
        .get("branches-adressen-met-veel-vestigingen")
    {
        Some(ind) if !year.is_empty() && dashboards.years(store, ind).await?.contains(&year) => {
            let f = dashboards.figures(store, ind, &year).await?;
            Some(lang.t_args(
                "zicht-crowded",
                &[
                    (
                        "count",
                        figure_text(f.figure(&area), ind, f.threshold, lang),
                    ),
                    (
                        "many",
                        baken_import::sector::MANY_AT_ONE_ADDRESS.to_string(),
                    ),
                    ("year", year.clone()),
                ],
            ))
        }
        _ => None,
    };
    // The trail from the top to the chosen code.
    let mut trail = Vec::new();
    let mut cursor = node.clone();
    while let Some(n) = cursor {
        if n.code.chars().all(|c| c.is_ascii_digit()) {
            trail.push((n.code.clone(), n.description.clone()));
        }
        cursor = match &n.parent {
            Some(p) => store.sbi_code(p).await?,
            None => None,
        };
    }
    trail.reverse();
    let catalogue = &dashboards.catalogue;
    let mut shell = Shell::build(&state, &ctx, "zicht-sectors-title").await;
    shell.title = format!("{} – {}", lang.t("zicht-sectors-title"), detail.area.name);
    let page = SectorPage {
        shell,
        code: detail.area.code.clone(),
        name: detail.area.name.clone(),
        themes: catalogue
            .themes()
            .into_iter()
            .map(|t| ThemeLink {
                code: t.code(),
                label: theme_label(t, lang),
                count: catalogue.of_theme(t).count(),
            })
            .collect(),
        years: years.iter().map(|y| (y.clone(), *y == year)).collect(),
        year,
        sbi,
        trail,
        rows,
        crowded,
        churn_svg,
        churn_rows,
        can_export: actor.can(baken_domain::auth::Permission::ExportDashboard),
    };
    Ok(Html(page.render()?).into_response())
}

/// One own indicator in the list.
pub struct OwnRow {
    pub id: String,
    pub name: String,
    pub theme: String,
    pub theme_code: &'static str,
    pub org: String,
    pub own: bool,
    pub shared: bool,
}

/// A series to choose in the form: `dataset|measure|category` and its label.
pub struct SeriesOption {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "zicht_own.html")]
struct OwnPage {
    shell: Shell,
    rows: Vec<OwnRow>,
    series: Vec<SeriesOption>,
    themes: Vec<(&'static str, String)>,
    can_define: bool,
    own_area: String,
    errors: Vec<(String, String)>,
    form: OwnForm,
}

/// The form that defines an own indicator.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct OwnForm {
    #[serde(default)]
    pub naam: String,
    #[serde(default)]
    pub naam_en: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub thema: String,
    #[serde(default)]
    pub teller: String,
    /// geen, inwoners-1000, inwoners-10000, or a series (then a percentage).
    #[serde(default)]
    pub noemer: String,
    #[serde(default)]
    pub definitie: String,
    #[serde(default)]
    pub kanttekening: String,
    #[serde(default)]
    pub gedeeld: Option<String>,
}

async fn own_page_render(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &crate::context::RequestContext,
    errors: Vec<(String, String)>,
    form: OwnForm,
    notice: Option<&str>,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let rows = state
        .store
        .own_indicators(actor)
        .await?
        .into_iter()
        .map(|o| OwnRow {
            id: o.indicator.id.clone(),
            name: o.indicator.name.get(lang.code()).to_owned(),
            theme: theme_label(o.indicator.theme, lang),
            theme_code: o.indicator.theme.code(),
            org: o.org_name,
            own: o.own,
            shared: o.shared,
        })
        .collect();
    let series = state
        .store
        .own_series(actor)
        .await?
        .into_iter()
        .map(|s| SeriesOption {
            value: format!("{}|{}|{}", s.dataset, s.measure, s.category),
            label: format!(
                "{} – {}{}",
                s.title,
                s.measure,
                if s.category.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", s.category)
                }
            ),
        })
        .collect();
    let own_area = state
        .store
        .organisation_by_code(actor.org_code().as_str())
        .await?
        .and_then(|o| o.municipality_code)
        .unwrap_or_else(|| "NL01".to_owned());
    let mut shell = Shell::build(state, ctx, "zicht-own-title")
        .await
        .with_notice(notice);
    shell.title = lang.t("zicht-own-title");
    let page = OwnPage {
        shell,
        rows,
        series,
        themes: Theme::ALL
            .into_iter()
            .map(|t| (t.code(), theme_label(t, lang)))
            .collect(),
        can_define: actor.can(baken_domain::auth::Permission::DefineIndicators),
        own_area,
        errors,
        form,
    };
    Ok(page.render()?)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NoticeQuery {
    pub melding: Option<String>,
}

/// `/zicht/eigen`: the organisation's own indicators, those shared with it, and the form.
pub(crate) async fn own_indicators(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let html = own_page_render(
        &state,
        &actor,
        &ctx,
        Vec::new(),
        OwnForm::default(),
        q.melding.as_deref(),
    )
    .await?;
    Ok(Html(html).into_response())
}

fn split_series(value: &str) -> Option<baken_domain::dashboard::Input> {
    let mut parts = value.splitn(3, '|');
    Some(baken_domain::dashboard::Input {
        dataset: parts.next()?.to_owned(),
        measure: parts.next()?.to_owned(),
        category: parts.next()?.to_owned(),
    })
}

/// `POST /zicht/eigen`: defines an indicator; problems are shown beside the form.
pub(crate) async fn define_own(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    axum::Form(form): axum::Form<OwnForm>,
) -> Result<Response, AppError> {
    use baken_domain::dashboard::indicator::{Denominator, Text};
    let lang = ctx.lang;
    let mut errors = Vec::new();
    let theme = Theme::from_code(form.thema.trim());
    if theme.is_none() {
        errors.push(("thema".to_owned(), lang.t("zicht-own-error-theme")));
    }
    let numerator = split_series(&form.teller);
    if numerator.is_none() {
        errors.push(("teller".to_owned(), lang.t("zicht-own-error-series")));
    }
    if form.naam.trim().is_empty() || form.naam.chars().count() > 120 {
        errors.push(("naam".to_owned(), lang.t("zicht-own-error-name")));
    }
    let (unit, scale, denominator) = match form.noemer.trim() {
        "" | "geen" => (Unit::Aantal, 1.0, None),
        "inwoners-1000" => (
            Unit::Per1000Inwoners,
            1000.0,
            Some(Denominator {
                population: true,
                dataset: None,
                measure: None,
                category: None,
            }),
        ),
        "inwoners-10000" => (
            Unit::Per10000Inwoners,
            10_000.0,
            Some(Denominator {
                population: true,
                dataset: None,
                measure: None,
                category: None,
            }),
        ),
        series => match split_series(series) {
            Some(d) => (
                Unit::Procent,
                100.0,
                Some(Denominator {
                    population: false,
                    dataset: Some(d.dataset),
                    measure: Some(d.measure),
                    category: Some(d.category),
                }),
            ),
            None => {
                errors.push(("noemer".to_owned(), lang.t("zicht-own-error-series")));
                (Unit::Aantal, 1.0, None)
            }
        },
    };
    let (Some(theme), Some(numerator), true) = (theme, numerator, errors.is_empty()) else {
        let html = own_page_render(&state, &actor, &ctx, errors, form, None).await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    };
    let text = |nl: &str, en: &str| Text {
        nl: nl.trim().to_owned(),
        en: if en.trim().is_empty() {
            nl.trim().to_owned()
        } else {
            en.trim().to_owned()
        },
    };
    let definition = if form.definitie.trim().is_empty() {
        form.naam.clone()
    } else {
        form.definitie.clone()
    };
    let caveat = if form.kanttekening.trim().is_empty() {
        lang.t("zicht-own-default-caveat")
    } else {
        form.kanttekening.clone()
    };
    let indicator = Indicator {
        id: String::new(),
        theme,
        name: text(&form.naam, &form.naam_en),
        definition: text(&definition, ""),
        caveat: text(&caveat, ""),
        unit,
        scale,
        decimals: if unit == Unit::Aantal { 0 } else { 1 },
        origin: Origin::Eigen,
        source: actor.org_name().to_owned(),
        licence: lang.t("zicht-own-licence"),
        levels: vec![
            "gemeente".into(),
            "politie-eenheid".into(),
            "provincie".into(),
            "land".into(),
        ],
        concern: Concern::Hoog,
        threshold: 10,
        numerator,
        denominator,
    };
    let shared = form.gedeeld.is_some();
    match state
        .store
        .define_indicator(&actor, indicator, form.code.trim(), shared)
        .await
    {
        Ok(_) => Ok(see_other("/zicht/eigen?melding=indicator-defined")),
        Err(baken_store::StoreError::Invalid { field, reason }) => {
            let html = own_page_render(
                &state,
                &actor,
                &ctx,
                vec![(field.to_owned(), reason)],
                form,
                None,
            )
            .await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(baken_store::StoreError::Conflict { .. }) => {
            let html = own_page_render(
                &state,
                &actor,
                &ctx,
                vec![("code".to_owned(), lang.t("zicht-own-error-taken"))],
                form,
                None,
            )
            .await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShareForm {
    #[serde(default)]
    pub gedeeld: Option<String>,
}

/// `POST /zicht/eigen/{id}/delen`: shares an own indicator with other organisations, or stops.
pub(crate) async fn share_own(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ShareForm>,
) -> Result<Response, AppError> {
    let shared = form.gedeeld.as_deref() == Some("1");
    state.store.share_indicator(&actor, &id, shared).await?;
    Ok(see_other("/zicht/eigen?melding=indicator-shared"))
}

/// `/zicht/{code}/rapport.pdf`: the municipality's dashboard as a PDF report, with what
/// stands out, every theme's figures beside the comparisons, trend charts and maps of the
/// indicators that stand out, and the sources with their licences.
pub(crate) async fn report_pdf(
    State(state): State<AppState>,
    SignedIn(_actor, ctx): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    use baken_render::pdf::{Block, Report};
    let lang = ctx.lang;
    let detail = known_area(&state.store, &code).await?;
    let area = AreaCode::parse(&detail.area.code).map_err(|e| AppError::Internal(e.to_string()))?;
    let catalogue = &state.dashboards.catalogue;
    let names = state.dashboards.area_names(&state.store).await?;
    let municipalities = state.dashboards.municipalities(&state.store).await?;
    let facts = municipalities.iter().find(|m| m.code == area);
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let mut blocks = vec![Block::Note(lang.t_args(
        "zicht-report-stamp",
        &[
            ("date", today.clone()),
            (
                "area",
                format!("{} ({})", detail.area.name, detail.area.code),
            ),
        ],
    ))];
    // What stands out, in words.
    let standouts = if area.level() == AreaLevel::Municipality {
        area_standouts(&state, &area).await?
    } else {
        Vec::new()
    };
    blocks.push(Block::Heading(lang.t("zicht-standouts")));
    if standouts.is_empty() {
        blocks.push(Block::Paragraph(lang.t("zicht-no-standouts")));
    }
    for (s, year) in &standouts {
        if let Some(i) = catalogue.get(&s.indicator) {
            blocks.push(Block::Paragraph(format!(
                "• {} ({year})",
                standout_text(s, i, lang)
            )));
        }
    }
    // Every theme: the figures beside the comparisons.
    let riec = facts
        .and_then(|m| m.police_unit.as_ref())
        .and_then(|c| names.get(c.as_str()))
        .cloned()
        .unwrap_or_default();
    let mut sources = BTreeSet::new();
    for theme in catalogue.themes() {
        let mut rows = Vec::new();
        for indicator in catalogue
            .of_theme(theme)
            .filter(|i| i.has_level(area.level()))
        {
            let Some((year, figures)) = state.dashboards.latest(&state.store, indicator).await?
            else {
                continue;
            };
            let cmp = figures.compare(&area);
            let d = indicator.decimals;
            rows.push(vec![
                format!(
                    "{} ({year}){}",
                    indicator.name.get(lang.code()),
                    if indicator.origin == Origin::Synthetisch {
                        " *"
                    } else {
                        ""
                    }
                ),
                figure_text(figures.figure(&area), indicator, figures.threshold, lang),
                value_text(cmp.national, d, lang),
                value_text(cmp.riec_region, d, lang),
                value_text(cmp.peers, d, lang),
                unit_label(indicator, lang),
            ]);
            sources.insert(format!("{} ({})", indicator.source, indicator.licence));
        }
        if rows.is_empty() {
            continue;
        }
        blocks.push(Block::Heading(theme_label(theme, lang)));
        blocks.push(Block::Table {
            header: vec![
                lang.t("zicht-indicator"),
                detail.area.name.clone(),
                lang.t("zicht-national"),
                lang.t_args("zicht-riec", &[("region", riec.clone())]),
                lang.t("zicht-peer-group"),
                lang.t("zicht-unit"),
            ],
            rows,
            widths: vec![0.40, 0.11, 0.11, 0.13, 0.11, 0.14],
        });
    }
    blocks.push(Block::Note(lang.t("zicht-report-synthetic")));
    // Charts and maps of what stands out (or of the first indicators when nothing does).
    let mut chosen: Vec<&Indicator> = standouts
        .iter()
        .filter_map(|(s, _)| catalogue.get(&s.indicator))
        .take(3)
        .collect();
    if chosen.is_empty() {
        chosen = catalogue
            .themes()
            .into_iter()
            .filter_map(|t| catalogue.of_theme(t).find(|i| i.has_level(area.level())))
            .take(2)
            .collect();
    }
    let shapes = state
        .dashboards
        .shapes(&state.store, AreaLevel::Municipality)
        .await?;
    let nl = AreaCode::parse("NL01").map_err(|e| AppError::Internal(e.to_string()))?;
    for (n, indicator) in chosen.into_iter().enumerate() {
        let years = state.dashboards.years(&state.store, indicator).await?;
        let Some(last) = years.last().cloned() else {
            continue;
        };
        let name = indicator.name.get(lang.code()).to_owned();
        let unit = unit_label(indicator, lang);
        let (mut own, mut national) = (Vec::new(), Vec::new());
        for y in years.iter() {
            let f = state.dashboards.figures(&state.store, indicator, y).await?;
            own.push((y.clone(), f.figure(&area).value()));
            national.push((y.clone(), f.figure(&nl).value()));
        }
        blocks.push(Block::Heading(name.clone()));
        blocks.push(Block::Note(indicator.caveat.get(lang.code()).to_owned()));
        let title = lang.t_args(
            "zicht-trend-title",
            &[
                ("indicator", name.clone()),
                ("area", detail.area.name.clone()),
            ],
        );
        blocks.push(Block::Svg {
            markup: LineChart {
                id_prefix: &format!("r-trend-{n}"),
                title: &title,
                description: &lang.t_args("zicht-trend-desc", &[("unit", unit.clone())]),
                unit: &unit,
                decimals: indicator.decimals,
                lang: render_lang(lang),
                series: vec![
                    Series {
                        name: detail.area.name.clone(),
                        points: own,
                        emphasis: true,
                    },
                    Series {
                        name: lang.t("zicht-national"),
                        points: national,
                        emphasis: false,
                    },
                ],
            }
            .render(),
            width: 0.9,
        });
        if let Some(shapes) = &shapes
            && indicator.map_level() == Some(AreaLevel::Municipality)
        {
            let figures = state
                .dashboards
                .figures(&state.store, indicator, &last)
                .await?;
            let values: Vec<(String, MapValue)> = figures
                .level(AreaLevel::Municipality)
                .map(|f| {
                    (
                        f.area.to_string(),
                        match f.figure {
                            Figure::Value(v) => MapValue::Value(v),
                            Figure::Suppressed | Figure::Withheld => {
                                MapValue::Suppressed(String::new())
                            }
                            Figure::Missing => MapValue::Missing,
                        },
                    )
                })
                .collect();
            let href = |c: &str| format!("/zicht/{c}");
            let map_title = lang.t_args(
                "zicht-map-title",
                &[("indicator", name.clone()), ("year", last.clone())],
            );
            blocks.push(Block::Svg {
                markup: Choropleth {
                    id_prefix: &format!("r-map-{n}"),
                    title: &map_title,
                    description: &lang.t_args("zicht-map-desc", &[("unit", unit.clone())]),
                    unit: &unit,
                    decimals: indicator.decimals,
                    lang: render_lang(lang),
                    values: &values,
                    selected: Some(area.as_str()),
                    href: &href,
                    legend_missing: &lang.t("zicht-legend-missing"),
                    legend_suppressed: &lang.t("zicht-legend-suppressed"),
                }
                .render(shapes),
                width: 0.75,
            });
        }
    }
    blocks.push(Block::Heading(lang.t("zicht-report-sources")));
    for s in sources {
        blocks.push(Block::Note(s));
    }
    let report = Report {
        title: lang.t_args("zicht-area-title", &[("area", detail.area.name.clone())]),
        language: lang.code().to_owned(),
        footer: format!("Baken · {} · {today}", detail.area.name),
        blocks,
    };
    let pdf = tokio::task::spawn_blocking(move || baken_render::pdf::report(&report))
        .await
        .map_err(|e| AppError::Internal(format!("report: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"baken-zicht-{}-{today}.pdf\"",
                    detail.area.code
                ),
            ),
        ],
        pdf,
    )
        .into_response())
}
