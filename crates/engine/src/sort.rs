//! One sort for the whole program. std's `sort_by_key` is generic: each call
//! site with its own element type or key closure gets its own copy of
//! driftsort (about half a kilobyte of wasm per function, a dozen functions
//! each: ~9 KB gzipped over the site's call sites). These sort (key, index)
//! pairs with one non-generic function and then move the elements into that
//! order; only the small permutation is generic.

/// Sorts `v` by `key`, stably: elements with equal keys keep their order.
pub fn by_key<T>(v: &mut [T], key: impl Fn(&T) -> u64) {
    let mut order: Vec<(u64, usize)> = v.iter().map(key).zip(0..).collect();
    sort_pairs(&mut order);
    let from: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    permute(v, from);
}

/// The key of "`tail` ones last; the others newest (`seq` largest) first,
/// the tail oldest first": the Linux lookup chains' order.
pub fn tail_order(tail: bool, seq: u64) -> u64 {
    const HALF: u64 = u64::MAX >> 1;
    let seq = seq.min(HALF);
    if tail {
        HALF + 1 + seq
    } else {
        HALF - seq
    }
}

/// The one instantiation of the sort. The indices are distinct, so an
/// unstable sort of the pairs gives the stable order of the keys.
#[inline(never)]
fn sort_pairs(v: &mut [(u64, usize)]) {
    v.sort_unstable();
}

/// Puts `v` in the order `from` gives (position `k` gets the element that
/// was at `from[k]`), following each cycle of the permutation with swaps.
fn permute<T>(v: &mut [T], mut from: Vec<usize>) {
    for start in 0..v.len() {
        let mut j = start;
        loop {
            let k = from[j];
            from[j] = j;
            if k == start || k == j {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_std() {
        let mut seed: u64 = 7;
        for len in 0..60 {
            let v: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 60, i)
                })
                .collect();
            let mut ours = v.clone();
            by_key(&mut ours, |p| p.0);
            let mut std = v.clone();
            std.sort_by_key(|p| p.0);
            assert_eq!(ours, std, "length {len}");
        }
    }

    #[test]
    fn tail_order_puts_the_tail_last_and_reverses_the_rest() {
        let mut v = vec![(false, 1), (true, 5), (false, 3), (true, 2), (false, 2)];
        by_key(&mut v, |&(t, s)| tail_order(t, s));
        assert_eq!(
            v,
            [(false, 3), (false, 2), (false, 1), (true, 2), (true, 5)]
        );
    }
}
