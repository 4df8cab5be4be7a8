//! Disclosure control for counts published at several levels at once.
//!
//! A count below the threshold is suppressed (primary suppression). Published totals make
//! more of them recoverable: a region total minus the other municipalities gives back the one
//! that was hidden. So every published total is an equation `total = Σ members`, and the
//! suppressed cells are the unknowns; a suppressed cell is *recoverable* when the equations
//! pin its value down, that is when its unit vector lies in the row space of the equations
//! restricted to the unknowns. While any suppressed cell is recoverable, one more cell of one
//! of its equations is suppressed (secondary suppression), the smallest count first, so as
//! little as possible is hidden. Ranks are computed exactly in a prime field.

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
    // Each round hides one more cell, so this ends within `counts.len()` rounds.
    for _ in 0..=counts.len() {
        let Some(exposed) = recoverable(&hidden, &groups).into_iter().next() else {
            break;
        };
        let value = |i: usize| counts[i].unwrap_or(f64::INFINITY);
        // The smallest visible member of an equation of the exposed cell; a total only when
        // no member is left.
        let candidate = groups
            .iter()
            .filter(|g| g.total == exposed || g.members.contains(&exposed))
            .flat_map(|g| {
                g.members
                    .iter()
                    .map(|m| (false, *m))
                    .chain([(true, g.total)])
            })
            .filter(|(_, i)| !hidden[*i])
            .min_by(|a, b| {
                (a.0, value(a.1))
                    .partial_cmp(&(b.0, value(b.1)))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        let Some((_, cell)) = candidate.or_else(|| {
            // Exposed only through a combination of equations: widen to any equation that
            // holds a hidden cell.
            groups
                .iter()
                .filter(|g| g.members.iter().chain([&g.total]).any(|i| hidden[*i]))
                .flat_map(|g| g.members.iter().copied().chain([g.total]))
                .filter(|i| !hidden[*i])
                .min_by(|a, b| {
                    value(*a)
                        .partial_cmp(&value(*b))
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
                .map(|i| (false, i))
        }) else {
            break;
        };
        hidden[cell] = true;
    }
    hidden
}

/// The hidden cells whose value the equations determine.
pub fn recoverable(hidden: &[bool], groups: &[Group]) -> Vec<usize> {
    let unknowns: Vec<usize> = (0..hidden.len()).filter(|i| hidden[*i]).collect();
    if unknowns.is_empty() {
        return Vec::new();
    }
    let column = |cell: usize| unknowns.iter().position(|u| *u == cell);
    let rows: Vec<Vec<u64>> = groups
        .iter()
        .filter_map(|g| {
            let mut row = vec![0u64; unknowns.len()];
            let mut any = false;
            if let Some(c) = column(g.total) {
                row[c] = sub(row[c], 1);
                any = true;
            }
            for m in &g.members {
                if let Some(c) = column(*m) {
                    row[c] = add(row[c], 1);
                    any = true;
                }
            }
            any.then_some(row)
        })
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    let full = rank(rows.clone());
    (0..unknowns.len())
        .filter(|c| {
            // Determined exactly when dropping its column lowers the rank.
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

/// The Mersenne prime 2^61 − 1: ranks of small integer matrices over this field equal their
/// ranks over the rationals unless the prime divides a minor, which for matrices of ±1 with
/// fewer than a few hundred rows it cannot.
const P: u64 = (1 << 61) - 1;

fn add(a: u64, b: u64) -> u64 {
    (a + b) % P
}

fn sub(a: u64, b: u64) -> u64 {
    (a + P - b) % P
}

fn mul(a: u64, b: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(P)) as u64
}

fn inverse(a: u64) -> u64 {
    // Fermat: a^(P-2).
    let (mut base, mut exp, mut acc) = (a, P - 2, 1u64);
    while exp > 0 {
        if exp & 1 == 1 {
            acc = mul(acc, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    acc
}

fn rank(mut rows: Vec<Vec<u64>>) -> usize {
    let width = rows.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..width {
        let Some(pivot) = (rank..rows.len()).find(|r| rows[*r][col] != 0) else {
            continue;
        };
        rows.swap(rank, pivot);
        let inv = inverse(rows[rank][col]);
        let pivot_row: Vec<u64> = rows[rank].iter().map(|v| mul(*v, inv)).collect();
        for (r, row) in rows.iter_mut().enumerate() {
            if r != rank && row[col] != 0 {
                let factor = row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row) {
                    *x = sub(*x, mul(factor, *p));
                }
            }
        }
        rows[rank] = pivot_row;
        rank += 1;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An independent check in floating point: a hidden cell is recoverable when the least-
    /// norm solution's null space has no component along it. Here: Gaussian elimination to
    /// reduced row echelon form, then a cell is determined when its column is a pivot column
    /// whose row has no other non-zero entry.
    fn determined_f64(hidden: &[bool], groups: &[Group]) -> Vec<usize> {
        let unknowns: Vec<usize> = (0..hidden.len()).filter(|i| hidden[*i]).collect();
        let n = unknowns.len();
        let mut rows: Vec<Vec<f64>> = groups
            .iter()
            .map(|g| {
                let mut row = vec![0.0; n];
                for (c, u) in unknowns.iter().enumerate() {
                    if g.total == *u {
                        row[c] -= 1.0;
                    }
                    if g.members.contains(u) {
                        row[c] += 1.0;
                    }
                }
                row
            })
            .filter(|r| r.iter().any(|v| *v != 0.0))
            .collect();
        let mut pivots = Vec::new();
        let mut r = 0;
        for c in 0..n {
            let Some(p) =
                (r..rows.len()).max_by(|a, b| rows[*a][c].abs().total_cmp(&rows[*b][c].abs()))
            else {
                break;
            };
            if rows[p][c].abs() < 1e-9 {
                continue;
            }
            rows.swap(r, p);
            let pv = rows[r][c];
            for x in rows[r].iter_mut() {
                *x /= pv;
            }
            let pivot_row = rows[r].clone();
            for (i, row) in rows.iter_mut().enumerate() {
                if i != r {
                    let f = row[c];
                    for (x, p) in row.iter_mut().zip(&pivot_row) {
                        *x -= f * p;
                    }
                }
            }
            pivots.push((r, c));
            r += 1;
        }
        pivots
            .into_iter()
            .filter(|(r, c)| (0..n).all(|k| k == *c || rows[*r][k].abs() < 1e-9))
            .map(|(_, c)| unknowns[c])
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
        assert!(determined_f64(&hidden, &groups).is_empty());
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
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Every small count is hidden, and no hidden cell can be recovered from the
        /// published totals by any combination of sums and differences (checked
        /// independently in floating point), nor is any equation left with one unknown.
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
            prop_assert!(determined_f64(&hidden, &published).is_empty());
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
