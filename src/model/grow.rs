//! Growing a large buffer without reading the part of it never written.
//!
//! `Vec::reserve` grows by `realloc`, and the allocator copies the old allocation's whole
//! capacity, not just the items in use: a buffer reserved for 8 MiB that holds 80 KB has
//! 8 MiB copied. The pages never written are read in that copy, so the kernel maps each
//! to its shared zero page; when the freed block is reused and written, every such page
//! takes a write-protect fault and a TLB flush on every core running the process (on
//! this 2-core machine that flush, an interrupt to the other core, cost more than the
//! fault). Moving the items into a fresh allocation copies only what is in use.
//!
//! Like `Vec::reserve`, the room at least doubles (so a buffer grown block by block, as
//! a feature larger than a block is read, is copied a logarithmic number of times).

/// Makes room for at least `additional` more items, moving the items into a new
/// allocation when the room is not there (copying `len` items, not the capacity).
pub fn reserve_moving<T>(v: &mut Vec<T>, additional: usize) {
    if v.capacity() - v.len() >= additional {
        return;
    }
    let mut grown = Vec::with_capacity(room(v.len(), v.capacity(), additional));
    grown.append(v);
    *v = grown;
}

/// [`reserve_moving`] for a string.
pub fn reserve_moving_str(s: &mut String, additional: usize) {
    if s.capacity() - s.len() >= additional {
        return;
    }
    let mut grown = String::with_capacity(room(s.len(), s.capacity(), additional));
    grown.push_str(s);
    *s = grown;
}

/// The capacity to grow to: enough for `additional` more, and at least twice the old.
fn room(len: usize, capacity: usize, additional: usize) -> usize {
    len.saturating_add(additional)
        .max(capacity.saturating_mul(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_items_and_makes_the_room() {
        let mut v: Vec<u32> = Vec::with_capacity(4);
        v.extend([1, 2, 3]);
        let before = v.as_ptr();
        reserve_moving(&mut v, 1);
        assert_eq!(v.as_ptr(), before, "room enough: the same allocation");
        reserve_moving(&mut v, 1000);
        assert_eq!(v, [1, 2, 3]);
        assert!(v.capacity() >= 1003);
        // Grown a little at a time, the room still doubles.
        let cap = v.capacity();
        v.resize(cap, 0);
        reserve_moving(&mut v, 1);
        assert!(v.capacity() >= 2 * cap);
        let mut names = vec![String::from("荆州"), String::from("经开区")];
        reserve_moving(&mut names, 10);
        assert_eq!(names, ["荆州", "经开区"]);
        let mut s = String::from("园区规划");
        reserve_moving_str(&mut s, 100);
        assert_eq!(s, "园区规划");
        assert!(s.capacity() >= s.len() + 100);
        let mut empty: Vec<u8> = Vec::new();
        reserve_moving(&mut empty, 0);
        assert!(empty.is_empty());
    }
}
