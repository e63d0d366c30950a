//! A map from goroutine, proc or thread ids to their ordering state, built for the
//! orderer's hot path: a lookup per event, most of them for the same few ids.

use std::cell::Cell;

use rustc_hash::FxHashMap as HashMap;

/// Slots of the direct-mapped cache in front of the sparse part.
const CACHE_SLOTS: usize = 64;

/// Ids from the first one inserted (the base) on index a vector: real traces number procs
/// and long-lived goroutines densely from 0 or 1, and the threads of a process get ids close
/// together. Other ids (thread ids, the ever-growing ids of short-lived goroutines) live
/// in a slab found through a hash index, with a small direct-mapped cache of recent ids in
/// front so that repeated lookups skip hashing. The dense part only grows to a few times
/// the number of live entries, so a huge id cannot make it large.
///
/// Both parts share one vector, dense part first, so that an entry's place is one index
/// whichever part it is in (the orderer's switch runs hold places across lookups).
#[derive(Debug)]
pub(crate) struct IdMap<V> {
    /// Entry `i < dense_len` holds id `base + i` (every id in `base..base + dense_len`
    /// lives there); entry `dense_len + k` holds sparse id `sparse_ids[k]`, always
    /// present.
    values: Vec<Option<V>>,
    dense_len: usize,
    /// The first id inserted.
    base: Option<i64>,
    /// Ids outside the dense range, in slab order.
    sparse_ids: Vec<i64>,
    /// Slab slot (`k` above) of every sparse id.
    index: HashMap<i64, u32>,
    /// `(id, slot)` of recently used sparse ids, at `id % CACHE_SLOTS`. An entry is only
    /// trusted if the slab still holds `id` at `slot`, so removals need not touch it.
    cache: [Cell<(i64, u32)>; CACHE_SLOTS],
    /// Live entries in both parts.
    len: usize,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap {
            values: Vec::new(),
            dense_len: 0,
            base: None,
            sparse_ids: Vec::new(),
            index: HashMap::default(),
            cache: std::array::from_fn(|_| Cell::new((0, u32::MAX))),
            len: 0,
        }
    }
}

impl<V> IdMap<V> {
    /// Dense slots allowed beyond four per live entry.
    const DENSE_FLOOR: usize = 256;

    #[inline(always)]
    fn dense_slot(&self, id: i64) -> Option<usize> {
        let i = id.wrapping_sub(self.base?);
        (i >= 0 && (i as u64) < self.dense_len as u64).then_some(i as usize)
    }

    #[inline(always)]
    fn cache_cell(&self, id: i64) -> &Cell<(i64, u32)> {
        &self.cache[(id as u64 % CACHE_SLOTS as u64) as usize]
    }

    /// The slab slot of sparse id `id`.
    #[inline(always)]
    fn sparse_slot(&self, id: i64) -> Option<usize> {
        let cell = self.cache_cell(id);
        let (cached_id, slot) = cell.get();
        if cached_id == id && self.sparse_ids.get(slot as usize) == Some(&id) {
            return Some(slot as usize);
        }
        let slot = *self.index.get(&id)?;
        cell.set((id, slot));
        Some(slot as usize)
    }

    /// Where `id`'s entry is, if it has one. A place stays valid until the next insert
    /// or removal, which may move entries.
    #[inline(always)]
    pub(crate) fn place(&self, id: i64) -> Option<Place> {
        match self.dense_slot(id) {
            Some(i) => self.values[i].is_some().then_some(Place(i)),
            None => self.sparse_slot(id).map(|k| Place(self.dense_len + k)),
        }
    }

    /// The index in `values` where `id`'s entry would be: its dense slot, or its slab
    /// slot if it has one.
    #[inline(always)]
    fn slot(&self, id: i64) -> Option<usize> {
        match self.dense_slot(id) {
            Some(i) => Some(i),
            None => self.sparse_slot(id).map(|k| self.dense_len + k),
        }
    }

    /// Where `id`'s entry is and the entry, found with one look at the slot.
    #[inline(always)]
    pub(crate) fn find(&self, id: i64) -> Option<(Place, &V)> {
        let slot = self.slot(id)?;
        Some((Place(slot), self.values.get(slot)?.as_ref()?))
    }

    /// The entry of `id`.
    #[inline(always)]
    pub(crate) fn get(&self, id: &i64) -> Option<&V> {
        // One look at the slot, where going through `place` would look twice.
        self.values.get(self.slot(*id)?)?.as_ref()
    }

    /// The entry of `id`, mutably.
    #[inline(always)]
    pub(crate) fn get_mut(&mut self, id: &i64) -> Option<&mut V> {
        let slot = self.slot(*id)?;
        self.values.get_mut(slot)?.as_mut()
    }

    /// The entries of two different ids at once, mutably (for `a == b`: `a`'s, and `None`).
    #[inline(always)]
    pub(crate) fn get_two_mut(&mut self, a: i64, b: i64) -> (Option<&mut V>, Option<&mut V>) {
        let place_b = if a == b { None } else { self.place(b) };
        let place_a = self.place(a);
        self.at_two_places_mut(place_a, place_b)
    }

    /// The entries at two places at once, mutably (for the same place twice: the first,
    /// and `None`).
    #[inline(always)]
    pub(crate) fn at_two_places_mut(
        &mut self,
        a: Option<Place>,
        b: Option<Place>,
    ) -> (Option<&mut V>, Option<&mut V>) {
        match (a, b) {
            (Some(a), Some(b)) if a != b => match two_of(&mut self.values, a.0, b.0) {
                Some((x, y)) => (x.as_mut(), y.as_mut()),
                None => (None, None),
            },
            (Some(p), _) => (self.at_place_mut(p), None),
            (None, Some(p)) => (None, self.at_place_mut(p)),
            (None, None) => (None, None),
        }
    }

    /// The entry at `p`, mutably.
    #[inline(always)]
    pub(crate) fn at_place_mut(&mut self, p: Place) -> Option<&mut V> {
        self.values.get_mut(p.0)?.as_mut()
    }

    /// Whether `id` has an entry.
    #[inline]
    pub(crate) fn contains_key(&self, id: &i64) -> bool {
        self.get(id).is_some()
    }

    /// Takes sparse id `id` out of the slab.
    fn sparse_remove(&mut self, id: i64) -> Option<V> {
        let slot = self.index.remove(&id)? as usize;
        let last = self.sparse_ids.len() - 1;
        if slot != last {
            let moved = self.sparse_ids[last];
            self.index.insert(moved, slot as u32);
        }
        // The slab is the vector's tail, so both move their last entry into the hole.
        self.sparse_ids.swap_remove(slot);
        self.values.swap_remove(self.dense_len + slot)
    }

    /// Makes the dense part cover `id` if that keeps it within its bound.
    fn grow_for(&mut self, id: i64) {
        let base = *self.base.get_or_insert(id);
        let Some(i) = id.checked_sub(base).and_then(|i| usize::try_from(i).ok()) else {
            return;
        };
        let bound = Self::DENSE_FLOOR.saturating_add(self.len.saturating_mul(4));
        if i < self.dense_len || i >= bound {
            return;
        }
        let new_len = (i + 1).next_power_of_two().min(bound);
        // The new dense slots go in before the slab, which keeps its slot numbers.
        let added = new_len - self.dense_len;
        let at = self.dense_len;
        self.values
            .splice(at..at, std::iter::repeat_with(|| None).take(added));
        self.dense_len = new_len;
        let moved: Vec<i64> = self
            .sparse_ids
            .iter()
            .copied()
            .filter(|&k| self.dense_slot(k).is_some())
            .collect();
        for k in moved {
            let v = self.sparse_remove(k);
            self.values[(k - base) as usize] = v;
        }
    }

    /// Sets the entry of `id`; returns the one it replaces.
    pub(crate) fn insert(&mut self, id: i64, v: V) -> Option<V> {
        self.grow_for(id);
        let old = match self.dense_slot(id) {
            Some(i) => self.values[i].replace(v),
            None => match self.sparse_slot(id) {
                Some(k) => self.values[self.dense_len + k].replace(v),
                None => {
                    let slot = self.sparse_ids.len() as u32;
                    self.sparse_ids.push(id);
                    self.values.push(Some(v));
                    self.index.insert(id, slot);
                    self.cache_cell(id).set((id, slot));
                    None
                }
            },
        };
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Removes the entry of `id`.
    pub(crate) fn remove(&mut self, id: &i64) -> Option<V> {
        let old = match self.dense_slot(*id) {
            Some(i) => self.values[i].take(),
            None => self.sparse_remove(*id),
        };
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// The entry of `id`, inserted as `v` if missing.
    #[inline]
    pub(crate) fn get_or_insert(&mut self, id: i64, v: V) -> &mut V {
        // One lookup when the entry exists (the common case: a thread's state, once per
        // event).
        let at = match self.place(id) {
            Some(p) => p.0,
            None => {
                self.insert(id, v);
                match self.place(id) {
                    Some(p) => p.0,
                    None => unreachable!("an inserted id has a place"),
                }
            }
        };
        self.values[at].as_mut().expect("a place holds an entry")
    }

    /// Every entry, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (i64, &V)> {
        let (dense, sparse) = self.values.split_at(self.dense_len);
        let base = self.base.unwrap_or(0);
        let dense = dense
            .iter()
            .enumerate()
            .filter_map(move |(i, v)| v.as_ref().map(|v| (base + i as i64, v)));
        let sparse = self.sparse_ids.iter().copied().zip(sparse.iter().flatten());
        dense.chain(sparse)
    }
}

/// Entries `i` and `j` of `v` at once, mutably; `None` unless both exist and differ
/// (places from lookups always do).
#[inline(always)]
fn two_of<T>(v: &mut [T], i: usize, j: usize) -> Option<(&mut T, &mut T)> {
    if i == j || i >= v.len() || j >= v.len() {
        return None;
    }
    if i < j {
        let (low, high) = v.split_at_mut(j);
        Some((&mut low[i], &mut high[0]))
    } else {
        let (low, high) = v.split_at_mut(i);
        Some((&mut high[0], &mut low[j]))
    }
}

/// Where an entry of an [`IdMap`] lives: its index in the map's vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place(usize);

/// Which ids of a generation table exist, for the check of every handed-out event's stack
/// and string ids: ids up to a few times the table's size (the runtime numbers them from
/// 1) are answered by a bit vector, the rest by the table itself.
#[derive(Debug, Default)]
pub(crate) struct IdSet {
    bits: Vec<u64>,
}

impl IdSet {
    /// The set of `ids`, a table of `len` entries.
    pub(crate) fn new(ids: impl Iterator<Item = u64>, len: usize) -> IdSet {
        let bound = len.saturating_mul(4).saturating_add(64) as u64;
        let mut bits = Vec::new();
        for id in ids.filter(|&id| id < bound) {
            let word = (id / 64) as usize;
            if word >= bits.len() {
                bits.resize(word + 1, 0);
            }
            bits[word] |= 1 << (id % 64);
        }
        IdSet { bits }
    }

    /// `Some(present)` when the bit vector covers `id`; `None`: ask the table.
    #[inline(always)]
    pub(crate) fn covers(&self, id: u64) -> Option<bool> {
        let word = self.bits.get((id / 64) as usize)?;
        Some(word & (1 << (id % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Random inserts, removals and lookups over small, large and negative ids agree with
    /// an ordinary map at every step.
    #[test]
    fn agrees_with_a_plain_map() {
        let mut rng = crate::seeded::SplitMix64(7);
        let mut next = move || rng.next_u64();
        let mut map = IdMap::default();
        let mut model = BTreeMap::new();
        for step in 0..200_000u64 {
            let r = next();
            let id = match r % 4 {
                0 => (r >> 8) as i64 % 300,
                1 => 100_000 + (r >> 8) as i64 % 200,
                2 => (r >> 8) as i64 % 5_000,
                _ => -((r >> 8) as i64 % 3) - 1,
            };
            match (r >> 40) % 5 {
                0 | 1 => assert_eq!(map.insert(id, step), model.insert(id, step)),
                2 => assert_eq!(map.remove(&id), model.remove(&id)),
                3 => {
                    *map.get_or_insert(id, step) += 1;
                    *model.entry(id).or_insert(step) += 1;
                }
                _ => {
                    assert_eq!(map.get(&id), model.get(&id));
                    assert_eq!(map.get_mut(&id).copied(), model.get(&id).copied());
                    let found = map.find(id).map(|(place, &v)| (place, v));
                    assert_eq!(found.map(|(_, v)| v), model.get(&id).copied());
                    if let Some((place, v)) = found {
                        assert_eq!(map.place(id), Some(place));
                        assert_eq!(map.at_place_mut(place).copied(), Some(v));
                    }
                }
            }
            assert_eq!(map.len, model.len());
        }
        let mut all: Vec<(i64, u64)> = map.iter().map(|(k, v)| (k, *v)).collect();
        all.sort();
        assert_eq!(all, model.into_iter().collect::<Vec<_>>());
    }

    /// Two entries at once, by id or by place, are the right ones (dense, sparse or one
    /// of each), writes through both land, and the same id twice gives it once.
    #[test]
    fn two_entries_at_once() {
        let mut map = IdMap::default();
        let mut model = BTreeMap::new();
        let ids: Vec<i64> = (0..40).chain((0..40).map(|i| 1_000_000 + i * 7)).collect();
        for &id in &ids {
            map.insert(id, id * 10);
            model.insert(id, id * 10);
        }
        for &a in &ids {
            for b in [a, a + 1, 1_000_007, 3, -5] {
                let (x, y) = map.get_two_mut(a, b);
                assert_eq!(x.as_deref(), model.get(&a));
                if a == b {
                    assert!(y.is_none());
                    continue;
                }
                assert_eq!(y.as_deref(), model.get(&b));
                if let (Some(x), Some(y)) = (x, y) {
                    *x += 1;
                    *y += 2;
                    *model.get_mut(&a).unwrap() += 1;
                    *model.get_mut(&b).unwrap() += 2;
                }
                let (pa, pb) = (map.place(a), map.place(b));
                let (x, y) = map.at_two_places_mut(pa, pb);
                assert_eq!((x.as_deref(), y.as_deref()), (model.get(&a), model.get(&b)));
            }
        }
    }

    #[test]
    fn id_set_answers_for_small_ids_and_defers_large_ones() {
        let ids = [1u64, 2, 3, 70, 1_000_000];
        let set = IdSet::new(ids.iter().copied(), ids.len());
        assert_eq!(set.covers(2), Some(true));
        assert_eq!(set.covers(4), Some(false));
        assert_eq!(set.covers(70), Some(true));
        assert_eq!(set.covers(0), Some(false));
        // Beyond the bit vector: the caller asks the table.
        assert_eq!(set.covers(1_000_000), None);
        assert_eq!(IdSet::default().covers(1), None);
    }
}
