//! A facility's covered enterprises held compactly: [`CoveredList`], the sorted
//! enterprise indices stored as the gaps between them, each in LEB128 (7 bits a byte).
//!
//! Why: at a million enterprises and 1000 m circles the park's facilities cover 15.4 M
//! facility–enterprise pairs, kept from the analysis until the report is written (and
//! for the session on the desktop). As `u32`s that is 62 MB; the gaps between sorted
//! indices of a facility's ≈ 15k enterprises out of a million are mostly under 128, one
//! byte each (≈ 16 MB). A bitmap crate such as `roaring` keeps 2 bytes a value at this
//! density (its array containers), so the few lines of LEB128 here save the most.
//!
//! Reading is in order only ([`CoveredList::iter`]), plus a membership test
//! ([`CoveredList::contains`]) that starts from the nearest of a few marks kept every
//! [`MARK_EVERY`] items instead of decoding from the start.

use super::coverage::Covered;

/// A mark (value and byte offset) is kept before every this many items.
pub const MARK_EVERY: usize = 256;

/// Sorted enterprise indices (ascending; repeats kept), stored as LEB128 gaps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoveredList {
    /// The gaps (the first item's gap is from 0), 7 bits a byte, low bits first.
    bytes: Vec<u8>,
    /// How many items.
    len: usize,
    /// Item `k · MARK_EVERY`'s value and the offset of its gap's first byte.
    marks: Vec<(u32, u32)>,
}

impl CoveredList {
    /// The list of `sorted` (ascending; a value smaller than the one before it is
    /// sorted in first, so any order gives the right list).
    pub fn from_sorted(sorted: &[u32]) -> CoveredList {
        if !sorted.is_sorted() {
            let mut v = sorted.to_vec();
            v.sort_unstable();
            return CoveredList::from_sorted(&v);
        }
        let mut bytes = Vec::with_capacity(sorted.len() + sorted.len() / 8);
        let mut marks = Vec::with_capacity(sorted.len().div_ceil(MARK_EVERY));
        let mut last = 0u32;
        for (i, &v) in sorted.iter().enumerate() {
            if i % MARK_EVERY == 0 {
                // Offsets beyond u32 would need a 4 GiB list of one facility.
                marks.push((v, u32::try_from(bytes.len()).unwrap_or(u32::MAX)));
            }
            let mut gap = v - last;
            last = v;
            while gap >= 0x80 {
                bytes.push((gap as u8 & 0x7f) | 0x80);
                gap >>= 7;
            }
            bytes.push(gap as u8);
        }
        bytes.shrink_to_fit();
        CoveredList {
            bytes,
            len: sorted.len(),
            marks,
        }
    }

    /// How many enterprises.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it lists none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The covered enterprises in index order.
    pub fn iter(&self) -> CoveredIter<'_> {
        CoveredIter {
            bytes: &self.bytes,
            at: 0,
            last: 0,
            left: self.len,
        }
    }

    /// The enterprise indices in order.
    pub fn enterprises(&self) -> impl ExactSizeIterator<Item = u32> + '_ {
        self.iter().map(|c| c.enterprise)
    }

    /// Whether enterprise `e` is in the list: decoded from the last mark at or before
    /// it (at most [`MARK_EVERY`] items).
    pub fn contains(&self, e: u32) -> bool {
        let k = self.marks.partition_point(|&(v, _)| v <= e);
        let Some(&(value, offset)) = k.checked_sub(1).and_then(|k| self.marks.get(k)) else {
            return false;
        };
        let start = (k - 1) * MARK_EVERY;
        // Decode from the mark's gap on; the mark's own item is read to step past its
        // gap, and the running value set to the mark's.
        let mut it = CoveredIter {
            bytes: self.bytes.get(offset as usize..).unwrap_or(&[]),
            at: 0,
            last: 0,
            left: self.len - start,
        };
        if it.next().is_none() {
            return false;
        }
        if value == e {
            return true;
        }
        it.last = value;
        it.take(MARK_EVERY - 1)
            .map(|c| c.enterprise)
            .take_while(|&v| v <= e)
            .any(|v| v == e)
    }
}

impl FromIterator<Covered> for CoveredList {
    /// Collects enterprises in any order (sorted first).
    fn from_iter<I: IntoIterator<Item = Covered>>(iter: I) -> CoveredList {
        let v: Vec<u32> = iter.into_iter().map(|c| c.enterprise).collect();
        CoveredList::from_sorted(&v)
    }
}

impl<'a> IntoIterator for &'a CoveredList {
    type Item = Covered;
    type IntoIter = CoveredIter<'a>;
    fn into_iter(self) -> CoveredIter<'a> {
        self.iter()
    }
}

/// The items of a [`CoveredList`], in order.
#[derive(Debug, Clone)]
pub struct CoveredIter<'a> {
    bytes: &'a [u8],
    at: usize,
    last: u32,
    left: usize,
}

impl CoveredIter<'_> {
    /// The rest of a gap whose first byte (`first`, high bit set) was read.
    #[cold]
    fn long_gap(&mut self, first: u8) -> Option<u32> {
        let mut gap = u32::from(first & 0x7f);
        let mut shift = 7u32;
        loop {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            gap |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Some(gap);
            }
            shift += 7;
        }
    }
}

impl Iterator for CoveredIter<'_> {
    type Item = Covered;

    #[inline]
    fn next(&mut self) -> Option<Covered> {
        if self.left == 0 {
            return None;
        }
        let first = *self.bytes.get(self.at)?;
        self.at += 1;
        // Most gaps at park densities fit one byte.
        let gap = if first < 0x80 {
            u32::from(first)
        } else {
            self.long_gap(first)?
        };
        self.left -= 1;
        self.last = self.last.wrapping_add(gap);
        Some(Covered {
            enterprise: self.last,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for CoveredIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(v: &[u32]) {
        let l = CoveredList::from_sorted(v);
        assert_eq!(l.len(), v.len());
        assert_eq!(l.is_empty(), v.is_empty());
        let back: Vec<u32> = l.enterprises().collect();
        assert_eq!(back, v);
        assert_eq!(l.iter().len(), v.len());
        let by_ref: Vec<u32> = (&l).into_iter().map(|c| c.enterprise).collect();
        assert_eq!(by_ref, v);
    }

    #[test]
    fn lists_read_back_in_order_whatever_their_gaps() {
        round_trip(&[]);
        round_trip(&[0]);
        round_trip(&[0, 1, 2, 3]);
        round_trip(&[127, 128, 255, 256, 16_383, 16_384, 2_097_151, 2_097_152]);
        round_trip(&[5, 5, 5, 9]);
        round_trip(&[u32::MAX - 1, u32::MAX]);
        round_trip(&[0, u32::MAX]);
        let spread: Vec<u32> = (0..10_000u32).map(|i| i * 65 + i % 7).collect();
        round_trip(&spread);
    }

    #[test]
    fn an_unsorted_input_is_sorted_first() {
        let l = CoveredList::from_sorted(&[9, 3, 7]);
        assert_eq!(l.enterprises().collect::<Vec<_>>(), vec![3, 7, 9]);
        let c: CoveredList = [4u32, 1, 2]
            .iter()
            .map(|&enterprise| Covered { enterprise })
            .collect();
        assert_eq!(c, CoveredList::from_sorted(&[1, 2, 4]));
    }

    #[test]
    fn membership_agrees_with_a_binary_search_across_marks() {
        // 3,000 items (a dozen marks) with gaps of 1 to 300 bytes' worth.
        let v: Vec<u32> = (0..3_000u32)
            .scan(0u32, |acc, i| {
                *acc += 1 + (i * 7919) % 300;
                Some(*acc)
            })
            .collect();
        let l = CoveredList::from_sorted(&v);
        let max = *v.last().unwrap_or(&0);
        for e in 0..max + 5 {
            assert_eq!(l.contains(e), v.binary_search(&e).is_ok(), "enterprise {e}");
        }
        assert!(!CoveredList::default().contains(0));
        assert!(CoveredList::from_sorted(&[0]).contains(0));
    }

    #[test]
    fn park_density_gaps_take_about_a_byte_each() {
        // 15k enterprises spread over a million (the 1M scene's facility at 1000 m).
        let v: Vec<u32> = (0..15_000u32).map(|i| i * 66 + (i * 31) % 50).collect();
        let l = CoveredList::from_sorted(&v);
        assert!(l.bytes.len() < v.len() * 5 / 4, "{} bytes", l.bytes.len());
    }
}
