//! `--verify`: are the items consecutive squares i*i, as a C int computes them?
//!
//! A consumer may join a ring part-way, so the index of the first item is unknown. Two
//! consecutive items fix it: (i+1)² − i² = 2i + 1 (mod 2³²), which gives i modulo 2³¹, and
//! i and i + 2³¹ have the same square modulo 2³², so either choice predicts the rest.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Squares {
    previous: Option<u32>,
    /// The index whose square comes next, once known.
    next: Option<u32>,
    seen: u64,
}

impl Squares {
    /// Check the next item; `Err` describes the first gap or duplicate.
    pub fn check(&mut self, value: i32) -> Result<(), String> {
        let v = value as u32;
        self.seen += 1;
        let result = match (self.previous, self.next) {
            (None, _) => Ok(()),
            (Some(prev), None) => {
                let diff = v.wrapping_sub(prev);
                let i = diff.wrapping_sub(1) / 2;
                if diff % 2 == 1 && i.wrapping_mul(i) == prev {
                    self.next = Some(i.wrapping_add(2));
                    Ok(())
                } else {
                    Err(self.describe(value, prev, None))
                }
            }
            (Some(prev), Some(i)) => {
                let expected = i.wrapping_mul(i);
                if v == expected {
                    self.next = Some(i.wrapping_add(1));
                    Ok(())
                } else {
                    Err(self.describe(value, prev, Some(expected)))
                }
            }
        };
        self.previous = Some(v);
        result
    }

    fn describe(&self, value: i32, prev: u32, expected: Option<u32>) -> String {
        let kind = if value as u32 == prev {
            "duplicate"
        } else {
            "gap"
        };
        match expected {
            Some(e) => format!(
                "item {}: {kind}: got {value}, expected {} after {}",
                self.seen, e as i32, prev as i32
            ),
            None => format!(
                "item {}: {kind}: {value} does not follow {} as the next square",
                self.seen, prev as i32
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ring::square;

    #[test]
    fn accepts_squares_from_anywhere_including_wrapped() {
        for start in [
            0u64,
            1,
            7,
            46_339,
            46_340,
            46_341,
            100_000,
            2_147_483_640,
            4_294_967_290,
        ] {
            let mut s = Squares::default();
            for i in start..start + 20 {
                assert_eq!(s.check(square(i)), Ok(()), "start {start} i {i}");
            }
        }
    }

    #[test]
    fn finds_gaps_and_duplicates() {
        let mut s = Squares::default();
        for i in 0..10 {
            s.check(square(i)).unwrap();
        }
        let err = s.check(square(11)).unwrap_err();
        assert!(
            err.starts_with("item 11: gap: got 121, expected 100"),
            "{err}"
        );

        let mut s = Squares::default();
        s.check(0).unwrap();
        s.check(1).unwrap();
        assert!(s.check(1).unwrap_err().contains("duplicate"));

        let mut s = Squares::default();
        s.check(4).unwrap();
        assert!(s.check(16).is_err(), "4 then 16 skips 9");
    }
}
