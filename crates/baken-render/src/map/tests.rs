use super::*;
use proptest::prelude::*;

fn square(lon: f64, lat: f64, size: f64) -> String {
    format!(
        "[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]",
        lon + size,
        lon + size,
        lat + size,
        lat + size
    )
}

/// A Polygon with a hole, a MultiPolygon of two squares, and two plain squares.
fn features() -> Vec<(String, String, String)> {
    vec![
        (
            "GM0518".to_owned(),
            "'s-Gravenhage & <x>".to_owned(),
            format!(
                r#"{{"type":"Polygon","coordinates":[{},{}]}}"#,
                square(4.0, 52.0, 1.0),
                square(4.25, 52.25, 0.5)
            ),
        ),
        (
            "GM0855".to_owned(),
            "Tilburg".to_owned(),
            format!(
                r#"{{"type":"MultiPolygon","coordinates":[[{}],[{}]]}}"#,
                square(5.0, 52.0, 1.0),
                square(6.0, 51.0, 0.5)
            ),
        ),
        (
            "GM0363".to_owned(),
            "Amsterdam".to_owned(),
            format!(
                r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}"#,
                square(4.5, 53.0, 0.5)
            ),
        ),
        (
            "GM0344".to_owned(),
            "Utrecht".to_owned(),
            format!(
                r#"{{"type":"Polygon","coordinates":[{}]}}"#,
                square(5.5, 53.0, 0.5)
            ),
        ),
    ]
}

/// Absolute points of path data as written by `path_data` (M absolute, l relative, z).
fn points(d: &str) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut current = (0.0, 0.0);
    let mut relative = false;
    let mut numbers: Vec<f64> = Vec::new();
    let mut token = String::new();
    let flush = |token: &mut String, numbers: &mut Vec<f64>| {
        if !token.is_empty() {
            numbers.push(token.parse().unwrap_or(f64::NAN));
            token.clear();
        }
    };
    for c in d.chars().chain(std::iter::once('z')) {
        match c {
            'M' | 'l' | 'z' => {
                flush(&mut token, &mut numbers);
                for pair in numbers.chunks(2) {
                    if let [x, y] = pair {
                        current = if relative {
                            (current.0 + x, current.1 + y)
                        } else {
                            (*x, *y)
                        };
                        out.push(current);
                    }
                }
                numbers.clear();
                relative = c == 'l';
            }
            '-' => {
                flush(&mut token, &mut numbers);
                token.push(c);
            }
            ' ' => flush(&mut token, &mut numbers),
            '.' if token.contains('.') => {
                flush(&mut token, &mut numbers);
                token.push(c);
            }
            c => token.push(c),
        }
    }
    out
}

#[test]
fn shapes_fit_the_view_box() {
    let shapes = MapShapes::from_geojson(&features()).expect("valid shapes");
    assert_eq!(shapes.len(), 4);
    assert!(!shapes.is_empty());
    assert!(shapes.contains("GM0855"));
    assert!(!shapes.contains("GM9999"));
    assert_eq!(shapes.name("GM0518"), Some("'s-Gravenhage & <x>"));
    let height = shapes.height();
    // 2.5° wide × cos(52°) against 2.5° high.
    assert!(height > MAP_WIDTH && height < MAP_WIDTH * 1.8, "{height}");
    let mut all = Vec::new();
    for area in &shapes.areas {
        let p = points(&area.path);
        assert!(!p.is_empty(), "{}", area.path);
        all.extend(p);
    }
    for (x, y) in &all {
        assert!((0.0..=MAP_WIDTH).contains(x), "{x}");
        assert!((0.0..=height).contains(y), "{y}");
    }
    let min_x = all.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let max_x = all.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    assert!((min_x - MARGIN).abs() < 0.11 && (max_x - (MAP_WIDTH - MARGIN)).abs() < 0.11);
    // The hole and both parts of the MultiPolygon are there: one M per ring.
    assert_eq!(shapes.areas[0].path.matches('M').count(), 2);
    assert_eq!(shapes.areas[1].path.matches('M').count(), 2);
    // Squares keep their four corners.
    assert_eq!(points(&shapes.areas[3].path).len(), 4);
}

#[test]
fn unreadable_geometry_names_the_area() {
    let mut bad = features();
    bad[1].2 = r#"{"type":"Point","coordinates":[5.0,52.0]}"#.to_owned();
    let error = MapShapes::from_geojson(&bad)
        .expect_err("a point is no area")
        .to_string();
    assert!(
        error.contains("GM0855") && error.contains("Tilburg"),
        "{error}"
    );
    assert!(error.contains("Point"), "{error}");

    for geometry in [
        "not json",
        r#"{"type":"Polygon"}"#,
        r#"{"type":"Polygon","coordinates":[[[5,52],[6,52],[5,52]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[5,52],[6,"x"],[6,53],[5,52]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[500,52],[6,52],[6,53],[500,52]]]}"#,
        r#"{"type":"MultiPolygon","coordinates":[]}"#,
    ] {
        bad[1].2 = geometry.to_owned();
        assert!(
            matches!(MapShapes::from_geojson(&bad), Err(RenderError::Geometry { ref code, .. }) if code == "GM0855"),
            "{geometry}"
        );
    }

    let mut duplicate = features();
    duplicate[2].0 = "GM0518".to_owned();
    assert!(matches!(
        MapShapes::from_geojson(&duplicate),
        Err(RenderError::DuplicateArea { .. })
    ));
    assert!(matches!(
        MapShapes::from_geojson(&[]),
        Err(RenderError::NoGeometry)
    ));
}

#[test]
fn compact_path_numbers() {
    assert_eq!(tenths(12), "1.2");
    assert_eq!(tenths(-3), "-.3");
    assert_eq!(tenths(20), "2");
    assert_eq!(tenths(0), "0");
    assert_eq!(tenths(-1234), "-123.4");
}

fn href(code: &str) -> String {
    format!("/zicht/{code}/drugs?jaar=2023&x=1")
}

#[test]
fn choropleth_links_classes_and_legend() {
    let shapes = MapShapes::from_geojson(&features()).expect("valid shapes");
    let values = vec![
        ("GM0518".to_owned(), MapValue::Value(12.34)),
        ("GM0855".to_owned(), MapValue::Value(1234.5)),
        ("GM0363".to_owned(), MapValue::Suppressed("< 10".to_owned())),
        ("GM9999".to_owned(), MapValue::Value(99.0)), // not on the map: ignored
    ];
    let map = Choropleth {
        id_prefix: "kaart",
        title: "Drugs & ondermijning",
        description: "Per gemeente, 2023",
        unit: "per 1.000 inwoners",
        decimals: 1,
        lang: Lang::Nl,
        values: &values,
        selected: Some("GM0855"),
        href: &href,
        legend_missing: "geen gegevens",
        legend_suppressed: "afgeschermd (< 10)",
    };
    let svg = map.render(&shapes);
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    assert!(svg.contains(r#"aria-labelledby="kaart-title kaart-desc""#));
    assert!(svg.contains(r#"<title id="kaart-title">Drugs &amp; ondermijning</title>"#));
    assert!(svg.contains(r#"<desc id="kaart-desc">Per gemeente, 2023</desc>"#));

    // Two areas with values and one suppressed are links; the missing one is not.
    assert_eq!(svg.matches("<a ").count(), 3);
    assert_eq!(svg.matches(r#"class="area""#).count(), 3);
    // The link's own <title> names it (for screen readers and as a tooltip).
    assert!(svg.contains(r#"<a href="/zicht/GM0855/drugs?jaar=2023&amp;x=1" class="area" aria-current="true"><title>Tilburg: 1.234,5 per 1.000 inwoners</title>"#));
    assert!(
        svg.contains("<title>&apos;s-Gravenhage &amp; &lt;x&gt;: 12,3 per 1.000 inwoners</title>")
    );
    assert!(!svg.contains("'s-Gravenhage"));
    assert!(!svg.contains("GM9999"));

    // Two values: two classes, spread to the lightest and darkest colour.
    assert!(svg.contains(r##"class="q1" fill="#eff3ff""##));
    assert!(svg.contains(r##"class="q5" fill="#08519c""##));

    // Suppressed: hatched, titled with the label.
    assert!(svg.contains(r#"<pattern id="kaart-hatch""#));
    assert!(svg.contains(r#"<title>Amsterdam: afgeschermd (&lt; 10)</title><path"#));
    assert!(svg.contains(r#"class="suppressed" fill="url(#kaart-hatch)"/>"#));
    // Missing: grey, not linked.
    assert!(
        svg.contains(r##"class="missing" fill="#e0e0e0"><title>Utrecht: geen gegevens</title>"##)
    );

    // Selected outline, drawn on top.
    assert_eq!(svg.matches("selected-outline").count(), 1);

    // Legend: class ranges and both swatches.
    assert!(svg.contains(">12,3</text>"));
    assert!(svg.contains(">1.234,5</text>"));
    assert!(svg.contains(">geen gegevens</text>"));
    assert!(svg.contains(">afgeschermd (&lt; 10)</text>"));
    assert!(svg.contains(">per 1.000 inwoners</text>"));
}

#[test]
fn shared_maps_draw_each_area_from_one_copy_of_the_geometry() {
    let shapes = MapShapes::from_geojson(&features()).expect("valid shapes");
    let values = vec![("GM0855".to_owned(), MapValue::Value(3.0))];
    let map = Choropleth {
        id_prefix: "k1",
        title: "t",
        description: "d",
        unit: "",
        decimals: 1,
        lang: Lang::Nl,
        values: &values,
        selected: Some("GM0855"),
        href: &href,
        legend_missing: "geen gegevens",
        legend_suppressed: "afgeschermd",
    };
    let defs = shapes.shared_defs("vormen");
    assert_eq!(defs.matches("<path id=\"vormen-").count(), shapes.len());
    let svg = map.render_shared(&shapes, "vormen");
    assert!(!svg.contains(" d=\""), "no geometry of its own");
    // Every area once, plus the selected outline.
    assert_eq!(svg.matches("<use href=\"#vormen-").count(), shapes.len());
    assert_eq!(
        svg.matches("class=\"selected-outline\" href=\"#vormen-GM0855\"")
            .count(),
        1
    );
    assert!(svg.contains("<use href=\"#vormen-GM0855\" class=\"q"));
    assert!(svg.len() < map.render(&shapes).len());
}

#[test]
fn choropleth_ranges_and_no_values() {
    let shapes = MapShapes::from_geojson(&features()).expect("valid shapes");
    let values: Vec<(String, MapValue)> = ["GM0518", "GM0855", "GM0363", "GM0344"]
        .iter()
        .zip([1.0, 2.0, 3.0, 4.0])
        .map(|(code, v)| ((*code).to_owned(), MapValue::Value(v)))
        .collect();
    let mut map = Choropleth {
        id_prefix: "k2",
        title: "T",
        description: "D",
        unit: "",
        decimals: 1,
        lang: Lang::En,
        values: &values,
        selected: None,
        href: &href,
        legend_missing: "no data",
        legend_suppressed: "suppressed",
    };
    let svg = map.render(&shapes);
    assert_eq!(svg.matches("<a ").count(), 4);
    assert!(svg.contains("<title>Tilburg: 2.0</title>"));
    assert!(!svg.contains("selected-outline"));
    assert!(!svg.contains("aria-current"));

    let none: Vec<(String, MapValue)> = vec![("GM0344".to_owned(), MapValue::Value(f64::NAN))];
    map.values = &none;
    let svg = map.render(&shapes);
    assert_eq!(svg.matches("<a ").count(), 0);
    assert_eq!(svg.matches(r#"class="missing""#).count(), 5); // four areas and the swatch
}

#[test]
fn quantile_examples() {
    assert_eq!(
        quantile_breaks(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 5),
        vec![3.0, 5.0, 7.0, 9.0]
    );
    assert_eq!(quantile_breaks(&[1.0, 1.0, 1.0, 2.0], 5), vec![2.0]);
    assert_eq!(quantile_breaks(&[7.0; 10], 5), Vec::<f64>::new());
    assert_eq!(quantile_breaks(&[], 5), Vec::<f64>::new());
    assert_eq!(quantile_breaks(&[f64::NAN, 1.0, 2.0], 5), vec![2.0]);
    assert_eq!(class_of(0.5, &[1.0, 2.0]), 0);
    assert_eq!(class_of(1.0, &[1.0, 2.0]), 1);
    assert_eq!(class_of(9.0, &[1.0, 2.0]), 2);
    assert_eq!(palette_index(0, 2), 0);
    assert_eq!(palette_index(1, 2), 4);
    assert_eq!(palette_index(1, 3), 2);
    assert_eq!(palette_index(3, 5), 3);
}

proptest! {
    #[test]
    fn quantile_properties(
        values in proptest::collection::vec(-1e6f64..1e6, 0..60),
        repeats in proptest::collection::vec(0usize..60, 0..20),
        k in 1usize..9,
    ) {
        // Mix in repeated values.
        let mut values = values;
        for r in repeats {
            if let Some(v) = values.get(r).copied() {
                values.push(v);
            }
        }
        let breaks = quantile_breaks(&values, k);
        prop_assert!(breaks.len() < k.max(1));
        prop_assert!(breaks.windows(2).all(|w| w[0] < w[1]), "{breaks:?}");
        let classes = breaks.len() + 1;
        let mut counts = vec![0usize; classes];
        for v in &values {
            let c = class_of(*v, &breaks);
            prop_assert!(c < classes);
            // Exactly one class: above its lower break, below the next.
            prop_assert!(c == 0 || breaks[c - 1] <= *v);
            prop_assert!(c == breaks.len() || *v < breaks[c]);
            counts[c] += 1;
        }
        if !values.is_empty() {
            prop_assert!(counts.iter().all(|n| *n > 0), "{breaks:?} {counts:?}");
        }
    }

    #[test]
    fn quantile_distinct_values_fill_all_classes(
        values in proptest::collection::btree_set(-1_000_000i64..1_000_000, 0..80),
        k in 2usize..8,
    ) {
        let values: Vec<f64> = values.into_iter().map(|v| v as f64 / 10.0).collect();
        let breaks = quantile_breaks(&values, k);
        let expected = if values.len() >= k { k - 1 } else { values.len().saturating_sub(1) };
        prop_assert_eq!(breaks.len(), expected);
        let mut counts = vec![0usize; breaks.len() + 1];
        for v in &values {
            counts[class_of(*v, &breaks)] += 1;
        }
        if !values.is_empty() {
            prop_assert!(counts.iter().all(|n| *n > 0));
        }
    }
}

/// Reads the shipped municipal boundaries: (code, name, geometry text).
fn municipalities() -> Vec<(String, String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/reference/gemeenten_2024_wgs84.geojson"
    );
    let text = std::fs::read_to_string(path).expect("boundaries file");
    let collection: Value = serde_json::from_str(&text).expect("valid GeoJSON");
    collection["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            let text = |key: &str| f["properties"][key].as_str().unwrap_or_default().to_owned();
            (
                text("gemeente_code"),
                text("gemeente_naam"),
                f["geometry"].to_string(),
            )
        })
        .collect()
}

#[test]
fn dutch_municipalities_2024() {
    let features = municipalities();
    let shapes = MapShapes::from_geojson(&features).expect("shipped boundaries are valid");
    assert_eq!(shapes.len(), 342);
    assert!(shapes.contains("GM0855") && shapes.contains("GM0363"));
    let bytes = shapes.path_bytes();
    println!(
        "342 municipalities: {bytes} bytes of path data, map height {}",
        shapes.height()
    );
    assert!(bytes < 80_000, "{bytes} bytes of path data");
    assert!(shapes.areas.iter().all(|a| !a.path.is_empty()));
    for area in &shapes.areas {
        for (x, y) in points(&area.path) {
            assert!((0.0..=MAP_WIDTH).contains(&x) && (0.0..=shapes.height()).contains(&y));
        }
    }

    let values: Vec<(String, MapValue)> = features
        .iter()
        .enumerate()
        .map(|(i, (code, _, _))| {
            let value = match i % 20 {
                0 => MapValue::Missing,
                1 => MapValue::Suppressed("< 10".to_owned()),
                _ => MapValue::Value(i as f64 * 0.37),
            };
            (code.clone(), value)
        })
        .collect();
    let svg = Choropleth {
        id_prefix: "nl",
        title: "Nederland",
        description: "Alle gemeenten",
        unit: "per 1.000 inwoners",
        decimals: 1,
        lang: Lang::Nl,
        values: &values,
        selected: Some("GM0855"),
        href: &href,
        legend_missing: "geen gegevens",
        legend_suppressed: "afgeschermd (< 10)",
    }
    .render(&shapes);
    let linked = values
        .iter()
        .filter(|(_, v)| !matches!(v, MapValue::Missing))
        .count();
    assert_eq!(svg.matches("<a ").count(), linked);
    for q in 1..=5 {
        assert!(svg.contains(&format!(r#"class="q{q}""#)));
    }
    println!("full map SVG: {} bytes", svg.len());
    if let Ok(dir) = std::env::var("BAKEN_RENDER_SAMPLE_DIR") {
        let _ = std::fs::write(format!("{dir}/nl.svg"), &svg);
    }
}
