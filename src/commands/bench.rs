//! `ring bench`: run the comparison and show it.

use crate::bench::{self, Report, Transport};
use crate::cli::BenchArgs;
use crate::error::{Result, Status};
use crate::render::{json, table::Grid};
use crate::units;
use std::io::Write;

pub fn settings(a: &BenchArgs) -> bench::Settings {
    bench::Settings {
        transports: if a.transport.is_empty() {
            Transport::ALL.to_vec()
        } else {
            a.transport.clone()
        },
        count: a.count,
        repeat: a.repeat,
        pin: a.pin,
        latency: a.latency,
        spin: a.spin,
        batch_spin: a.batch_spin,
    }
}

pub fn grid(r: &Report) -> Grid {
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

pub fn run(a: &BenchArgs, out: &mut dyn Write) -> Result<Status> {
    crate::signals::install()?;
    let settings = settings(a);
    let quiet = a.json;
    let report = bench::run(&settings, &mut |msg| {
        if !quiet {
            eprintln!("shmctl-rs: {msg}");
        }
    });
    // Ctrl-C reaches the peers too (one process group): they end, and so does the run.
    let report = match report {
        Err(_) if crate::signals::stop_requested() => return Ok(Status::Interrupted),
        other => other?,
    };
    if a.json {
        json::write(out, &report)?;
    } else {
        grid(&report).write_table(out)?;
        if !report.latency.is_empty() {
            writeln!(out)?;
            Grid {
                headings: ["ROUND TRIP", "TRIPS", "MEDIAN", "P99"]
                    .map(String::from)
                    .to_vec(),
                right: vec![false, true, true, true],
                rows: report
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
            .write_table(out)?;
        }
        writeln!(
            out,
            "\nmedian of {} run(s) per transport{}",
            report.repeat,
            report.pin.map_or(String::new(), |p| format!(
                ", producer on cpu {}, consumer on cpu {}",
                p[0], p[1]
            ))
        )?;
    }
    out.flush()?;
    bench::verdict(&report)
}
