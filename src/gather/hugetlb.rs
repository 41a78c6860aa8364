//! Segments made with SHM_HUGETLB, and their resident size as it really is.
//!
//! The kernel keeps SHM_HUGETLB nowhere a reader can see (the mode holds permission and
//! status bits only), so a hugetlb segment is told by what it does: a holder maps it from
//! hugetlbfs (see `holders`), or its rss is more than even huge pages could hold.
//!
//! That second sign comes from a kernel miscount. `/proc/sysvipc/shm` and SHM_INFO take a
//! hugetlb segment's rss as `pages_per_huge_page × mapping->nrpages` (ipc/shm.c,
//! `shm_add_rss_swap`); since Linux 6.7 (commit a08c7193e4f1, "mm/filemap: remove
//! hugetlb special casing in filemap.c") the page cache counts a huge page in `nrpages`
//! as the small pages it spans, so each huge page is counted that many times over: a
//! touched 2 MiB segment shows 1 GiB. Dividing by the huge page's small pages gives the
//! figure back.

use crate::model::Segment;
use crate::proc::kernel;
use crate::sys::shm;

/// What it takes to read a hugetlb segment's rss on this kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    pub page_size: u64,
    /// The default huge page size; `None` without hugetlbfs.
    pub huge_page_size: Option<u64>,
    /// The kernel counts each huge page once per small page in it (Linux 6.7 and later).
    pub overcounts: bool,
}

impl Rules {
    pub fn of_this_kernel() -> Rules {
        Rules {
            page_size: shm::page_size(),
            huge_page_size: kernel::huge_page_size(),
            overcounts: kernel::release().is_some_and(|r| r >= (6, 7)),
        }
    }

    /// Small pages in a huge page (512 for 2 MiB over 4 KiB).
    fn factor(&self) -> Option<u64> {
        let huge = self.huge_page_size?;
        (huge > self.page_size && self.page_size > 0).then(|| huge / self.page_size)
    }

    /// Mark `s` as hugetlb when its rss proves it, and correct its rss when it is a
    /// hugetlb segment whose rss the kernel overcounted.
    pub fn settle(&self, s: &mut Segment) {
        let (Some(huge), Some(factor), Some(reported)) =
            (self.huge_page_size, self.factor(), s.kernel_rss)
        else {
            return;
        };
        let capacity = s.size.div_ceil(huge).saturating_mul(huge);
        // Not even huge pages hold that much: only the miscount gives such a figure.
        let impossible = reported > capacity;
        if impossible {
            s.mark_hugetlb();
        }
        if !s.is_hugetlb() || !(self.overcounts || impossible) {
            return;
        }
        let whole = huge.saturating_mul(factor);
        if reported.is_multiple_of(whole) && reported / factor <= capacity {
            s.rss = Some(reported / factor);
        }
    }

    /// The page a segment is allocated in: a huge page for a hugetlb segment.
    pub fn page_of(&self, s: &Segment) -> u64 {
        match self.huge_page_size {
            Some(huge) if s.is_hugetlb() => huge,
            _ => self.page_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::segment;

    const RULES: Rules = Rules {
        page_size: 4096,
        huge_page_size: Some(2 << 20),
        overcounts: true,
    };

    fn with_rss(size: u64, rss: u64) -> Segment {
        let mut s = segment(1, 0, size);
        s.rss = Some(rss);
        s.kernel_rss = Some(rss);
        s
    }

    #[test]
    fn an_impossible_rss_proves_hugetlb_and_is_corrected() {
        // A touched 2 MiB SHM_HUGETLB segment, as Linux 6.18 reports it.
        let mut s = with_rss(2 << 20, 1 << 30);
        RULES.settle(&mut s);
        assert!(s.is_hugetlb());
        assert_eq!(s.rss, Some(2 << 20));
        assert_eq!(s.kernel_rss, Some(1 << 30));
        assert_eq!(RULES.page_of(&s), 2 << 20);
        // A one-page segment backed by a huge page: the same.
        let mut s = with_rss(4096, 1 << 30);
        RULES.settle(&mut s);
        assert_eq!(s.rss, Some(2 << 20));
        // Even on a kernel thought not to miscount, the impossible figure is corrected.
        let mut s = with_rss(2 << 20, 1 << 30);
        Rules {
            overcounts: false,
            ..RULES
        }
        .settle(&mut s);
        assert_eq!(s.rss, Some(2 << 20));
    }

    #[test]
    fn plain_segments_and_possible_figures_are_left_alone() {
        // A fully resident 1 GiB shmem segment: a possible figure, not hugetlb.
        let mut s = with_rss(1 << 30, 1 << 30);
        RULES.settle(&mut s);
        assert!(!s.is_hugetlb());
        assert_eq!(s.rss, Some(1 << 30));
        assert_eq!(RULES.page_of(&s), 4096);
        // shmem's transparent huge pages fill at most the segment rounded to 2 MiB.
        let mut s = with_rss(4096, 2 << 20);
        RULES.settle(&mut s);
        assert!(!s.is_hugetlb());
        // A hugetlb segment known from its holders, 2 GiB big, one huge page touched.
        let mut s = with_rss(2 << 30, 1 << 30);
        s.mark_hugetlb();
        RULES.settle(&mut s);
        assert_eq!(s.rss, Some(2 << 20));
        // The same on a kernel that counts right.
        let mut s = with_rss(2 << 30, 2 << 20);
        s.mark_hugetlb();
        Rules {
            overcounts: false,
            ..RULES
        }
        .settle(&mut s);
        assert_eq!(s.rss, Some(2 << 20));
        // A figure that is no whole number of miscounted huge pages is not divided.
        let mut s = with_rss(2 << 30, 6 << 20);
        s.mark_hugetlb();
        RULES.settle(&mut s);
        assert_eq!(s.rss, Some(6 << 20));
        // Untouched.
        let mut s = with_rss(2 << 20, 0);
        RULES.settle(&mut s);
        assert!(!s.is_hugetlb());
        assert_eq!(s.rss, Some(0));
    }
}
