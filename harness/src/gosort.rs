//! Go's `slices.SortFunc` order (temporary: insertion sort only; being replaced by a full
//! port of Go's pdqsort).

/// Sorts by key as Go's `slices.SortFunc` with `cmp.Compare` on the key does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && key(&v[j]) < key(&v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}
