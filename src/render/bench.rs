//! `ring bench`: items per second per transport with their spread, the ratios taken round
//! by round, and round trips with what they cost.

use super::table::Grid;
use super::{Render, View};
use crate::model::bench::{Latency, Report};
use crate::units;
use std::io::{self, Write};

pub fn throughput_grid(r: &Report) -> Grid {
    Grid {
        headings: [
            "TRANSPORT",
            "ITEMS",
            "ITEMS/S",
            "MIN-MAX",
            "NS/ITEM",
            "VS RING",
            "CHECKSUM",
        ]
        .map(String::from)
        .to_vec(),
        right: vec![false, true, true, true, true, true, false],
        rows: r
            .transports
            .iter()
            .map(|t| {
                vec![
                    t.label.clone(),
                    t.items.to_string(),
                    units::human_count(t.items_per_s),
                    format!(
                        "{}-{}",
                        units::human_count(t.min_items_per_s),
                        units::human_count(t.max_items_per_s)
                    ),
                    format!("{:.2}", t.ns_per_item),
                    t.ratio_to_ring.map_or("-".into(), |x| format!("{x:.2}x")),
                    if t.checksum_ok {
                        "ok".into()
                    } else {
                        "WRONG".into()
                    },
                ]
            })
            .collect(),
    }
}

pub fn ratios_grid(r: &Report) -> Grid {
    Grid {
        headings: ["RATIO, ROUND BY ROUND", "MEDIAN", "MIN-MAX"]
            .map(String::from)
            .to_vec(),
        right: vec![false, true, true],
        rows: r
            .ratios
            .iter()
            .map(|x| {
                vec![
                    x.name.clone(),
                    format!("{:.2}x", x.median),
                    format!("{:.2}-{:.2}x", x.min, x.max),
                ]
            })
            .collect(),
    }
}

/// `100 us`, or `-` for the default of a few attempts.
pub fn spin_text(l: &Latency) -> String {
    l.spin_ns.map_or("-".into(), |ns| {
        units::duration_text(std::time::Duration::from_nanos(ns))
    })
}

/// Nanoseconds as microseconds, `0.24 us`.
pub fn micros(ns: u64) -> String {
    format!("{:.2} us", ns as f64 / 1e3)
}

pub fn latency_grid(r: &Report) -> Grid {
    Grid {
        headings: [
            "ROUND TRIP",
            "SPIN",
            "TRIPS",
            "MEDIAN",
            "P99",
            "CPU/TRIP",
            "CPUS BUSY",
        ]
        .map(String::from)
        .to_vec(),
        right: vec![false, true, true, true, true, true, true],
        rows: r
            .latency
            .iter()
            .map(|l| {
                vec![
                    l.transport.name().to_string(),
                    spin_text(l),
                    l.round_trips.to_string(),
                    micros(l.median_ns),
                    micros(l.p99_ns),
                    micros(l.cpu_ns_per_round_trip),
                    format!("{:.2}", l.cpus_busy),
                ]
            })
            .collect(),
    }
}

impl Render for Report {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        throughput_grid(self).write_table(out, view.width)?;
        if !self.ratios.is_empty() {
            writeln!(out)?;
            ratios_grid(self).write_table(out, view.width)?;
        }
        if !self.latency.is_empty() {
            writeln!(out)?;
            latency_grid(self).write_table(out, view.width)?;
        }
        writeln!(
            out,
            "\nmedian and spread of {} round(s); a round runs every transport once, in turn{}",
            self.repeat,
            self.pin.map_or(String::new(), |p| format!(
                "; producer on cpu {}, consumer on cpu {}",
                p[0], p[1]
            ))
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::bench::{Latency, Ratio, Throughput, Transport};
    use crate::render::{Format, to_string};

    pub(crate) fn report() -> Report {
        let run = |transport, capacity, write_items, label: &str, rate: f64, ok| Throughput {
            transport,
            capacity,
            write_items,
            label: label.into(),
            items: 1000,
            items_per_s: rate,
            min_items_per_s: rate * 0.8,
            max_items_per_s: rate * 1.1,
            ns_per_item: 1e9 / rate,
            ratio_to_ring: Some(rate / 8e6),
            checksum: 7,
            checksum_ok: ok,
            runs_items_per_s: vec![rate],
        };
        Report {
            repeat: 3,
            pin: Some([0, 1]),
            transports: vec![
                run(Transport::Ring, Some(1024), None, "ring@1024", 8e6, true),
                run(Transport::Spsc, Some(1024), None, "spsc@1024", 2.4e9, true),
                run(
                    Transport::PipeBatch,
                    None,
                    Some(1024),
                    "pipe-batch/1024",
                    2.4e8,
                    false,
                ),
            ],
            ratios: vec![Ratio {
                name: "spsc@1024 / best pipe or socket".into(),
                median: 1.5,
                min: 1.25,
                max: 2.0,
            }],
            latency: vec![Latency {
                transport: Transport::Ring,
                spin_ns: Some(100_000),
                round_trips: 20000,
                median_ns: 240,
                p99_ns: 1_350,
                cpu_ns_per_round_trip: 480,
                cpus_busy: 1.98,
            }],
        }
    }

    #[test]
    fn transports_side_by_side_with_spread_ratios_and_costs() {
        let text = to_string(Format::Table, &report(), &View::at(0));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[1], "ring@1024         1000    8.00 M      6.40 M-8.80 M   125.00    1.00x  ok",
            "{text}"
        );
        assert!(lines[3].ends_with("30.00x  WRONG"), "{text}");
        assert!(
            text.contains("spsc@1024 / best pipe or socket   1.50x  1.25-2.00x"),
            "{text}"
        );
        assert!(
            text.contains("ring        100us  20000  0.24 us  1.35 us   0.48 us       1.98"),
            "{text}"
        );
        assert!(text.ends_with(
            "median and spread of 3 round(s); a round runs every transport once, in turn; producer on cpu 0, consumer on cpu 1\n"
        ));
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &report(), &View::at(0))).unwrap();
        assert_eq!(json["transports"][2]["transport"], "pipe-batch");
        assert_eq!(json["transports"][2]["write_items"], 1024);
        assert_eq!(json["ratios"][0]["median"], 1.5);
    }
}
