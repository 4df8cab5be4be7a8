//! Disclosure control for counts published at several levels at once.
//!
//! A count below the threshold is suppressed (primary suppression). Published totals make
//! more of them recoverable: a region total minus the other municipalities gives back the one
//! that was hidden. So every published total is an equation `total = Σ members`, and the
//! suppressed cells are the unknowns; a suppressed cell is *recoverable* when the equations
//! pin its value down, that is when its unit vector lies in the row space of the equations
//! restricted to the unknowns. While any suppressed cell is recoverable, one more cell of one
//! of its equations is suppressed (secondary suppression), the smallest count first, so as
//! little as possible is hidden. The test checks the result exactly, in a prime field.

/// One published total and the cells it sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub total: usize,
    pub members: Vec<usize>,
}

/// The cells to hide: `counts[i]` is `None` for a cell that is not published at all (it is
/// left out of every equation). Returns one flag per cell.
pub fn protect(counts: &[Option<f64>], groups: &[Group], threshold: f64) -> Vec<bool> {
    let mut hidden: Vec<bool> = counts
        .iter()
        .map(|c| c.is_some_and(|v| v < threshold))
        .collect();
    // Equations over the published cells only.
    let groups: Vec<Group> = groups
        .iter()
        .filter(|g| counts.get(g.total).is_some_and(Option::is_some))
        .map(|g| Group {
            total: g.total,
            members: g
                .members
                .iter()
                .copied()
                .filter(|m| counts.get(*m).is_some_and(Option::is_some))
                .collect(),
        })
        .filter(|g| !g.members.is_empty())
        .collect();
    let value = |i: usize| counts[i].unwrap_or(f64::INFINITY);
    // The visible cell of an equation to hide with it: its smallest member, or its total
    // when every member is hidden.
    let partner = |g: &Group, hidden: &[bool]| -> Option<usize> {
        g.members
            .iter()
            .copied()
            .filter(|m| !hidden[*m])
            .min_by(|a, b| value(*a).total_cmp(&value(*b)))
            .or_else(|| (!hidden[g.total]).then_some(g.total))
    };
    let unknowns_in = |g: &Group, hidden: &[bool]| {
        g.members
            .iter()
            .chain([&g.total])
            .filter(|i| hidden[**i])
            .count()
    };
    // Each round hides at least one more cell, so this ends within `counts.len()` rounds.
    for _ in 0..=counts.len() {
        let exposed = recoverable(&hidden, &groups);
        if exposed.is_empty() {
            break;
        }
        let mut added = false;
        // First the direct leaks: equations with one unknown, the most specific first.
        let mut singles: Vec<usize> = (0..groups.len())
            .filter(|g| unknowns_in(&groups[*g], &hidden) == 1)
            .collect();
        singles.sort_by_key(|g| groups[*g].members.len());
        for g in singles {
            if unknowns_in(&groups[g], &hidden) == 1
                && let Some(cell) = partner(&groups[g], &hidden)
            {
                hidden[cell] = true;
                added = true;
            }
        }
        if !added {
            // Leaks through combinations of equations: widen, for each exposed cell, the
            // equation of it with the fewest unknowns, the most specific first.
            for cell in exposed {
                let chosen = groups
                    .iter()
                    .filter(|g| g.total == cell || g.members.contains(&cell))
                    .filter(|g| partner(g, &hidden).is_some())
                    .min_by_key(|g| (unknowns_in(g, &hidden), g.members.len()));
                if let Some(c) = chosen.and_then(|g| partner(g, &hidden)) {
                    hidden[c] = true;
                    added = true;
                    break;
                }
            }
        }
        if !added {
            // Exposed only through equations the cell is not in: widen any equation that
            // holds a hidden cell and still has a visible one.
            let chosen = groups
                .iter()
                .filter(|g| unknowns_in(g, &hidden) > 0)
                .filter(|g| partner(g, &hidden).is_some())
                .min_by_key(|g| (unknowns_in(g, &hidden), g.members.len()));
            if let Some(c) = chosen.and_then(|g| partner(g, &hidden)) {
                hidden[c] = true;
                added = true;
            }
        }
        if !added {
            break;
        }
    }
    hidden
}

/// The hidden cells whose value the equations determine.
pub fn recoverable(hidden: &[bool], groups: &[Group]) -> Vec<usize> {
    let unknowns: Vec<usize> = (0..hidden.len()).filter(|i| hidden[*i]).collect();
    if unknowns.is_empty() {
        return Vec::new();
    }
    let mut column = vec![usize::MAX; hidden.len()];
    for (c, u) in unknowns.iter().enumerate() {
        column[*u] = c;
    }
    let rows: Vec<Vec<f64>> = groups
        .iter()
        .filter_map(|g| {
            let mut row = vec![0.0; unknowns.len()];
            let mut any = false;
            if let Some(c) = column.get(g.total).filter(|c| **c != usize::MAX) {
                row[*c] -= 1.0;
                any = true;
            }
            for m in &g.members {
                if let Some(c) = column.get(*m).filter(|c| **c != usize::MAX) {
                    row[*c] += 1.0;
                    any = true;
                }
            }
            any.then_some(row)
        })
        .collect();
    // In reduced row echelon form the row space holds a cell's unit vector exactly when one
    // of its rows is that unit vector.
    let mut found: Vec<usize> = reduce(rows)
        .iter()
        .filter_map(|row| {
            let mut nonzero = row.iter().enumerate().filter(|(_, v)| v.abs() > EPSILON);
            match (nonzero.next(), nonzero.next()) {
                (Some((c, _)), None) => Some(unknowns[c]),
                _ => None,
            }
        })
        .collect();
    found.sort_unstable();
    found
}

/// Entries are sums of ±1 over a few hundred rows at most, so anything this small is zero.
const EPSILON: f64 = 1e-9;

/// Reduced row echelon form with partial pivoting; the zero rows are dropped.
fn reduce(mut rows: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let width = rows.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..width {
        if rank == rows.len() {
            break;
        }
        let Some(pivot) = (rank..rows.len())
            .filter(|r| rows[*r][col].abs() > EPSILON)
            .max_by(|a, b| rows[*a][col].abs().total_cmp(&rows[*b][col].abs()))
        else {
            continue;
        };
        rows.swap(rank, pivot);
        let p = rows[rank][col];
        for x in rows[rank].iter_mut() {
            *x /= p;
        }
        let pivot_row = rows[rank].clone();
        for (r, row) in rows.iter_mut().enumerate() {
            let factor = row[col];
            if r != rank && factor.abs() > EPSILON {
                for (x, p) in row.iter_mut().zip(&pivot_row) {
                    *x -= factor * p;
                }
                row[col] = 0.0;
            }
        }
        rank += 1;
    }
    rows.truncate(rank);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An independent, exact check: the same question answered in the prime field
    /// 2^61 − 1 (ranks of small ±1 matrices there equal their ranks over the rationals): a
    /// hidden cell is determined when dropping its column lowers the rank.
    fn determined_exact(hidden: &[bool], groups: &[Group]) -> Vec<usize> {
        const P: u64 = (1 << 61) - 1;
        let mul = |a: u64, b: u64| ((u128::from(a) * u128::from(b)) % u128::from(P)) as u64;
        let inverse = |a: u64| {
            let (mut base, mut exp, mut acc) = (a, P - 2, 1u64);
            while exp > 0 {
                if exp & 1 == 1 {
                    acc = mul(acc, base);
                }
                base = mul(base, base);
                exp >>= 1;
            }
            acc
        };
        let rank = |mut rows: Vec<Vec<u64>>| {
            let width = rows.first().map_or(0, Vec::len);
            let mut rank = 0;
            for col in 0..width {
                let Some(p) = (rank..rows.len()).find(|r| rows[*r][col] != 0) else {
                    continue;
                };
                rows.swap(rank, p);
                let inv = inverse(rows[rank][col]);
                let pivot: Vec<u64> = rows[rank].iter().map(|v| mul(*v, inv)).collect();
                for (r, row) in rows.iter_mut().enumerate() {
                    if r != rank && row[col] != 0 {
                        let f = row[col];
                        for (x, p) in row.iter_mut().zip(&pivot) {
                            *x = (*x + P - mul(f, *p)) % P;
                        }
                    }
                }
                rows[rank] = pivot;
                rank += 1;
            }
            rank
        };
        let unknowns: Vec<usize> = (0..hidden.len()).filter(|i| hidden[*i]).collect();
        let rows: Vec<Vec<u64>> = groups
            .iter()
            .map(|g| {
                unknowns
                    .iter()
                    .map(|u| {
                        let mut v = 0u64;
                        if g.members.contains(u) {
                            v = (v + 1) % P;
                        }
                        if g.total == *u {
                            v = (v + P - 1) % P;
                        }
                        v
                    })
                    .collect()
            })
            .collect();
        let full = rank(rows.clone());
        (0..unknowns.len())
            .filter(|c| {
                let without: Vec<Vec<u64>> = rows
                    .iter()
                    .map(|r| {
                        let mut r = r.clone();
                        r.remove(*c);
                        r
                    })
                    .collect();
                rank(without) < full
            })
            .map(|c| unknowns[c])
            .collect()
    }

    #[test]
    fn one_hidden_municipality_takes_a_second_with_it() {
        // Cells 0..3 are municipalities of one region, cell 3 the region total.
        let counts = [Some(4.0), Some(25.0), Some(12.0), Some(41.0)];
        let groups = [Group {
            total: 3,
            members: vec![0, 1, 2],
        }];
        let hidden = protect(&counts, &groups, 10.0);
        assert_eq!(
            hidden,
            vec![true, false, true, false],
            "the smallest other is hidden too"
        );
        assert!(recoverable(&hidden, &groups).is_empty());
    }

    #[test]
    fn a_small_total_hides_and_protects_too() {
        let counts = [Some(3.0), Some(4.0), Some(7.0)];
        let groups = [Group {
            total: 2,
            members: vec![0, 1],
        }];
        let hidden = protect(&counts, &groups, 10.0);
        assert_eq!(hidden, vec![true, true, true]);
    }

    #[test]
    fn crossing_partitions_cannot_be_combined_to_recover_a_cell() {
        // Four municipalities in a 2×2 grid: rows are provinces, columns police units.
        // Hiding 0 and 1 (one province) still lets the police-unit totals give each back.
        let counts = [
            Some(5.0),
            Some(50.0),
            Some(60.0),
            Some(70.0),
            Some(55.0),
            Some(130.0),
            Some(65.0),
            Some(120.0),
        ];
        let groups = [
            Group {
                total: 4,
                members: vec![0, 1],
            },
            Group {
                total: 5,
                members: vec![2, 3],
            },
            Group {
                total: 6,
                members: vec![0, 2],
            },
            Group {
                total: 7,
                members: vec![1, 3],
            },
        ];
        let hidden = protect(&counts, &groups, 10.0);
        assert!(hidden[0]);
        assert!(recoverable(&hidden, &groups).is_empty());
        assert!(determined_exact(&hidden, &groups).is_empty());
        assert!(
            hidden.iter().filter(|h| **h).count() >= 4,
            "a 2×2 block is the least that holds"
        );
    }

    fn scenario() -> impl Strategy<Value = (Vec<Option<f64>>, Vec<Group>)> {
        // n municipalities with counts, assigned to regions of two crossing partitions and a
        // peer partition; totals appended as cells after the municipalities, plus the country.
        (2usize..24).prop_flat_map(|n| {
            (
                proptest::collection::vec(proptest::option::weighted(0.9, 0u32..60), n),
                proptest::collection::vec(0usize..4, n),
                proptest::collection::vec(0usize..3, n),
                proptest::collection::vec(0usize..5, n),
            )
                .prop_map(move |(counts, a, b, c)| {
                    let mut cells: Vec<Option<f64>> =
                        counts.iter().map(|c| c.map(f64::from)).collect();
                    let mut groups = Vec::new();
                    for partition in [&a, &b, &c] {
                        for region in 0..5 {
                            let members: Vec<usize> =
                                (0..n).filter(|i| partition[*i] == region).collect();
                            if members.is_empty() {
                                continue;
                            }
                            // A total of no published member is not published either.
                            let known: Vec<f64> =
                                members.iter().filter_map(|m| cells[*m]).collect();
                            cells.push((!known.is_empty()).then(|| known.iter().sum()));
                            groups.push(Group {
                                total: cells.len() - 1,
                                members,
                            });
                        }
                    }
                    let known: Vec<f64> = (0..n).filter_map(|m| cells[m]).collect();
                    cells.push((!known.is_empty()).then(|| known.iter().sum()));
                    groups.push(Group {
                        total: cells.len() - 1,
                        members: (0..n).collect(),
                    });
                    (cells, groups)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Every small count is hidden, and no hidden cell can be recovered from the
        /// published totals by any combination of sums and differences (checked
        /// independently and exactly in a prime field), nor is any equation left with one unknown.
        #[test]
        fn no_hidden_count_can_be_recovered((cells, groups) in scenario()) {
            let hidden = protect(&cells, &groups, 10.0);
            for (i, c) in cells.iter().enumerate() {
                if c.is_some_and(|v| v < 10.0) {
                    prop_assert!(hidden[i], "cell {i} is small but shown");
                }
            }
            let published: Vec<Group> = groups
                .iter()
                .filter(|g| cells[g.total].is_some())
                .map(|g| Group { total: g.total, members: g.members.iter().copied().filter(|m| cells[*m].is_some()).collect() })
                .collect();
            prop_assert!(determined_exact(&hidden, &published).is_empty());
            for g in &published {
                let unknown = g.members.iter().chain([&g.total]).filter(|i| hidden[**i]).count();
                prop_assert!(unknown != 1, "an equation with one unknown gives it away");
            }
        }

        /// Nothing is hidden that need not be when every count is large.
        #[test]
        fn large_counts_stay_visible((cells, groups) in scenario()) {
            let big: Vec<Option<f64>> = cells.iter().map(|c| c.map(|v| v + 100.0)).collect();
            let hidden = protect(&big, &groups, 10.0);
            prop_assert!(hidden.iter().all(|h| !h));
        }
    }
}
