//! The one union-find (disjoint sets over `0..n`), used by the engine's components and
//! choice units and by the partition.

/// Disjoint sets over `0..len`. The smaller root always becomes the root of a union, so a
/// set's root is its smallest member: roots do not depend on the order of the unions.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub(crate) fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }

    /// Adds a singleton set; returns its member.
    pub(crate) fn push(&mut self) -> usize {
        let x = self.parent.len();
        self.parent.push(x);
        x
    }

    /// The root of `x`'s set (path halving). An `x` out of range is its own root.
    pub(crate) fn find(&mut self, mut x: usize) -> usize {
        while let Some(&p) = self.parent.get(x) {
            if p == x {
                break;
            }
            let gp = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(x) {
                *slot = gp;
            }
            x = gp;
        }
        x
    }

    /// Joins the sets of `a` and `b` under the smaller root; whether they were apart.
    pub(crate) fn union(&mut self, a: usize, b: usize) -> bool {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return false;
        }
        if let Some(slot) = self.parent.get_mut(a.max(b)) {
            *slot = a.min(b);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::UnionFind;

    #[test]
    fn the_smallest_member_is_the_root_whatever_the_order() {
        let mut forward = UnionFind::new(6);
        let mut backward = UnionFind::new(6);
        for (a, b) in [(4, 5), (2, 4), (1, 3)] {
            assert!(forward.union(a, b));
        }
        for (a, b) in [(1, 3), (5, 4), (4, 2)] {
            assert!(backward.union(b, a));
        }
        assert!(!forward.union(5, 2));
        for uf in [&mut forward, &mut backward] {
            let roots: Vec<usize> = (0..6).map(|x| uf.find(x)).collect();
            assert_eq!(roots, [0, 1, 2, 1, 2, 2]);
        }
        let x = forward.push();
        assert_eq!((x, forward.find(x)), (6, 6));
        assert_eq!(forward.find(99), 99);
    }
}
