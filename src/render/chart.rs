//! `ring bench --svg FILE`: the results as plain SVG. Items per second per transport as
//! bars (the median) with whiskers (the spread), grouped by the ring's capacity, the
//! pipes and sockets apart by items per write; round trips (median and p99) when they were
//! measured. Logarithmic axes, labelled with units, every bar named under it and its value
//! above it, so that nothing needs a legend.

use crate::model::bench::{Report, Transport};
use crate::units;
use std::fmt::Write;

const WIDTH: f64 = 1000.0;
const CHART_HEIGHT: f64 = 470.0;
/// The plot area inside a chart.
const LEFT: f64 = 90.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 70.0;
const BOTTOM: f64 = 130.0;

struct Bar {
    label: String,
    value: f64,
    low: f64,
    high: f64,
    color: &'static str,
    text: String,
}

struct Group {
    label: String,
    bars: Vec<Bar>,
}

/// What one chart shows.
struct Chart<'a> {
    title: &'a str,
    subtitle: String,
    y_label: &'a str,
    x_label: &'a str,
    /// Tick text for a value on the axis.
    tick: fn(f64) -> String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn color(t: Transport) -> &'static str {
    match t {
        Transport::Ring => "#7aa6d8",
        Transport::RingBatch => "#1f5fa8",
        Transport::Spsc => "#2e8b57",
        Transport::Pipe => "#f2b36f",
        Transport::PipeBatch => "#d2691e",
        Transport::Unix => "#c3a3d9",
        Transport::UnixBatch => "#7b3fa0",
    }
}

/// Decades from below the smallest to above the largest value.
fn decades(values: impl Iterator<Item = f64>) -> (i32, i32) {
    let (lo, hi) = values
        .filter(|v| *v > 0.0 && v.is_finite())
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if hi == 0.0 {
        return (0, 1);
    }
    let low = lo.log10().floor() as i32;
    let high = (hi.log10().ceil() as i32).max(low + 1);
    (low, high)
}

/// Draw one chart at vertical offset `y0`.
fn draw(svg: &mut String, y0: f64, chart: &Chart<'_>, groups: &[Group]) {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = CHART_HEIGHT - TOP - BOTTOM;
    let (low, high) = decades(
        groups
            .iter()
            .flat_map(|g| g.bars.iter().flat_map(|b| [b.value, b.low, b.high])),
    );
    let y_of = |v: f64| {
        let f = (v.max(10f64.powi(low)).log10() - f64::from(low)) / f64::from(high - low);
        y0 + TOP + plot_h * (1.0 - f)
    };
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" font-size="18" font-weight="bold" text-anchor="middle">{}</text>"#,
        WIDTH / 2.0,
        y0 + 26.0,
        escape(chart.title)
    );
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="{}" font-size="13" text-anchor="middle" fill="#444">{}</text>"##,
        WIDTH / 2.0,
        y0 + 46.0,
        escape(&chart.subtitle)
    );
    // Grid lines and ticks: each decade, and 2x and 5x within it.
    for d in low..=high {
        for (m, major) in [(1.0, true), (2.0, false), (5.0, false)] {
            let v = m * 10f64.powi(d);
            if d == high && m > 1.0 {
                continue;
            }
            let y = y_of(v);
            let _ = writeln!(
                svg,
                r#"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="{}" stroke-width="1"/>"#,
                WIDTH - RIGHT,
                if major { "#bbb" } else { "#eee" }
            );
            if major {
                let _ = writeln!(
                    svg,
                    r#"<text x="{}" y="{:.1}" font-size="12" text-anchor="end">{}</text>"#,
                    LEFT - 6.0,
                    y + 4.0,
                    escape(&(chart.tick)(v))
                );
            }
        }
    }
    let _ = writeln!(
        svg,
        r#"<text x="18" y="{:.1}" font-size="13" text-anchor="middle" transform="rotate(-90 18 {:.1})">{}</text>"#,
        y0 + TOP + plot_h / 2.0,
        y0 + TOP + plot_h / 2.0,
        escape(chart.y_label)
    );
    // Bars, group by group, a gap between groups.
    let bars: usize = groups.iter().map(|g| g.bars.len()).sum();
    let slots = bars as f64 + groups.len().saturating_sub(1) as f64 * 0.8;
    let slot = plot_w / slots.max(1.0);
    let bar_w = (slot * 0.7).min(70.0);
    let base = y0 + TOP + plot_h;
    let mut x = LEFT;
    for (gi, g) in groups.iter().enumerate() {
        if gi > 0 {
            x += slot * 0.8;
        }
        let start = x;
        for b in &g.bars {
            let cx = x + slot / 2.0;
            let top = y_of(b.value);
            let _ = writeln!(
                svg,
                r#"<rect x="{:.1}" y="{top:.1}" width="{bar_w:.1}" height="{:.1}" fill="{}"><title>{}: {}</title></rect>"#,
                cx - bar_w / 2.0,
                (base - top).max(0.0),
                b.color,
                escape(&b.label),
                escape(&b.text)
            );
            let (wl, wh) = (y_of(b.low), y_of(b.high));
            if b.low < b.high {
                let _ = writeln!(
                    svg,
                    r#"<path d="M{cx:.1} {wl:.1} V{wh:.1} M{:.1} {wl:.1} H{:.1} M{:.1} {wh:.1} H{:.1}" stroke="black" stroke-width="1.5" fill="none"/>"#,
                    cx - 6.0,
                    cx + 6.0,
                    cx - 6.0,
                    cx + 6.0
                );
            }
            let _ = writeln!(
                svg,
                r#"<text x="{cx:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"#,
                wh.min(top) - 5.0,
                escape(&b.text)
            );
            let _ = writeln!(
                svg,
                r#"<text x="{cx:.1}" y="{:.1}" font-size="12" text-anchor="end" transform="rotate(-35 {cx:.1} {:.1})">{}</text>"#,
                base + 16.0,
                base + 16.0,
                escape(&b.label)
            );
            x += slot;
        }
        let _ = writeln!(
            svg,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#666"/>"##,
            start + 4.0,
            base + 78.0,
            x - 4.0,
            base + 78.0
        );
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="13" font-weight="bold" text-anchor="middle">{}</text>"#,
            (start + x) / 2.0,
            base + 95.0,
            escape(&g.label)
        );
    }
    let _ = writeln!(
        svg,
        r#"<line x1="{LEFT}" y1="{base:.1}" x2="{}" y2="{base:.1}" stroke="black"/><line x1="{LEFT}" y1="{:.1}" x2="{LEFT}" y2="{base:.1}" stroke="black"/>"#,
        WIDTH - RIGHT,
        y0 + TOP
    );
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{:.1}" font-size="13" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        y0 + CHART_HEIGHT - 8.0,
        escape(chart.x_label)
    );
}

/// A power of ten per second, `100 M/s`.
fn per_second(v: f64) -> String {
    let (scale, unit) = [(1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, "")]
        .into_iter()
        .find(|(scale, _)| v >= *scale)
        .unwrap_or((1.0, ""));
    format!("{} {unit}/s", (v / scale).round())
}

/// Items per second: the shared-memory rings by capacity, then the pipes and sockets.
fn throughput_groups(r: &Report) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for t in &r.transports {
        let label = match t.capacity {
            Some(c) => format!("{c} slots"),
            None => "pipe and Unix socket".to_string(),
        };
        let bar = Bar {
            label: t.label.clone(),
            value: t.items_per_s,
            low: t.min_items_per_s,
            high: t.max_items_per_s,
            color: color(t.transport),
            text: units::human_count(t.items_per_s),
        };
        match groups.iter_mut().find(|g| g.label == label) {
            Some(g) => g.bars.push(bar),
            None => groups.push(Group {
                label,
                bars: vec![bar],
            }),
        }
    }
    // Streams last, whatever order the transports were asked in.
    groups.sort_by_key(|g| g.label.starts_with("pipe"));
    groups
}

/// Round trips: median and p99 of each transport, side by side.
fn latency_groups(r: &Report) -> Vec<Group> {
    r.latency
        .iter()
        .map(|l| {
            let name = match l.spin_ns {
                Some(_) => format!(
                    "{} (spin {})",
                    l.transport.name(),
                    super::bench::spin_text(l)
                ),
                None => l.transport.name().to_string(),
            };
            let bar = |what: &str, ns: u64, color| Bar {
                label: what.to_string(),
                value: ns as f64,
                low: ns as f64,
                high: ns as f64,
                color,
                text: super::bench::micros(ns),
            };
            Group {
                label: format!("{name}: {:.2} CPUs busy", l.cpus_busy),
                bars: vec![
                    bar("median", l.median_ns, color(l.transport)),
                    bar("p99", l.p99_ns, "#999"),
                ],
            }
        })
        .collect()
}

/// The whole picture as an SVG document.
pub fn svg(r: &Report) -> String {
    let latency = !r.latency.is_empty();
    let height = CHART_HEIGHT * if latency { 2.0 } else { 1.0 };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>"#
    );
    draw(
        &mut svg,
        0.0,
        &Chart {
            title: "shmctl-rs ring bench: items per second between two processes",
            subtitle: format!(
                "bar: median of {} round(s), whisker: lowest to highest run{}; log scale",
                r.repeat,
                r.pin.map_or(String::new(), |p| format!(
                    "; pinned to CPUs {},{}",
                    p[0], p[1]
                ))
            ),
            y_label: "items per second (log scale)",
            x_label: "shared memory: transport@ring capacity (slots); pipe and socket: transport/items per write",
            tick: per_second,
        },
        &throughput_groups(r),
    );
    if latency {
        draw(
            &mut svg,
            CHART_HEIGHT,
            &Chart {
                title: "round trip of one item",
                subtitle: "median and 99th percentile; CPUs busy: CPU time of both ends over the run's wall time".into(),
                y_label: "round trip (log scale)",
                x_label: "transport, and how long a waiting ring end polls before it sleeps",
                tick: |v| {
                    if v >= 1000.0 {
                        format!("{} us", v / 1000.0)
                    } else {
                        format!("{v} ns")
                    }
                },
            },
            &latency_groups(r),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transport_is_named_and_text_is_escaped() {
        let r = crate::render::bench::tests::report();
        let text = svg(&r);
        assert!(text.starts_with("<?xml"), "{text}");
        assert!(text.trim_end().ends_with("</svg>"));
        for t in &r.transports {
            assert!(text.contains(&format!(">{}<", t.label)), "{}", t.label);
        }
        assert!(text.contains("round trip of one item"));
        assert!(text.contains("ring (spin 100us): 1.98 CPUs busy"));
        assert!(!text.contains("NaN") && !text.contains("inf"));
        assert_eq!(escape("a<b & c>"), "a&lt;b &amp; c&gt;");
        assert_eq!(decades([1.5e6, 2.4e9].into_iter()), (6, 10));
        assert_eq!(per_second(1e8), "100 M/s");
        assert_eq!(per_second(1e9), "1 G/s");
        assert_eq!(per_second(10.0), "10 /s");
    }
}
