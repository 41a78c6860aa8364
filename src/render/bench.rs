//! `ring bench`: items per second per transport, and round trips.

use super::table::Grid;
use super::{Render, View};
use crate::model::bench::Report;
use crate::units;
use std::io::{self, Write};

pub fn throughput_grid(r: &Report) -> Grid {
    Grid {
        headings: [
            "TRANSPORT",
            "ITEMS",
            "ITEMS/S",
            "NS/ITEM",
            "VS RING",
            "CHECKSUM",
        ]
        .map(String::from)
        .to_vec(),
        right: vec![false, true, true, true, true, false],
        rows: r
            .transports
            .iter()
            .map(|t| {
                vec![
                    t.transport.name().to_string(),
                    t.items.to_string(),
                    units::human_count(t.items_per_s),
                    format!("{:.1}", t.ns_per_item),
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

pub fn latency_grid(r: &Report) -> Grid {
    Grid {
        headings: ["ROUND TRIP", "TRIPS", "MEDIAN", "P99"]
            .map(String::from)
            .to_vec(),
        right: vec![false, true, true, true],
        rows: r
            .latency
            .iter()
            .map(|l| {
                vec![
                    l.transport.name().to_string(),
                    l.round_trips.to_string(),
                    format!("{:.1} us", l.median_ns as f64 / 1e3),
                    format!("{:.1} us", l.p99_ns as f64 / 1e3),
                ]
            })
            .collect(),
    }
}

impl Render for Report {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        throughput_grid(self).write_table(out, view.width)?;
        if !self.latency.is_empty() {
            writeln!(out)?;
            latency_grid(self).write_table(out, view.width)?;
        }
        writeln!(
            out,
            "\nmedian of {} run(s) per transport{}",
            self.repeat,
            self.pin.map_or(String::new(), |p| format!(
                ", producer on cpu {}, consumer on cpu {}",
                p[0], p[1]
            ))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::bench::{Latency, Throughput, Transport};
    use crate::render::{Format, to_string};

    #[test]
    fn transports_side_by_side() {
        let run = |transport, rate: f64, ok| Throughput {
            transport,
            items: 1000,
            items_per_s: rate,
            ns_per_item: 1e9 / rate,
            ratio_to_ring: Some(rate / 8e6),
            checksum: 7,
            checksum_ok: ok,
            runs_items_per_s: vec![rate],
        };
        let report = Report {
            repeat: 3,
            pin: Some([0, 1]),
            transports: vec![
                run(Transport::Ring, 8e6, true),
                run(Transport::PipeBatch, 2.4e8, false),
            ],
            latency: vec![Latency {
                transport: Transport::Ring,
                round_trips: 20000,
                median_ns: 44_900,
                p99_ns: 154_400,
            }],
        };
        let text = to_string(Format::Table, &report, &View::at(0));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[1], "ring         1000    8.00 M    125.0    1.00x  ok",
            "{text}"
        );
        assert!(lines[2].ends_with("30.00x  WRONG"), "{text}");
        assert!(
            text.contains("ring        20000  44.9 us  154.4 us"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "median of 3 run(s) per transport, producer on cpu 0, consumer on cpu 1\n"
            )
        );
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &report, &View::at(0))).unwrap();
        assert_eq!(json["transports"][1]["transport"], "pipe-batch");
    }
}
