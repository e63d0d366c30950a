//! Go's `slices.SortFunc` order, reproduced exactly, ties included.
//!
//! Go's reader sorts its frontier of batch cursors by time with `slices.SortFunc`, which is
//! an unstable pattern-defeating quicksort. Which of several equal-time cursors it tries first
//! is decided by that algorithm, so to order events as Go does we must sort as Go sorts.

use std::cmp::Ordering;

/// Records, in unit tests only, that a branch of the algorithm ran (see the coverage check).
macro_rules! took {
    ($path:ident) => {
        #[cfg(test)]
        tests::took(tests::Path::$path);
    };
}

/// Sorts by key as Go's `slices.SortFunc` with `cmp.Compare` on the key does.
///
/// Elements with equal keys land where Go puts them; see [`sort_by`].
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` as Go's `slices.SortFunc(v, cmp)` does, `Ordering::Less` standing for a
/// negative result (the only thing Go's sort ever asks of `cmp`).
///
/// This mirrors Go's pdqsort (`slices/zsortanyfunc.go`, identical in Go 1.25, 1.26 and 1.27)
/// step for step: the same comparisons in the same order, the same swaps, the same pivot
/// choices and the same length-seeded pattern breaking. It is unstable exactly as Go's sort
/// is, so ties land where Go puts them. It does not allocate, recurses at most
/// `log2(v.len())` deep, and does not panic unless `cmp` does.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let n = v.len();
    let mut less = |a: &T, b: &T| cmp(a, b) == Ordering::Less;
    pdqsort(v, 0, n, bit_len(n), &mut less);
}

/// Go's `bits.Len`: the number of bits needed to represent `n`.
fn bit_len(n: usize) -> u32 {
    usize::BITS - n.leading_zeros()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

fn insertion_sort<T, F: FnMut(&T, &T) -> bool>(v: &mut [T], a: usize, b: usize, less: &mut F) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Restores the max-heap property below `root` in the heap `v[first..first + hi]`.
fn sift_down<T, F: FnMut(&T, &T) -> bool>(
    v: &mut [T],
    mut root: usize,
    hi: usize,
    first: usize,
    less: &mut F,
) {
    loop {
        let mut child = match root.checked_mul(2).and_then(|c| c.checked_add(1)) {
            Some(child) if child < hi => child,
            _ => return,
        };
        if child + 1 < hi && less(&v[first + child], &v[first + child + 1]) {
            child += 1;
        }
        if !less(&v[first + root], &v[first + child]) {
            return;
        }
        v.swap(first + root, first + child);
        root = child;
    }
}

fn heap_sort<T, F: FnMut(&T, &T) -> bool>(v: &mut [T], a: usize, b: usize, less: &mut F) {
    took!(HeapSort);
    let hi = b - a;
    if hi == 0 {
        return;
    }
    for i in (0..=(hi - 1) / 2).rev() {
        sift_down(v, i, hi, a, less);
    }
    for i in (0..hi).rev() {
        v.swap(a, a + i);
        sift_down(v, 0, i, a, less);
    }
}

/// Sorts `v[a..b]`, falling back to heapsort after `limit` badly unbalanced partitions.
/// Indices stay absolute: like Go, it looks at `v[a - 1]` and below.
fn pdqsort<T, F: FnMut(&T, &T) -> bool>(
    v: &mut [T],
    mut a: usize,
    mut b: usize,
    mut limit: u32,
    less: &mut F,
) {
    const MAX_INSERTION: usize = 12;

    let mut was_balanced = true;
    let mut was_partitioned = true;
    loop {
        let length = b - a;
        if length <= MAX_INSERTION {
            took!(InsertionSort);
            insertion_sort(v, a, b, less);
            return;
        }
        if limit == 0 {
            heap_sort(v, a, b, less);
            return;
        }
        if !was_balanced {
            break_patterns(v, a, b);
            limit -= 1;
        }

        let (mut pivot, mut hint) = choose_pivot(v, a, b, less);
        if hint == Hint::Decreasing {
            took!(Reversed);
            v[a..b].reverse();
            pivot = (b - 1) - (pivot - a);
            hint = Hint::Increasing;
        }
        if was_balanced
            && was_partitioned
            && hint == Hint::Increasing
            && partial_insertion_sort(v, a, b, less)
        {
            return;
        }

        if a > 0 && !less(&v[a - 1], &v[pivot]) {
            a = partition_equal(v, a, b, pivot, less);
            continue;
        }

        let (mid, already_partitioned) = partition(v, a, b, pivot, less);
        was_partitioned = already_partitioned;
        let (left_len, right_len) = (mid - a, b - mid);
        let balance_threshold = length / 8;
        if left_len < right_len {
            was_balanced = left_len >= balance_threshold;
            pdqsort(v, a, mid, limit, less);
            a = mid + 1;
        } else {
            was_balanced = right_len >= balance_threshold;
            pdqsort(v, mid + 1, b, limit, less);
            b = mid;
        }
    }
}

/// Partitions `v[a..b]` around `v[pivot]`: smaller elements first, then the pivot, then the
/// rest. Returns the pivot's new index and whether nothing had to be swapped.
fn partition<T, F: FnMut(&T, &T) -> bool>(
    v: &mut [T],
    a: usize,
    b: usize,
    pivot: usize,
    less: &mut F,
) -> (usize, bool) {
    v.swap(a, pivot);
    let (mut i, mut j) = (a + 1, b - 1);
    while i <= j && less(&v[i], &v[a]) {
        i += 1;
    }
    while i <= j && !less(&v[j], &v[a]) {
        j -= 1;
    }
    if i > j {
        took!(AlreadyPartitioned);
        v.swap(j, a);
        return (j, true);
    }
    v.swap(i, j);
    i += 1;
    j -= 1;
    loop {
        while i <= j && less(&v[i], &v[a]) {
            i += 1;
        }
        while i <= j && !less(&v[j], &v[a]) {
            j -= 1;
        }
        if i > j {
            break;
        }
        v.swap(i, j);
        i += 1;
        j -= 1;
    }
    v.swap(j, a);
    (j, false)
}

/// Splits `v[a..b]`, which holds nothing smaller than `v[pivot]`, into the elements equal to
/// it followed by the greater ones; returns where the greater ones start.
fn partition_equal<T, F: FnMut(&T, &T) -> bool>(
    v: &mut [T],
    a: usize,
    b: usize,
    pivot: usize,
    less: &mut F,
) -> usize {
    took!(PartitionEqual);
    v.swap(a, pivot);
    let (mut i, mut j) = (a + 1, b - 1);
    loop {
        while i <= j && !less(&v[a], &v[i]) {
            i += 1;
        }
        while i <= j && less(&v[a], &v[j]) {
            j -= 1;
        }
        if i > j {
            return i;
        }
        v.swap(i, j);
        i += 1;
        j -= 1;
    }
}

/// Fixes up to a few out-of-order neighbours in `v[a..b]`; true if it is then sorted.
fn partial_insertion_sort<T, F: FnMut(&T, &T) -> bool>(
    v: &mut [T],
    a: usize,
    b: usize,
    less: &mut F,
) -> bool {
    const MAX_STEPS: usize = 5;
    const SHORTEST_SHIFTING: usize = 50;

    let mut i = a + 1;
    for _ in 0..MAX_STEPS {
        while i < b && !less(&v[i], &v[i - 1]) {
            i += 1;
        }
        if i == b {
            took!(PresortedExit);
            return true;
        }
        if b - a < SHORTEST_SHIFTING {
            took!(PresortedGiveUp);
            return false;
        }
        took!(PresortedShift);
        v.swap(i, i - 1);
        if i - a >= 2 {
            // Go walks down to index 1 here, not to `a`.
            let mut j = i - 1;
            while j >= 1 {
                if !less(&v[j], &v[j - 1]) {
                    break;
                }
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        if b - i >= 2 {
            let mut j = i + 1;
            while j < b {
                if !less(&v[j], &v[j - 1]) {
                    break;
                }
                v.swap(j, j - 1);
                j += 1;
            }
        }
    }
    took!(PresortedGiveUp);
    false
}

/// Go's xorshift generator for pattern breaking.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Swaps three elements around the middle of `v[a..b]` with pseudo-random ones; the
/// generator is seeded with the length, so this is deterministic.
fn break_patterns<T>(v: &mut [T], a: usize, b: usize) {
    let length = b - a;
    if length < 8 {
        return;
    }
    took!(BreakPatterns);
    let mut random = XorShift(length as u64);
    // Go's nextPowerOfTwo: 1 << bits.Len(length).
    let mask = 1u64
        .checked_shl(bit_len(length))
        .unwrap_or(0)
        .wrapping_sub(1);
    let mid = a + (length / 4) * 2;
    for idx in mid - 1..=mid + 1 {
        let mut other = (random.next() & mask) as usize;
        if other >= length {
            other -= length;
        }
        v.swap(idx, a + other);
    }
}

/// Picks a pivot in `v[a..b]`: a fixed one below 8 elements, median of three below 50,
/// Tukey's ninther from there. The hint tells whether the samples looked sorted either way.
fn choose_pivot<T, F: FnMut(&T, &T) -> bool>(
    v: &[T],
    a: usize,
    b: usize,
    less: &mut F,
) -> (usize, Hint) {
    const SHORTEST_NINTHER: usize = 50;
    const MAX_SWAPS: u32 = 4 * 3;

    let l = b - a;
    let mut swaps = 0;
    let mut i = a + l / 4;
    let mut j = a + l / 4 * 2;
    let mut k = a + l / 4 * 3;
    if l >= 8 {
        if l >= SHORTEST_NINTHER {
            took!(Ninther);
            i = median_adjacent(v, i, &mut swaps, less);
            j = median_adjacent(v, j, &mut swaps, less);
            k = median_adjacent(v, k, &mut swaps, less);
        }
        j = median(v, i, j, k, &mut swaps, less);
    }
    match swaps {
        0 => (j, Hint::Increasing),
        MAX_SWAPS => (j, Hint::Decreasing),
        _ => (j, Hint::Unknown),
    }
}

/// Returns `(a, b)` or `(b, a)`, whichever has `v[first] <= v[second]`, counting swaps.
fn order2<T, F: FnMut(&T, &T) -> bool>(
    v: &[T],
    a: usize,
    b: usize,
    swaps: &mut u32,
    less: &mut F,
) -> (usize, usize) {
    if less(&v[b], &v[a]) {
        *swaps += 1;
        (b, a)
    } else {
        (a, b)
    }
}

/// The index among `a`, `b`, `c` holding the median of their elements.
fn median<T, F: FnMut(&T, &T) -> bool>(
    v: &[T],
    a: usize,
    b: usize,
    c: usize,
    swaps: &mut u32,
    less: &mut F,
) -> usize {
    let (a, b) = order2(v, a, b, swaps, less);
    let (b, _) = order2(v, b, c, swaps, less);
    let (_, b) = order2(v, a, b, swaps, less);
    b
}

/// The index among `a - 1`, `a`, `a + 1` holding the median of their elements.
fn median_adjacent<T, F: FnMut(&T, &T) -> bool>(
    v: &[T],
    a: usize,
    swaps: &mut u32,
    less: &mut F,
) -> usize {
    median(v, a - 1, a, a + 1, swaps, less)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Branches of the algorithm whose use the coverage check asserts.
    #[derive(Clone, Copy, Debug)]
    pub(super) enum Path {
        InsertionSort,
        HeapSort,
        BreakPatterns,
        Ninther,
        Reversed,
        PresortedExit,
        PresortedShift,
        PresortedGiveUp,
        PartitionEqual,
        AlreadyPartitioned,
    }

    const PATHS: [Path; 10] = [
        Path::InsertionSort,
        Path::HeapSort,
        Path::BreakPatterns,
        Path::Ninther,
        Path::Reversed,
        Path::PresortedExit,
        Path::PresortedShift,
        Path::PresortedGiveUp,
        Path::PartitionEqual,
        Path::AlreadyPartitioned,
    ];

    thread_local! {
        static TAKEN: Cell<[u64; PATHS.len()]> = const { Cell::new([0; PATHS.len()]) };
    }

    pub(super) fn took(path: Path) {
        TAKEN.with(|t| {
            let mut counts = t.get();
            counts[path as usize] += 1;
            t.set(counts);
        });
    }

    fn taken(path: Path) -> u64 {
        TAKEN.with(|t| t.get()[path as usize])
    }

    // The inputs below are built exactly as GO_GENERATOR (the Go program at the end of this
    // module) builds them; GO_DIGESTS and friends are its output.

    use crate::seeded::SplitMix64 as SplitMix;

    #[derive(Clone, Copy, Debug)]
    struct Case {
        pat: u32,
        n: usize,
        p: u64,
    }

    const NUM_PATTERNS: u32 = 12;
    const KILLER: u32 = 8;
    /// Lengths at which `killer` drives the sort into its heapsort fallback.
    const HEAPSORT_KILLERS: [usize; 7] = [36, 123, 187, 299, 1003, 2043, 4987];

    fn cases() -> Vec<Case> {
        let mut cs = Vec::new();
        let ranges = [1, 2, 3, 4, 8, 16, 0, 1 << 40];
        for n in 0..=200 {
            let p = match ranges[n % 8] {
                0 => n as u64 + 1,
                r => r,
            };
            cs.push(Case { pat: 0, n, p });
        }
        let params = [1, 2, 3, 5];
        let lens = [
            2, 7, 8, 12, 13, 14, 20, 31, 49, 50, 51, 63, 64, 65, 100, 127, 128, 129, 199, 200,
        ];
        for n in lens {
            for pat in 0..NUM_PATTERNS {
                let p = params[(n + pat as usize) % 4];
                cs.push(Case { pat, n, p });
            }
        }
        let big_ranges = [3, 10, 100, 1 << 40, 2];
        for (i, n) in [1000, 2048, 3001, 4096, 5000].into_iter().enumerate() {
            for pat in 0..NUM_PATTERNS {
                let p = if pat == 0 {
                    big_ranges[i]
                } else {
                    params[(i + pat as usize) % 4]
                };
                cs.push(Case { pat, n, p });
            }
        }
        for n in HEAPSORT_KILLERS {
            cs.push(Case {
                pat: KILLER,
                n,
                p: 1,
            });
        }
        cs
    }

    /// McIlroy's antiqsort adversary, run against our sort: an input on which it degrades.
    fn killer(n: usize) -> Vec<u64> {
        let gas = n as u64;
        let mut val = vec![gas; n];
        let mut ptr: Vec<usize> = (0..n).collect();
        let mut solid = 0;
        let mut candidate = usize::MAX;
        sort_by(&mut ptr, |&x, &y| {
            if val[x] == gas && val[y] == gas {
                if x == candidate {
                    val[x] = solid;
                } else {
                    val[y] = solid;
                }
                solid += 1;
            }
            if val[x] == gas {
                candidate = x;
            } else if val[y] == gas {
                candidate = y;
            }
            val[x].cmp(&val[y])
        });
        val
    }

    fn keys(c: Case, seed: u64) -> Vec<u64> {
        let mut r = SplitMix(seed);
        let (n, p) = (c.n, c.p);
        let mut k: Vec<u64> = (0..n)
            .map(|i| {
                let u = i as u64;
                match c.pat {
                    0 => r.below(p),
                    1 | 6 | 9 | 10 => u / p,
                    2 | 11 => (n - i) as u64 / p,
                    3 => 7,
                    4 => u % (p + 1),
                    5 => i.min(n - 1 - i) as u64 / p,
                    7 => p - u % (p + 1),
                    _ => 0,
                }
            })
            .collect();
        match c.pat {
            6 | 11 if n > 0 => {
                for _ in 0..3 {
                    let i = r.below(n as u64) as usize;
                    let j = r.below(n as u64) as usize;
                    k.swap(i, j);
                }
            }
            KILLER => k = killer(n),
            9 if n > 0 => k[n - 1] = r.below(n as u64 + 1),
            10 if n > 0 => k[0] = r.below(n as u64 + 1),
            _ => {}
        }
        k
    }

    /// Sorts (key, original index) pairs by key alone; returns the indices in sorted order,
    /// after checking that the keys came out sorted.
    fn sorted_indices(k: &[u64]) -> Vec<u32> {
        let mut v: Vec<(u64, u32)> = k.iter().zip(0..).map(|(&key, i)| (key, i)).collect();
        sort_by_key(&mut v, |&(key, _)| key);
        assert!(v.windows(2).all(|w| w[0].0 <= w[1].0), "not sorted: {k:?}");
        v.into_iter().map(|(_, i)| i).collect()
    }

    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

    fn fnv(mut h: u64, perm: &[u32]) -> u64 {
        for x in perm {
            for b in x.to_le_bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x100_0000_01b3);
            }
        }
        h
    }

    #[test]
    fn matches_go_on_every_case() {
        let cs = cases();
        assert_eq!(cs.len(), GO_DIGESTS.len());
        for (i, (&c, &want)) in cs.iter().zip(&GO_DIGESTS).enumerate() {
            let heapsorts = taken(Path::HeapSort);
            let perm = sorted_indices(&keys(c, i as u64));
            assert_eq!(fnv(FNV_OFFSET, &perm), want, "case {i}: {c:?}: {perm:?}");
            if c.pat == KILLER && HEAPSORT_KILLERS.contains(&c.n) {
                assert!(
                    taken(Path::HeapSort) > heapsorts,
                    "case {i}: {c:?}: no heapsort"
                );
            }
        }
        for path in PATHS {
            assert!(taken(path) > 0, "no case takes {path:?}");
        }
    }

    #[test]
    fn matches_go_on_bulk_random_inputs() {
        let mut r = SplitMix(0xb0b);
        let mut h = FNV_OFFSET;
        for _ in 0..GO_BULK_CASES {
            let n = r.below(300) as usize;
            let m = r.below(64);
            let p = 1 + r.below(1 + m);
            let seed = r.next_u64();
            h = fnv(h, &sorted_indices(&keys(Case { pat: 0, n, p }, seed)));
        }
        assert_eq!(h, GO_BULK_DIGEST);
    }

    #[test]
    fn ties_land_where_go_puts_them() {
        let k: Vec<u64> = (0..20).map(|i| i * 7 % 3).collect();
        assert_eq!(sorted_indices(&k), GO_EXAMPLE);
        // Twelve elements or fewer are insertion-sorted, hence stable.
        let k: Vec<u64> = (0..12).map(|i| i * 7 % 3).collect();
        assert_eq!(sorted_indices(&k), [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11]);
    }

    #[test]
    fn sorts_zero_sized_and_trivial_slices() {
        let mut units = vec![(); 1000];
        sort_by(&mut units, |_, _| Ordering::Less);
        let mut empty: [u8; 0] = [];
        sort_by_key(&mut empty, |&x| x);
        let mut one = [5];
        sort_by_key(&mut one, |&x| x);
        assert_eq!(one, [5]);
    }

    #[test]
    fn survives_inconsistent_comparators() {
        let mut r = SplitMix(7);
        for n in [13, 50, 200, 1000] {
            let mut v: Vec<u32> = (0..n).collect();
            sort_by(&mut v, |_, _| match r.below(3) {
                0 => Ordering::Less,
                1 => Ordering::Equal,
                _ => Ordering::Greater,
            });
            v.sort_unstable();
            assert!(v.iter().copied().eq(0..n));
        }
    }

    /// Writes GO_GENERATOR to `$TMPDIR/gosort_gen/main.go`, to regenerate the digests.
    #[test]
    #[ignore = "writes the Go generator out; see GO_GENERATOR"]
    fn write_go_generator() {
        let dir = std::env::temp_dir().join("gosort_gen");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("main.go");
        std::fs::write(&path, GO_GENERATOR).unwrap();
        println!("wrote {}", path.display());
    }

    const GO_BULK_CASES: u32 = 2000;

    // Output of GO_GENERATOR (identical under Go 1.25.5, 1.26.6 and 1.27.3).
    #[rustfmt::skip]
    const GO_DIGESTS: [u64; 508] = [
        0xcbf29ce484222325, 0x4d25767f9dce13f5, 0x08cd4c29d1e47d34, 0x756241e1be8c9396,
        0x561d06fbc24cb165, 0xc92e1f876680f9c1, 0x083146296c90e9f4, 0xa0987edf90e14492,
        0x66b04c3323ce3f25, 0x0c8b1dcc4bf3330d, 0x55af84484806f9a4, 0x20d581bb4666482e,
        0x53fa2408a77ae805, 0x41c6231ec2b52919, 0x14344dee526f3f94, 0x2d65126a3f10a98a,
        0x2135120b48416d25, 0xabe44becaa068fd5, 0x72d5c3d5eb845b64, 0xa3696d9bf5f6cb86,
        0x46c86ac0748a2465, 0xf9794490d317ed71, 0xdd2f0d21352ae064, 0x184558d763d15212,
        0x49684e18280b7d65, 0x9747052434bb299d, 0x872941965f13e674, 0x11e5d4833d16f3ee,
        0x96193a7f4621e945, 0x1fb1a1cfe7e146c9, 0xc2369dfe5c490c34, 0x49646d86148e27da,
        0xf77b12af4e26bfa5, 0xc32a3ab774d52825, 0xcc540c4667689e34, 0x9fdd44a7f7f2dd06,
        0x49c9204c7e5bec15, 0x860c18cdd6c515c1, 0xda8a1bae37084a84, 0x379a18e7f4d69182,
        0xf60decece00f7b25, 0x5677b19ebb1f024d, 0x4228eeec7a4b6d34, 0x6996a87d8ab80d1e,
        0x84f9c8922f0ce155, 0x55b3c0913cddd3b9, 0x4d3080d9b041b344, 0x24bc13e0eef2fd5a,
        0xddfe81ec81ef08a5, 0x71d15636ee1a6685, 0x1a2131ee7152de94, 0x549f637a5f86c706,
        0xbe2572bcb68e3e05, 0xbef73758ef9c3141, 0x5b842588b8718124, 0xc251b8d9ee994ec2,
        0x8cc278c05354d8e5, 0x0dda9079e5976e6d, 0xbed2cd87e311bbb4, 0xeba5d4181d6842be,
        0x66ed552ee80ada25, 0x525c06efe53a7509, 0x0fbd35b7bdcd9ef4, 0x7b80efafdd53263a,
        0xf5f45328a8ebdb25, 0xacaa73fef0663825, 0xa0aed832eb16a714, 0x56c2f42937082146,
        0xa81acf4f3a774645, 0xed63dec74e10b351, 0x19b858a4881ed0c4, 0xba232b7b67602f22,
        0x46edf10679a98025, 0x79c77e8b2440550d, 0x6f3ebd0589164304, 0x34298fc7538c5fce,
        0x7b024903cfd11715, 0xc022e96b3b700ae9, 0x1396cdf0012854e4, 0xb5085ae1fbb6b07a,
        0x0af30ed66032b725, 0xcb8147a1959516f5, 0x805d88521d6a0154, 0x455086543630afb6,
        0x5e20e0d13f47b7b5, 0xc29b97f3b9eaa8e1, 0x6d56faa4dd9d5e24, 0x126513f761a73b52,
        0xdbfdb45678501665, 0x764cc01a7a88b78d, 0xef920b58b29e3c44, 0x6aba49bb9cce1eee,
        0xf3d5e27af9f363e5, 0x1fd7a2e1fe7c1009, 0x3931d1d47cc4bc14, 0x118c5fabb45cfcaa,
        0x22e91daa1bc989a5, 0x5a652434b06b4ea5, 0x17292f80b7d7f1f4, 0x515e9aa3393df816,
        0x9d51dbfa18544ee5, 0xde80851de7d00941, 0xbfce73059938c944, 0x3304d3f1c829f512,
        0xe93d3667a353ee25, 0x775484e81f86c17d, 0x9faba0ae360af024, 0xfd13be51880a669e,
        0xfe48cd3165d1f495, 0x1297062a16e547a9, 0xc109fd0bdfa535a4, 0x877d7ccadcff726a,
        0x00547394dbe9a4a5, 0x09ac1a2dbc52a125, 0xdf542af2b5b119f4, 0xcbbd99dc50d4dfb6,
        0x7789cc4fa4702b55, 0x1a0db01c50363e41, 0x7c1dc20010229774, 0xbf75ba0d1d8e97f2,
        0xc468dd803780d5e5, 0x5a519c61f9183b3d, 0x5b1caaad3428b2d4, 0xe81d48a75aee8a3e,
        0xdce0642323f436a5, 0x16703fc7a73b3809, 0xfe69eb74a47c3ba4, 0x668852d3be3be84a,
        0x709f2462c272f725, 0x69c771d561aae905, 0x59cf9fcc2bc803f4, 0xc5555bbe315cb026,
        0xae819fe873b31c35, 0x0e89dbbcbe3c98e1, 0xd4fd42c966c95db4, 0x99702180f250ac42,
        0xc22e2a24aac8a625, 0xb4c774403135c0ed, 0xb9f441deb98e1374, 0x61b25e1cf6246e7e,
        0xeb571def9b85c2d5, 0x13620d42a3fd47c9, 0x3a68fb744162b0e4, 0xc247e004f56257aa,
        0x0a26fee7ba04c325, 0xb5e42df081fa9915, 0xe11a821da00c04d4, 0xc57b1aec5fbc2a36,
        0xc535ab66de1888b5, 0xfb71a6e98c9d4631, 0xf8ed5bc672d714b4, 0x338aa3b05cb75512,
        0xe99c7d6648a81465, 0xe2bb48efcb86e75d, 0xbc25669e6c66ba14, 0x133098bcb5ab81de,
        0x59eb18b5d304ec45, 0xf68c1d094285a5e9, 0x034d50233a43c2a4, 0x1f52a0a8adca90da,
        0xcd7d516b50b2b9a5, 0x77770340a14d6575, 0x3026c7af492f6ca4, 0xf17ebdbca6845ba6,
        0x4f4c682d5ef37c65, 0xc4367f6b840665b1, 0xfe8eaf861bbe2eb4, 0x3f538494b972b742,
        0x41aa87f420df4325, 0x9cef595727d361ad, 0xce1365c39beb9b44, 0x25ac6ae152e0bc6e,
        0x00909fac7f20c805, 0xeb87f81037b770c9, 0x92ae9ef7c4177974, 0x02552b6a17d6636a,
        0x5c0b14d7140620a5, 0xac309410fbf000a5, 0xcd0f23284c435454, 0x0a07b99dd001b8f6,
        0x2ce0c771b7128915, 0x2154675e638cdf51, 0x5ef523224ca17a74, 0x8dfe89013536c5e2,
        0x8ce996113096dfe5, 0x51f90eac42ba7bbd, 0x6f33fac2762efdf4, 0xf3cee3f65c6e659e,
        0xe12f71440be2e935, 0x2bc40b7f3b798e79, 0x761cedfb25f7d0b4, 0xfcb461147b085b1a,
        0x1995140247309125, 0x528272b9cb97c8c5, 0x94a7b3cc816f7304, 0xcfa5af0cac2eed16,
        0xb948a99bb6abb4e5, 0xf6966e120bcd2411, 0x549a42e976d7cc44, 0xa7e9d199262fbe82,
        0x40d0f1d3d90d9325, 0x89cd31291d2aefa4, 0x08cd4c29d1e47d34, 0x89cd31291d2aefa4,
        0x08cd4c29d1e47d34, 0x08cd4c29d1e47d34, 0x08cd4c29d1e47d34, 0x89cd31291d2aefa4,
        0x89cd31291d2aefa4, 0x08cd4c29d1e47d34, 0x08cd4c29d1e47d34, 0x08cd4c29d1e47d34,
        0x08cd4c29d1e47d34, 0xa12538eca7dec902, 0xae7a689bc2e9f352, 0x3bea64daa0099262,
        0xae7a689bc2e9f352, 0x8631d243fdb62782, 0xacdca8846b0ad032, 0xae7a689bc2e9f352,
        0x0bcfec4066688872, 0xae7a689bc2e9f352, 0xd80c32cc80d47922, 0x742841ce68646352,
        0xeba7164dd482c492, 0x66b04c3323ce3f25, 0x66b04c3323ce3f25, 0x0fd56bc863f36735,
        0x66b04c3323ce3f25, 0xb9958296cc008c85, 0x7123cdb9b73a9b25, 0x66b04c3323ce3f25,
        0xf81be716f9da9c95, 0x66b04c3323ce3f25, 0xe5b06733d887ccb5, 0x64b45d444b219725,
        0x150363dfde63beb5, 0xe554888727308865, 0xe554888727308865, 0xc45e873983ff0ff5,
        0xe554888727308865, 0x00d02a0818cac575, 0xbcd134218be01c65, 0xbceee00a96b10365,
        0xbe48338e6d6ce1f5, 0xe554888727308865, 0xe554888727308865, 0xab5b1b3e1e5e6065,
        0x2e85ec1aad676345, 0xa7dbf1d604fc2da9, 0xe6fecf7c5a675f79, 0x65aab3a6028a3a29,
        0xe6fecf7c5a675f79, 0xad692a92e85b8779, 0xc2eb55d1f5b80cf9, 0x6a7c4bd63fa6fee9,
        0x0baed3b9ff014a09, 0x3419cc649ca19ff9, 0xfa2cc376715c9559, 0xe6fecf7c5a675f79,
        0x61a237035ede1219, 0x7c3e14744cba8554, 0x3c7534ead9aa40b4, 0xf951001ed59c1d24,
        0x3c7534ead9aa40b4, 0xd52d1879d1996664, 0xae946b9b883c7bb4, 0xe03eb79fa9a8ae14,
        0x96ebed21764a3d34, 0xcef650d57e86c934, 0x3c7534ead9aa40b4, 0x7370ce9146292f24,
        0xa5126d90fe809034, 0x180afee825580385, 0x180afee825580385, 0xaffb085caae94b55,
        0x180afee825580385, 0x69b483a8ebcaf995, 0x4ac2246dc8948415, 0x59f6ecc05f0f2fa5,
        0x455b43588f77a445, 0xe8af978cd092ec65, 0x180afee825580385, 0x4fdc2af9b9298565,
        0xea3b75d9dd4005c5, 0x585504ebbd98476a, 0x40f147e9f4bcabca, 0x3cac5f5be454877a,
        0x40f147e9f4bcabca, 0xb8b25952181db67a, 0xb2d3f079ff658e4a, 0xbec500ad9e4dcc1a,
        0x5b86949510ae574a, 0xe9cd3811599de1fa, 0x835d657ad0f7b5fa, 0x086686b61f85768a,
        0xc6c1c1c003dd1d9a, 0xa0b3545808405085, 0x93ecda67f78a4865, 0x170bf824e68847c5,
        0x93ecda67f78a4865, 0xa64e2b82b40b5b05, 0xd0ab84310f77c335, 0xe90e7c3e5e006a05,
        0x8c103efc31e50da5, 0xde94ae1f3c8ee2c5, 0x93ecda67f78a4865, 0xde6e5a05f65fc315,
        0x00440345f16f75a5, 0x483ce48c31dc6174, 0x512d7539f3d4a794, 0xb91d01b915b66c24,
        0x512d7539f3d4a794, 0xd7869ce224209e94, 0x61f31044f5da3114, 0xf85c3f5402459734,
        0x128773f1fff249c4, 0xa2b01b1d9fda9c54, 0x512d7539f3d4a794, 0xbadba7be32b15154,
        0xc7da80e8c205f004, 0xc4faf7e0acbc2356, 0x6b23a56bbfeedd06, 0x453cd632a3686c26,
        0x6b23a56bbfeedd06, 0xe2cfab5c1b0f3ca6, 0x6ad66090cd5d46f6, 0xec440a0739f8beb6,
        0x5f6a07b89a4a6066, 0x14274a659c6eff76, 0xbc69d77492aba5c6, 0x09b0f80647d62e96,
        0x52536b53c85bb816, 0x57ea4de19c2d2e4a, 0xaaaf5da2f56bcf6a, 0xb152fe85e29ba8aa,
        0xaaaf5da2f56bcf6a, 0x995116f160ab5a7a, 0xddf835de08d98eea, 0xe5ae0f3c9092831a,
        0x5a8b7ed07e417b0a, 0xa21e318999a227ea, 0xca66ad18799984da, 0xe489c3e7b0f3f3fa,
        0x9b3dc79fb9ea42aa, 0xf5f45328a8ebdb25, 0xf5f45328a8ebdb25, 0x2a939b2d35426655,
        0xf5f45328a8ebdb25, 0xa6213234cebeb845, 0xf5e8c7a3745d1fc5, 0xb9f887719f253bb5,
        0x9722372f0925ea55, 0xd185851acb1dc285, 0x3d9fcb0bcd242aa5, 0xe93b49dbfc4d2a25,
        0x486a3e08bc004d85, 0x63713b29a35d09e5, 0x5707e1c53c9e7035, 0xf6b44e23e3cfe4b5,
        0x5707e1c53c9e7035, 0xe56c3d68ffe95be5, 0xc82d4d396f376eb5, 0x3820913759d5b9c5,
        0xd9add3b314b09c55, 0x78c670e46467ecf5, 0x5707e1c53c9e7035, 0xf549f5e9fe7e82b5,
        0x3bd0b19f759b5615, 0x3cea9f2d76102aa5, 0x3cea9f2d76102aa5, 0x2b2168d8c25c7985,
        0x3cea9f2d76102aa5, 0x98a4a376ee051115, 0x1e62b685dc6e1fd5, 0x091cd69240bfdb55,
        0xe985f39da47317c5, 0x3bee3d41e86aabd5, 0x3cea9f2d76102aa5, 0x6f4242ed2e786465,
        0x75e23c4a8070a305, 0xee9c1cd2f4bcc81a, 0x7a0ef259907f2b2a, 0xc31bf600aa113c5a,
        0x7a0ef259907f2b2a, 0x8dc513147c1a833a, 0x148e58255c8605ea, 0x982e0584960a32ea,
        0x78e3b89a7678ba8a, 0xdff7e5695d87e14a, 0x8c269ad790c6b5aa, 0xb77295ded680739a,
        0xaa0095d04e56a6da, 0x709f2462c272f725, 0x709f2462c272f725, 0xad3c31d450c700a5,
        0x709f2462c272f725, 0x34f95a48246cd265, 0x73b6c2eff9e0f055, 0x3fc5766277b5f395,
        0xb3549d99e4c59335, 0xbf898965fabd0c45, 0x709f2462c272f725, 0xbc6ffa2ea40f6a95,
        0x0acaae0198427c45, 0x2e0bcb8d023e6da5, 0x02bd9ce344247075, 0xf22699ad742c1c45,
        0x02bd9ce344247075, 0xaff7b21db17395a5, 0xe7cf0e5d3a42add5, 0x99713a1b5ddc5f15,
        0xe41be9fd51429bd5, 0xe004e47bad3de795, 0x02bd9ce344247075, 0xe8bfc699b5d2b405,
        0x4e95a454bed8b1c5, 0xe788d18dad167802, 0x3d9db2396f2e0792, 0xeaffe4adf805ad42,
        0x3d9db2396f2e0792, 0xcdd091ae0ba559c2, 0x4e755593a5b6cf92, 0xa4aee52d13161f02,
        0x036cb34a5dd61092, 0xc17c84434677c282, 0xc4e554a44702cf12, 0xc473d83dd3db7352,
        0x45e33f122db5a7f2, 0x40d0f1d3d90d9325, 0x40d0f1d3d90d9325, 0x5e4485c95d50d495,
        0x40d0f1d3d90d9325, 0x2b4f5d0c1f183dc5, 0x866aaf2120293115, 0x66c673ef534697c5,
        0x91aa805f070e4195, 0x6476a45f9963e8b5, 0x40d0f1d3d90d9325, 0x66231d36d39ad625,
        0x4ad99102d39f61c5, 0x600fabed77cff95d, 0xb626031ca980b5d5, 0xdced29c291801151,
        0xb626031ca980b5d5, 0x69d5b41528baced9, 0xc3d9013b8e39761d, 0x6aaf867ceb642235,
        0x4ee9b70a6b952731, 0xe8f7862d13174431, 0xda1536bbc6dc6d05, 0xe96563135210d615,
        0xc1f2c4f6870415f5, 0x6f8d77bcdeccbe81, 0xa684a9f7204da525, 0x5de4925c7ccb5c65,
        0xa684a9f7204da525, 0x6886978546f9d3a1, 0x72a6794d8733c859, 0x3991d54bdc3af6a9,
        0x99d390c640cf1cfd, 0xa74c70c592891c79, 0xa684a9f7204da525, 0x1c0056c3932fb525,
        0x7054ad4f2cbdead5, 0x9b43cd27ea41e39c, 0x116cce003705a634, 0xea19489765c696f4,
        0x116cce003705a634, 0xf3157550edcb0ee0, 0xbbca838036aa5a3c, 0x6fe6b7be2c78910c,
        0x935b0bd4ba080708, 0xa03c0fc2024605dc, 0x116cce003705a634, 0xf205c58452b95764,
        0xa068d0e7b5cbf924, 0x6de38bf531fd10f1, 0x0ba9ef7eed639325, 0x9bbe6c30c8033a11,
        0x0ba9ef7eed639325, 0xa508c0c656315209, 0xb20dbb5d9184385d, 0xc0c26c8364a7a359,
        0xc8bc22e820c4bcb1, 0x2f3e1a785045a2a5, 0xb4d9e07da31f3a5d, 0x57be47f4093b7725,
        0x91d24cd88486ff6d, 0xc0851bf5c726d2ad, 0x5b35d2f40009d715, 0x24a7854e3b3fbb31,
        0x5b35d2f40009d715, 0x5d92f96d241331ed, 0xe2ea60726e7458c1, 0xc357fa11fbdf6221,
        0x75035c239a248c59, 0x000f4d392ea3bacd, 0x5b35d2f40009d715, 0xb877a057fa474195,
        0x18857029123916cd, 0xd9264070da621415, 0x821ef5d3a939a2ce, 0xe6fccc8fc53bd50e,
        0xcda9f317a1dd85f1, 0xd4dd7979b4cf7f23, 0x7dc7304a0a736ab3, 0xc87d3af2911d0a6b,
    ];
    const GO_BULK_DIGEST: u64 = 0x819612333e2c465e;
    const GO_EXAMPLE: [u32; 20] = [
        9, 18, 15, 3, 12, 0, 6, 10, 7, 4, 13, 16, 1, 19, 8, 5, 11, 14, 2, 17,
    ];

    /// The Go program that produced GO_DIGESTS, GO_BULK_DIGEST and GO_EXAMPLE. To regenerate:
    ///
    /// ```text
    /// cargo test --lib gosort::tests::write_go_generator -- --ignored --nocapture
    /// cd "${TMPDIR:-/tmp}/gosort_gen" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod \
    ///     ~/.cache/trace-harness/go/go1.27.3/bin/go run main.go
    /// ```
    ///
    /// and paste its output over the constants above.
    const GO_GENERATOR: &str = r##"// Regenerates the expected digests in harness/src/gosort.rs (trace-harness).
//
// It builds the same inputs as the Rust test, sorts (key, original index) pairs with
// slices.SortFunc comparing keys only, and prints the FNV-1a digest of each resulting
// index permutation as Rust source.
package main

import (
	"cmp"
	"fmt"
	"slices"
)

type splitmix struct{ s uint64 }

func (r *splitmix) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *splitmix) below(n uint64) uint64 { return r.next() % n }

type testCase struct {
	pat int
	n   int
	p   uint64
}

const numPatterns, killerPattern = 12, 8

func cases() []testCase {
	var cs []testCase
	ranges := []uint64{1, 2, 3, 4, 8, 16, 0, 1 << 40}
	for n := 0; n <= 200; n++ {
		r := ranges[n%8]
		if r == 0 {
			r = uint64(n) + 1
		}
		cs = append(cs, testCase{0, n, r})
	}
	params := []uint64{1, 2, 3, 5}
	lens := []int{2, 7, 8, 12, 13, 14, 20, 31, 49, 50, 51, 63, 64, 65, 100, 127, 128, 129, 199, 200}
	for _, n := range lens {
		for pat := 0; pat < numPatterns; pat++ {
			cs = append(cs, testCase{pat, n, params[(n+pat)%4]})
		}
	}
	big := []int{1000, 2048, 3001, 4096, 5000}
	bigRanges := []uint64{3, 10, 100, 1 << 40, 2}
	for i, n := range big {
		for pat := 0; pat < numPatterns; pat++ {
			p := params[(i+pat)%4]
			if pat == 0 {
				p = bigRanges[i]
			}
			cs = append(cs, testCase{pat, n, p})
		}
	}
	// Lengths at which the killer drives the sort into its heapsort fallback.
	for _, n := range []int{36, 123, 187, 299, 1003, 2043, 4987} {
		cs = append(cs, testCase{killerPattern, n, 1})
	}
	return cs
}

// killer builds an input on which the sort degrades, with McIlroy's antiqsort adversary.
func killer(n int) []uint64 {
	gas := uint64(n)
	val := make([]uint64, n)
	ptr := make([]int, n)
	for i := range val {
		val[i] = gas
		ptr[i] = i
	}
	var solid uint64
	candidate := -1
	slices.SortFunc(ptr, func(x, y int) int {
		if val[x] == gas && val[y] == gas {
			if x == candidate {
				val[x] = solid
			} else {
				val[y] = solid
			}
			solid++
		}
		if val[x] == gas {
			candidate = x
		} else if val[y] == gas {
			candidate = y
		}
		return cmp.Compare(val[x], val[y])
	})
	return val
}

func keys(c testCase, seed uint64) []uint64 {
	r := splitmix{seed}
	n, p := c.n, c.p
	k := make([]uint64, n)
	u := func(i int) uint64 { return uint64(i) }
	for i := range k {
		switch c.pat {
		case 0:
			k[i] = r.below(p)
		case 1, 6, 9, 10:
			k[i] = u(i) / p
		case 2, 11:
			k[i] = u(n-i) / p
		case 3:
			k[i] = 7
		case 4:
			k[i] = u(i) % (p + 1)
		case 5:
			k[i] = u(min(i, n-1-i)) / p
		case 7:
			k[i] = p - u(i)%(p+1)
		}
	}
	switch c.pat {
	case 6, 11:
		for s := 0; s < 3 && n > 0; s++ {
			i, j := r.below(u(n)), r.below(u(n))
			k[i], k[j] = k[j], k[i]
		}
	case killerPattern:
		k = killer(n)
	case 9:
		if n > 0 {
			k[n-1] = r.below(u(n) + 1)
		}
	case 10:
		if n > 0 {
			k[0] = r.below(u(n) + 1)
		}
	}
	return k
}

type pair struct {
	key uint64
	idx uint32
}

func sortedIndices(k []uint64) []uint32 {
	v := make([]pair, len(k))
	for i := range k {
		v[i] = pair{k[i], uint32(i)}
	}
	slices.SortFunc(v, func(a, b pair) int { return cmp.Compare(a.key, b.key) })
	out := make([]uint32, len(v))
	for i := range v {
		out[i] = v[i].idx
	}
	return out
}

const fnvOffset, fnvPrime = 0xcbf29ce484222325, 0x100000001b3

func fnv(h uint64, perm []uint32) uint64 {
	for _, x := range perm {
		for b := 0; b < 4; b++ {
			h ^= uint64(byte(x >> (8 * b)))
			h *= fnvPrime
		}
	}
	return h
}

func main() {
	cs := cases()
	fmt.Printf("#[rustfmt::skip]\nconst GO_DIGESTS: [u64; %d] = [", len(cs))
	for i, c := range cs {
		if i%4 == 0 {
			fmt.Print("\n   ")
		}
		fmt.Printf(" %#016x,", fnv(fnvOffset, sortedIndices(keys(c, uint64(i)))))
	}
	fmt.Println("\n];")
	r := splitmix{0xb0b}
	h := uint64(fnvOffset)
	for i := 0; i < bulkCases; i++ {
		n := int(r.below(300))
		p := 1 + r.below(1+r.below(64))
		h = fnv(h, sortedIndices(keys(testCase{0, n, p}, r.next())))
	}
	fmt.Printf("const GO_BULK_DIGEST: u64 = %#016x;\n", h)
	k := make([]uint64, 20)
	for i := range k {
		k[i] = uint64(i*7) % 3
	}
	fmt.Print("const GO_EXAMPLE: [u32; 20] = [")
	for i, x := range sortedIndices(k) {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Print(x)
	}
	fmt.Println("];")
}

const bulkCases = 2000
"##;
}
