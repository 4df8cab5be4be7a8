//! Comparing fairly: peer groups of municipalities alike in size and urbanity, ranks and
//! percentiles, and the deviations from the peers that deserve a look.

use serde::Serialize;

/// CBS size classes of municipalities (gemeentegrootte), by inhabitants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum SizeBand {
    Below10k,
    From10kTo20k,
    From20kTo50k,
    From50kTo100k,
    From100kTo150k,
    From150kTo250k,
    From250k,
}

impl SizeBand {
    pub fn of(population: i64) -> Self {
        match population {
            ..10_000 => Self::Below10k,
            10_000..20_000 => Self::From10kTo20k,
            20_000..50_000 => Self::From20kTo50k,
            50_000..100_000 => Self::From50kTo100k,
            100_000..150_000 => Self::From100kTo150k,
            150_000..250_000 => Self::From150kTo250k,
            _ => Self::From250k,
        }
    }

    /// "20.000 tot 50.000 inwoners" / "20,000 to 50,000 inhabitants".
    pub fn label(self, lang: &str) -> &'static str {
        let en = lang == "en";
        match (self, en) {
            (Self::Below10k, false) => "minder dan 10.000 inwoners",
            (Self::Below10k, true) => "fewer than 10,000 inhabitants",
            (Self::From10kTo20k, false) => "10.000 tot 20.000 inwoners",
            (Self::From10kTo20k, true) => "10,000 to 20,000 inhabitants",
            (Self::From20kTo50k, false) => "20.000 tot 50.000 inwoners",
            (Self::From20kTo50k, true) => "20,000 to 50,000 inhabitants",
            (Self::From50kTo100k, false) => "50.000 tot 100.000 inwoners",
            (Self::From50kTo100k, true) => "50,000 to 100,000 inhabitants",
            (Self::From100kTo150k, false) => "100.000 tot 150.000 inwoners",
            (Self::From100kTo150k, true) => "100,000 to 150,000 inhabitants",
            (Self::From150kTo250k, false) => "150.000 tot 250.000 inwoners",
            (Self::From150kTo250k, true) => "150,000 to 250,000 inhabitants",
            (Self::From250k, false) => "250.000 inwoners of meer",
            (Self::From250k, true) => "250,000 inhabitants or more",
        }
    }
}

/// Municipalities of the same urbanity class (CBS, 1 = very strongly urban … 5 = not urban)
/// and the same size band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PeerGroup {
    pub urbanity: u8,
    pub size: SizeBand,
}

impl PeerGroup {
    pub fn of(population: Option<i64>, urbanity: Option<u8>) -> Option<Self> {
        Some(Self {
            urbanity: urbanity.filter(|u| (1..=5).contains(u))?,
            size: SizeBand::of(population?),
        })
    }

    pub fn label(&self, lang: &str) -> String {
        let urban = match (self.urbanity, lang == "en") {
            (1, false) => "zeer sterk stedelijk",
            (2, false) => "sterk stedelijk",
            (3, false) => "matig stedelijk",
            (4, false) => "weinig stedelijk",
            (_, false) => "niet stedelijk",
            (1, true) => "very strongly urban",
            (2, true) => "strongly urban",
            (3, true) => "moderately urban",
            (4, true) => "hardly urban",
            (_, true) => "not urban",
        };
        format!("{urban}, {}", self.size.label(lang))
    }
}

/// Rank (1 = highest) and percentile (share of the others below) of `value` among `values`.
pub fn rank_and_percentile(value: f64, values: &[f64]) -> (usize, usize, f64) {
    let above = values.iter().filter(|v| **v > value).count();
    let below = values.iter().filter(|v| **v < value).count();
    let n = values.len();
    let percentile = if n > 1 {
        100.0 * below as f64 / (n - 1) as f64
    } else {
        50.0
    };
    (above + 1, n, percentile)
}

/// How far `value` lies from the others in standard deviations; `None` with fewer than three
/// others or when they do not vary.
pub fn z_score(value: f64, others: &[f64]) -> Option<f64> {
    if others.len() < 3 {
        return None;
    }
    let n = others.len() as f64;
    let mean = others.iter().sum::<f64>() / n;
    let var = others.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let sd = var.sqrt();
    (sd > f64::EPSILON * mean.abs().max(1.0)).then(|| (value - mean) / sd)
}

/// One area's figure beside the figures it is fairly compared with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub national: Option<f64>,
    pub riec_region: Option<f64>,
    pub province: Option<f64>,
    pub peers: Option<f64>,
    /// Rank among the areas of its level with a shown value (1 = highest), of how many.
    pub rank: Option<(usize, usize)>,
    pub percentile: Option<f64>,
    /// Deviation from the peers' values in standard deviations.
    pub z_score: Option<f64>,
    /// The peers' mean of the municipal values (unweighted), which the z-score is about.
    pub peer_mean: Option<f64>,
}

/// An indicator where a municipality deviates from its peers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standout {
    pub indicator: String,
    pub value: f64,
    pub peer_mean: f64,
    pub z_score: f64,
}

/// The standouts worth saying: |z| ≥ 1.5, largest first, at most `limit`.
pub fn standouts(mut candidates: Vec<Standout>, limit: usize) -> Vec<Standout> {
    candidates.retain(|s| s.z_score.abs() >= 1.5 && s.z_score.is_finite());
    candidates.sort_by(|a, b| b.z_score.abs().total_cmp(&a.z_score.abs()));
    candidates.truncate(limit);
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_bands_follow_the_cbs_classes() {
        assert_eq!(SizeBand::of(9_999), SizeBand::Below10k);
        assert_eq!(SizeBand::of(10_000), SizeBand::From10kTo20k);
        assert_eq!(SizeBand::of(25_845), SizeBand::From20kTo50k);
        assert_eq!(SizeBand::of(231_000), SizeBand::From150kTo250k);
        assert_eq!(SizeBand::of(931_298), SizeBand::From250k);
        assert_eq!(PeerGroup::of(Some(25_845), Some(9)), None);
    }

    #[test]
    fn ranks_percentiles_and_z_scores_on_a_small_set() {
        let values = [4.0, 8.0, 8.0, 2.0, 10.0];
        assert_eq!(rank_and_percentile(10.0, &values), (1, 5, 100.0));
        assert_eq!(rank_and_percentile(8.0, &values), (2, 5, 50.0));
        assert_eq!(rank_and_percentile(2.0, &values), (5, 5, 0.0));
        // Others 2, 4, 6: mean 4, sample sd 2 → (10 − 4) / 2 = 3.
        assert_eq!(z_score(10.0, &[2.0, 4.0, 6.0]), Some(3.0));
        assert_eq!(z_score(10.0, &[2.0, 4.0]), None);
        assert_eq!(z_score(10.0, &[3.0, 3.0, 3.0]), None);
    }

    #[test]
    fn standouts_keep_the_largest_deviations() {
        let s = |id: &str, z: f64| Standout {
            indicator: id.into(),
            value: 1.0,
            peer_mean: 1.0,
            z_score: z,
        };
        let kept = standouts(vec![s("a", 1.0), s("b", -2.5), s("c", 3.0), s("d", 1.6)], 2);
        let ids: Vec<&str> = kept.iter().map(|s| s.indicator.as_str()).collect();
        assert_eq!(ids, ["c", "b"]);
    }
}
