//! [`IdMap`]: an ordered map from a key to a socket, the shape of every list
//! a bind bucket keeps (its owners in bind order, each class's members, the
//! listening list, a UDP class's chains, a group's members).
//!
//! Why not std's `BTreeMap`: these lists churn at one end. A new socket
//! takes the highest position, and a scenario (or a bench) binds and closes
//! one socket beside a crowd. When the B-tree's end leaf is full, such an
//! insert splits it and the remove after it merges it back, so at the
//! sizes where that leaf happens to be full (10,000 sockets on a port, not
//! 9,997 or 10,003) every bind paid a split and every close a merge: a
//! sixth of a Linux `bind`'s instructions, a fifth of a UDP one's. Here a
//! map is one sorted vector while small, and sorted runs of at most 64
//! entries beyond: a run splits into halves when it passes 64, and two
//! neighbouring runs merge only when they hold 32 or fewer together, so an
//! insert and the remove that undoes it never undo each other's work.

use super::socket::SockId;

/// One entry: a key and the socket filed under it.
type Entry<K> = (K, SockId);

/// The longest run (and the largest map kept as one vector).
const RUN: usize = 64;

/// An ordered map from `K` to a socket id (see the module doc).
#[derive(Clone)]
pub(super) enum IdMap<K> {
    /// One entry, held inline: most classes have one member, and a map of
    /// one needs no allocation to make or to drop.
    One(Entry<K>),
    /// Up to [`RUN`] entries, sorted, in one allocation (none while it has
    /// never held two; a map that shrinks to one entry or none stays here).
    Flat(Vec<Entry<K>>),
    /// More than `RUN / 2` entries (a map of up to `RUN` stays [`IdMap::Flat`]):
    /// non-empty sorted runs of at most `RUN` entries, in key order, any two
    /// neighbours holding more than `RUN / 2` together.
    Runs {
        runs: Vec<Vec<Entry<K>>>,
        len: usize,
    },
}

impl<K> Default for IdMap<K> {
    fn default() -> Self {
        IdMap::Flat(Vec::new())
    }
}

impl<K: Ord + Copy> IdMap<K> {
    pub(super) fn len(&self) -> usize {
        match self {
            IdMap::One(_) => 1,
            IdMap::Flat(v) => v.len(),
            IdMap::Runs { len, .. } => *len,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries in key order (either way).
    pub(super) fn iter(&self) -> Iter<'_, K> {
        let (front, runs): (&[Entry<K>], &[Vec<Entry<K>>]) = match self {
            IdMap::One(e) => (std::slice::from_ref(e), &[]),
            IdMap::Flat(v) => (v, &[]),
            IdMap::Runs { runs, .. } => (&[], runs),
        };
        Iter {
            front: front.iter(),
            runs: runs.iter(),
            back: [].iter(),
            left: self.len(),
        }
    }

    pub(super) fn values(&self) -> impl DoubleEndedIterator<Item = &SockId> + Clone {
        self.iter().map(|(_, id)| id)
    }

    /// Appends to `out` the first `n` entries, in key order, whose socket is
    /// not `except`: a few names of a crowd, read slice by slice rather than
    /// through [`Iter`] (the BSDs' `listen` names eight at every call).
    pub(super) fn first_except(&self, n: usize, except: SockId, out: &mut Vec<Entry<K>>)
    where
        K: Copy,
    {
        let mut left = n;
        // Whether `n` are found.
        let mut take = |slice: &[Entry<K>]| -> bool {
            for &(k, id) in slice {
                if left == 0 {
                    return true;
                }
                if id != except {
                    out.push((k, id));
                    left -= 1;
                }
            }
            left == 0
        };
        match self {
            IdMap::One(e) => {
                take(std::slice::from_ref(e));
            }
            IdMap::Flat(v) => {
                take(v);
            }
            IdMap::Runs { runs, .. } => {
                for run in runs {
                    if take(run) {
                        break;
                    }
                }
            }
        }
    }

    pub(super) fn first_key_value(&self) -> Option<(&K, &SockId)> {
        self.iter().next()
    }

    pub(super) fn last_key_value(&self) -> Option<(&K, &SockId)> {
        self.iter().next_back()
    }

    /// Files `id` under `key`; the id it replaces, if the key was taken.
    pub(super) fn insert(&mut self, key: K, id: SockId) -> Option<SockId> {
        match self {
            IdMap::One((k, old)) if *k == key => Some(std::mem::replace(old, id)),
            IdMap::One(e) => {
                // Room for four (16-byte entries: one cache line), not two:
                // a port of two owners that a third socket binds beside and
                // leaves (the spread-ports cycle) would otherwise reallocate
                // on that first visit, reading the cold old buffer: 5 % of
                // the cycle's instructions on 65,536 sockets, 1 in 10 of its
                // misses (callgrind, 2026-12-05).
                let mut v = Vec::with_capacity(4);
                v.push(*e);
                put(&mut v, key, id);
                *self = IdMap::Flat(v);
                None
            }
            IdMap::Flat(v) if v.is_empty() => {
                *self = IdMap::One((key, id));
                None
            }
            IdMap::Flat(v) => {
                let old = put(v, key, id);
                if v.len() > RUN {
                    let right = v.split_off(v.len() / 2);
                    let len = v.len() + right.len();
                    *self = IdMap::Runs {
                        runs: vec![std::mem::take(v), right],
                        len,
                    };
                }
                old
            }
            IdMap::Runs { runs, len } => {
                // A key past the last goes to the last run, unsearched; any
                // other to the run `run_of` finds (never past the last, whose
                // last key is not below it).
                let last = runs.len() - 1;
                let r = match runs[last].last() {
                    Some((k, _)) if *k < key => last,
                    _ => run_of(runs, &key).min(last),
                };
                let run = &mut runs[r];
                let old = put(run, key, id);
                if old.is_none() {
                    *len += 1;
                }
                if run.len() > RUN {
                    let right = run.split_off(run.len() / 2);
                    runs.insert(r + 1, right);
                }
                old
            }
        }
    }

    /// Takes `key` out; the id it held.
    pub(super) fn remove(&mut self, key: &K) -> Option<SockId> {
        match self {
            IdMap::One((k, id)) => {
                let id = *id;
                (k == key).then(|| {
                    *self = IdMap::default();
                    id
                })
            }
            IdMap::Flat(v) => {
                let i = v.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
                Some(v.remove(i).1)
            }
            IdMap::Runs { runs, len } => {
                let r = run_of(runs, key);
                let run = runs.get_mut(r)?;
                let i = run.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
                let (_, id) = run.remove(i);
                *len -= 1;
                if *len <= RUN / 2 {
                    *self = IdMap::Flat(runs.concat());
                    return Some(id);
                }
                // Keep the runs non-empty (`run_of` reads each one's last
                // key) and any two neighbours over `RUN / 2` together: an
                // emptied run goes (its neighbours held `RUN / 2` or more
                // each), a shrunk one merges with the next, or else into
                // the one before.
                let small = |a: &Vec<Entry<K>>, b: &Vec<Entry<K>>| a.len() + b.len() <= RUN / 2;
                if runs[r].is_empty() {
                    runs.remove(r);
                } else if runs.get(r + 1).is_some_and(|next| small(&runs[r], next)) {
                    let next = runs.remove(r + 1);
                    runs[r].extend(next);
                } else if r > 0 && small(&runs[r - 1], &runs[r]) {
                    let run = runs.remove(r);
                    runs[r - 1].extend(run);
                }
                Some(id)
            }
        }
    }
}

/// How many entries an [`Order`] holds in place.
const FEW: usize = 3;

/// An [`IdMap`] whose first [`FEW`] entries are held in place: a bucket's
/// owners in bind order. Most ports have one to three owners, and a bind
/// or close on a cold port then changes its bind order in the bucket's own
/// cache lines instead of in a separate allocation (a cache miss on each
/// such step when the host is large). A map that outgrows it stays an
/// [`IdMap`].
#[derive(Clone)]
pub(super) enum Order<K> {
    /// `len` entries, sorted, in `e[..len]` (the rest placeholders).
    Few {
        len: u8,
        e: [Entry<K>; FEW],
    },
    Map(IdMap<K>),
}

impl<K: Ord + Copy + Default + std::fmt::Debug> std::fmt::Debug for Order<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Default + Copy> Default for Order<K> {
    fn default() -> Self {
        Order::Few {
            len: 0,
            e: [(K::default(), 0); FEW],
        }
    }
}

impl<K: Ord + Copy + Default> Order<K> {
    pub(super) fn len(&self) -> usize {
        match self {
            Order::Few { len, .. } => usize::from(*len),
            Order::Map(m) => m.len(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries in key order (either way).
    pub(super) fn iter(&self) -> Iter<'_, K> {
        match self {
            Order::Few { len, e } => {
                let few = &e[..usize::from(*len)];
                Iter {
                    front: few.iter(),
                    runs: [].iter(),
                    back: [].iter(),
                    left: few.len(),
                }
            }
            Order::Map(m) => m.iter(),
        }
    }

    pub(super) fn values(&self) -> impl DoubleEndedIterator<Item = &SockId> + Clone {
        self.iter().map(|(_, id)| id)
    }

    /// Files `id` under `key`; the id it replaces, if the key was taken.
    pub(super) fn insert(&mut self, key: K, id: SockId) -> Option<SockId> {
        let Order::Few { len, e } = self else {
            let Order::Map(m) = self else { return None };
            return m.insert(key, id);
        };
        let n = usize::from(*len);
        // A new position is past the last: found without a comparison
        // of the others.
        let i = e[..n].partition_point(|(k, _)| *k < key);
        if i < n && e[i].0 == key {
            return Some(std::mem::replace(&mut e[i].1, id));
        }
        if n < FEW {
            e[i..=n].rotate_right(1);
            e[i] = (key, id);
            *len += 1;
            return None;
        }
        let mut m = IdMap::default();
        for &(k, v) in e.iter() {
            m.insert(k, v);
        }
        m.insert(key, id);
        *self = Order::Map(m);
        None
    }

    /// Takes `key` out; the id it held.
    pub(super) fn remove(&mut self, key: &K) -> Option<SockId> {
        match self {
            Order::Few { len, e } => {
                let n = usize::from(*len);
                let i = e[..n].iter().position(|(k, _)| k == key)?;
                let id = e[i].1;
                e[i..n].rotate_left(1);
                *len -= 1;
                Some(id)
            }
            Order::Map(m) => m.remove(key),
        }
    }
}

/// [`IdMap::iter`]: the entries of the run being read from each end, and
/// the runs between (a flat map is all `front`).
#[derive(Clone)]
pub(super) struct Iter<'a, K> {
    front: std::slice::Iter<'a, Entry<K>>,
    runs: std::slice::Iter<'a, Vec<Entry<K>>>,
    back: std::slice::Iter<'a, Entry<K>>,
    /// Entries not yet read from either end.
    left: usize,
}

impl<'a, K> Iterator for Iter<'a, K> {
    type Item = (&'a K, &'a SockId);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((k, id)) = self.front.next() {
                self.left -= 1;
                return Some((k, id));
            }
            match self.runs.next() {
                Some(run) => self.front = run.iter(),
                None => {
                    let (k, id) = self.back.next()?;
                    self.left -= 1;
                    return Some((k, id));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<K> ExactSizeIterator for Iter<'_, K> {}
impl<K> std::iter::FusedIterator for Iter<'_, K> {}

impl<K> DoubleEndedIterator for Iter<'_, K> {
    fn next_back(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((k, id)) = self.back.next_back() {
                self.left -= 1;
                return Some((k, id));
            }
            match self.runs.next_back() {
                Some(run) => self.back = run.iter(),
                None => {
                    let (k, id) = self.front.next_back()?;
                    self.left -= 1;
                    return Some((k, id));
                }
            }
        }
    }
}

/// The run that holds `key`, or would: the first whose last key is not
/// below it (`runs.len()` when every key is below it).
fn run_of<K: Ord>(runs: &[Vec<Entry<K>>], key: &K) -> usize {
    runs.partition_point(|run| run.last().is_some_and(|(k, _)| k < key))
}

/// Inserts into a sorted vector; the id it replaces. A key past the last
/// (a new position, the usual insert) is pushed without a search.
fn put<K: Ord>(v: &mut Vec<Entry<K>>, key: K, id: SockId) -> Option<SockId> {
    if v.last().is_none_or(|(k, _)| *k < key) {
        v.push((key, id));
        return None;
    }
    match v.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(i) => Some(std::mem::replace(&mut v[i].1, id)),
        Err(i) => {
            v.insert(i, (key, id));
            None
        }
    }
}

/// Equal when they hold the same entries, however they are laid out.
impl<K: Ord + Copy> PartialEq for IdMap<K> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}
impl<K: Ord + Copy> Eq for IdMap<K> {}

impl<K: Ord + Copy + std::fmt::Debug> std::fmt::Debug for IdMap<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The layout's rules: sorted, runs non-empty and at most `RUN`, the
    /// count right, a map of `RUN / 2` or fewer flat.
    fn check(m: &IdMap<u64>) {
        match m {
            IdMap::One(_) => {}
            IdMap::Flat(v) => {
                assert!(v.len() <= RUN, "flat map of {}", v.len());
                assert!(v.windows(2).all(|w| w[0].0 < w[1].0));
            }
            IdMap::Runs { runs, len } => {
                assert!(*len > RUN / 2, "runs for {len} entries");
                assert_eq!(*len, runs.iter().map(Vec::len).sum::<usize>());
                assert!(runs.iter().all(|r| !r.is_empty() && r.len() <= RUN));
                assert!(
                    runs.windows(2).all(|w| w[0].len() + w[1].len() > RUN / 2),
                    "neighbours of {:?}",
                    runs.iter().map(Vec::len).collect::<Vec<_>>()
                );
                let keys: Vec<u64> = runs.iter().flatten().map(|e| e.0).collect();
                assert!(keys.windows(2).all(|w| w[0] < w[1]));
            }
        }
    }

    fn same(m: &IdMap<u64>, want: &BTreeMap<u64, SockId>) {
        check(m);
        assert_eq!(m.len(), want.len());
        assert!(m.iter().eq(want.iter()));
        assert!(m.iter().rev().eq(want.iter().rev()));
        // Read from both ends at once, meeting anywhere.
        let (mut a, mut b) = (m.iter(), want.iter());
        for i in 0..=want.len() {
            assert_eq!(a.len(), want.len().saturating_sub(i));
            if i % 3 == 0 {
                assert_eq!(a.next_back(), b.next_back());
            } else {
                assert_eq!(a.next(), b.next());
            }
        }
        assert_eq!((a.next(), a.next_back(), a.len()), (None, None, 0));
        assert_eq!(m.first_key_value(), want.first_key_value());
        assert_eq!(m.last_key_value(), want.last_key_value());
    }

    /// Random inserts and removes over a key range that makes the map grow
    /// past several runs and shrink back to flat, again and again: every
    /// answer is the B-tree's.
    #[test]
    fn answers_as_a_btree_map_does() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for range in [8, 70, 300, 2_000] {
            let (mut m, mut want) = (IdMap::default(), BTreeMap::new());
            for round in 0..20_000 {
                let key = next() % range;
                // Phases that mostly add, then mostly take away.
                let adding = (round / 2_500) % 2 == 0;
                if (next() % 4 != 0) == adding {
                    let id = (next() % 1_000) as SockId;
                    assert_eq!(m.insert(key, id), want.insert(key, id));
                } else {
                    assert_eq!(m.remove(&key), want.remove(&key));
                }
                // Now and then a span of keys goes at once (a crowd of
                // connections closed), which can empty a run in the middle.
                if round % 211 == 0 {
                    let from = next() % range;
                    for k in from..(from + 40).min(range) {
                        assert_eq!(m.remove(&k), want.remove(&k));
                    }
                }
                if round % 97 == 0 {
                    same(&m, &want);
                }
            }
            same(&m, &want);
        }
    }

    /// A socket bound and closed at the end of a crowd, over and over: after
    /// the first time, the layout is the same after each close, whatever
    /// the crowd's size (std's B-tree split and merged its end leaf at
    /// every cycle at some sizes).
    #[test]
    fn a_bind_and_close_at_the_end_leaves_the_layout_alone() {
        let layout = |m: &IdMap<u64>| match m {
            IdMap::One(_) => vec![1],
            IdMap::Flat(v) => vec![v.len()],
            IdMap::Runs { runs, .. } => runs.iter().map(Vec::len).collect(),
        };
        for n in 0..400u64 {
            let mut m = IdMap::default();
            for k in 0..n {
                m.insert(k, k as SockId);
            }
            m.insert(n, 0);
            m.remove(&n);
            let settled = layout(&m);
            for _ in 0..3 {
                m.insert(n, 0);
                m.remove(&n);
                assert_eq!(layout(&m), settled, "{n} entries");
                // And at the front (a listening list's newest first).
                if n > 0 {
                    m.remove(&0);
                    m.insert(0, 0);
                }
            }
            check(&m);
        }
    }

    /// A run emptied between two runs too big to merge with goes, and the
    /// map still finds, files and orders every key (`run_of` reads each
    /// run's last key, so an empty run would misplace the keys past it).
    #[test]
    fn a_run_emptied_between_two_big_ones_goes() {
        let run = |keys: std::ops::Range<u64>| keys.map(|k| (k, k as SockId)).collect::<Vec<_>>();
        let mut m = IdMap::Runs {
            runs: vec![run(0..40), run(40..45), run(45..85)],
            len: 85,
        };
        let mut want: BTreeMap<u64, SockId> = (0..85).map(|k| (k, k as SockId)).collect();
        same(&m, &want);
        for k in 40..45 {
            assert_eq!(m.remove(&k), want.remove(&k));
            same(&m, &want);
        }
        for k in [42, 100, 0, 84, 41, 43] {
            assert_eq!(m.remove(&k), want.remove(&k));
            assert_eq!(m.insert(k, 7), want.insert(k, 7));
            same(&m, &want);
        }
    }

    /// `first_except` gives what the iterator, filtered and cut, gives: for
    /// maps of every layout, every count asked up to past the end, with the
    /// skipped socket at the front, in the middle, at the end and absent.
    #[test]
    fn the_first_few_but_one_are_the_iterators() {
        for size in [0usize, 1, 2, 40, 64, 65, 200, 1000] {
            let mut m = IdMap::default();
            // `size` keys, every third number: the odd ones from the top
            // down, then the even ones from the bottom up, so runs fill
            // unevenly.
            let odd = (0..size).filter(|i| i % 2 == 1).rev();
            for i in odd.chain((0..size).filter(|i| i % 2 == 0)) {
                m.insert(3 * i as u64, 1000 + i as SockId);
            }
            check(&m);
            assert_eq!(m.len(), size);
            assert_eq!(matches!(m, IdMap::Runs { .. }), size > RUN, "size {size}");
            let ids: Vec<SockId> = m.values().copied().collect();
            let excepts = [ids.first(), ids.get(ids.len() / 2), ids.last(), Some(&9999)];
            for except in excepts.into_iter().flatten().copied() {
                for n in [0, 1, 7, 8, 63, 64, 65, size, size + 3] {
                    let want: Vec<(u64, SockId)> = m
                        .iter()
                        .filter(|&(_, &id)| id != except)
                        .take(n)
                        .map(|(&k, &id)| (k, id))
                        .collect();
                    let mut got = vec![(7, 7)];
                    m.first_except(n, except, &mut got);
                    assert_eq!(got[0], (7, 7), "appends");
                    assert_eq!(got[1..], want[..], "size {size}, n {n}, except {except}");
                }
            }
        }
    }

    /// Equality and the debug form see the entries, not the layout.
    #[test]
    fn equal_maps_of_different_layouts_are_equal() {
        let mut grown = IdMap::default();
        for k in 0..100u64 {
            grown.insert(k, 1);
        }
        for k in 10..100u64 {
            grown.remove(&k);
        }
        let mut flat = IdMap::default();
        for k in 0..10u64 {
            flat.insert(k, 1);
        }
        assert_eq!(grown, flat);
        assert_eq!(format!("{grown:?}"), format!("{flat:?}"));
        flat.insert(3, 2);
        assert_ne!(grown, flat);
    }

    /// The bind order's map with its first entries in place answers as the
    /// B-tree does, small (in place, out of order inserts included) and
    /// past [`FEW`] (an [`IdMap`]), both ways.
    #[test]
    fn an_order_answers_as_a_btree_map_does() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for range in [2, 4, 6, 100] {
            let (mut m, mut want) = (Order::default(), BTreeMap::new());
            for _ in 0..5_000 {
                let key = next() % range;
                if next() % 2 == 0 {
                    let id = (next() % 1_000) as SockId;
                    assert_eq!(m.insert(key, id), want.insert(key, id));
                } else {
                    assert_eq!(m.remove(&key), want.remove(&key));
                }
                assert_eq!(m.len(), want.len());
                assert_eq!(m.is_empty(), want.is_empty());
                let got: Vec<_> = m.iter().map(|(&k, &id)| (k, id)).collect();
                let exp: Vec<_> = want.iter().map(|(&k, &id)| (k, id)).collect();
                assert_eq!(got, exp);
                let back: Vec<_> = m.values().rev().copied().collect();
                let exp_back: Vec<_> = want.values().rev().copied().collect();
                assert_eq!(back, exp_back);
            }
        }
        // Up to FEW entries stay in place.
        let mut m = Order::default();
        for k in [5_u64, 1, 3] {
            m.insert(k, k as SockId);
        }
        assert!(matches!(m, Order::Few { len: 3, .. }));
        m.insert(4, 4);
        assert!(matches!(m, Order::Map(_)));
    }
}
