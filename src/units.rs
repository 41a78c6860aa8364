//! Parsing and printing of sizes, durations, modes and times, as people write them.

use std::time::Duration;

/// Parse a size: `4096`, `64K`, `64KiB`, `1M`, `2GiB`, `1.5G`, `10KB` (decimal kilo).
///
/// As in util-linux, `K`, `KiB` are 1024 and `KB` is 1000; an optional `B` or `bytes`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    if num.is_empty() {
        return Err(format!(
            "size '{text}': expected a number such as 4096, 64K or 2GiB"
        ));
    }
    let unit = unit.trim();
    let factor: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" | "byte" | "bytes" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "p" | "pib" => 1 << 50,
        "e" | "eib" => 1 << 60,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => {
            return Err(format!(
                "size '{text}': unknown unit '{unit}' (use K, M, G, T, KiB, MiB, GiB, KB, MB, GB)"
            ));
        }
    };
    let too_big = || format!("size '{text}' is larger than 2^64 bytes");
    if let Some((int, frac)) = num.split_once('.') {
        if int.is_empty() && frac.is_empty() || frac.contains('.') {
            return Err(format!("size '{text}': not a number"));
        }
        let int: u64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| too_big())?
        };
        let frac_digits = frac.len().min(18) as u32;
        let frac_val: u64 = frac[..frac_digits as usize].parse().unwrap_or(0);
        let whole = int.checked_mul(factor).ok_or_else(too_big)?;
        let part = (u128::from(frac_val) * u128::from(factor)) / 10u128.pow(frac_digits);
        if factor == 1 && frac_val != 0 {
            return Err(format!("size '{text}': a fraction of a byte"));
        }
        return whole.checked_add(part as u64).ok_or_else(too_big);
    }
    let n: u64 = num.parse().map_err(|_| too_big())?;
    n.checked_mul(factor).ok_or_else(too_big)
}

/// Parse a duration: `0`, `250us`, `10ms`, `1.5s`, `2m`, `1h`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().map_err(|_| {
        format!("duration '{text}': expected a number with a unit, e.g. 10ms, 2s, 250us")
    })?;
    let scale = match unit.trim() {
        "" | "s" | "sec" | "secs" => 1.0,
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        other => {
            return Err(format!(
                "duration '{text}': unknown unit '{other}' (use ns, us, ms, s, m, h)"
            ));
        }
    };
    let secs = value * scale;
    if !secs.is_finite() || secs > 1e9 {
        return Err(format!("duration '{text}' is too long"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parse where to listen: `PORT` (on 127.0.0.1), `ADDR:PORT`, `[IPV6]:PORT` or
/// `localhost:PORT`. `:PORT` is refused: elsewhere it means every interface, and that
/// should be asked for by name (`0.0.0.0:PORT`).
pub fn parse_listen_address(text: &str) -> Result<std::net::SocketAddr, String> {
    use std::net::{IpAddr, Ipv4Addr, SocketAddr};
    let t = text.trim();
    let wrong = || {
        format!(
            "listen address '{text}': expected [ADDR:]PORT such as 9100, 127.0.0.1:9100, 0.0.0.0:9100 or [::1]:9100"
        )
    };
    if let Ok(port) = t.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    if let Ok(addr) = t.parse::<SocketAddr>() {
        return Ok(addr);
    }
    match t.rsplit_once(':') {
        Some(("localhost", port)) => port
            .parse::<u16>()
            .map(|p| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), p))
            .map_err(|_| wrong()),
        Some(("", _)) => Err(format!(
            "listen address '{text}': name the address: 0.0.0.0{t} for every interface, or the port alone for 127.0.0.1"
        )),
        _ => Err(wrong()),
    }
}

/// Parse permission bits in octal: `600`, `0600`, `0o640`.
pub fn parse_mode(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let digits = t.strip_prefix("0o").unwrap_or(t);
    let mode = u32::from_str_radix(digits, 8).map_err(|_| {
        format!("mode '{text}': expected octal permission bits such as 600 or 0640")
    })?;
    if mode > 0o777 {
        return Err(format!(
            "mode '{text}': only permission bits (000 to 777) can be set on a segment"
        ));
    }
    Ok(mode)
}

/// `4096` → `4 KiB`, `1536` → `1.5 KiB`, `100` → `100 B`.
pub fn human_size(bytes: u64) -> String {
    human_size_wide(u128::from(bytes))
}

/// [`human_size`] for products that may pass 2^64 (SHMALL in bytes): up to YiB.
pub fn human_size_wide(bytes: u128) -> String {
    const UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
    let mut unit = 0;
    let mut scaled = bytes as f64;
    while scaled >= 1024.0 && unit < UNITS.len() - 1 {
        scaled /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else if !bytes.is_multiple_of(1u128 << (10 * unit))
        && scaled.round() >= 1024.0
        && unit < UNITS.len() - 1
    {
        // Just below the next unit (1048575 bytes): `1.0 MiB`, not `1024 KiB`; the `.0`
        // says it is not exact.
        format!("{:.1} {}", scaled / 1024.0, UNITS[unit + 1])
    } else if bytes.is_multiple_of(1u128 << (10 * unit)) || scaled >= 100.0 {
        format!("{} {}", scaled.round() as u128, UNITS[unit])
    } else {
        let s = format!("{scaled:.1}");
        format!("{} {}", s.trim_end_matches(".0"), UNITS[unit])
    }
}

/// `1 byte`, `4096 bytes`.
pub fn bytes_text(n: u128) -> String {
    format!("{n} {}", if n == 1 { "byte" } else { "bytes" })
}

/// `4 KiB` by default, `4096` with exact bytes.
pub fn size_text(size: u64, bytes: bool) -> String {
    if bytes {
        size.to_string()
    } else {
        human_size(size)
    }
}

/// A duration as people write it, the way [`parse_duration`] reads it back: `1s`, `500ms`,
/// `1.5s`, `250us`, `2m`, `0s`.
pub fn duration_text(d: Duration) -> String {
    let ns = d.as_nanos();
    let trim = |v: f64, unit: &str| {
        let s = format!("{v:.3}");
        format!("{}{unit}", s.trim_end_matches('0').trim_end_matches('.'))
    };
    if ns == 0 {
        "0s".to_string()
    } else if ns < 1_000 {
        format!("{ns}ns")
    } else if ns < 1_000_000 {
        trim(ns as f64 / 1e3, "us")
    } else if ns < 1_000_000_000 {
        trim(ns as f64 / 1e6, "ms")
    } else if ns.is_multiple_of(60_000_000_000) && ns < 3_600_000_000_000 {
        format!("{}m", ns / 60_000_000_000)
    } else if ns.is_multiple_of(3_600_000_000_000) {
        format!("{}h", ns / 3_600_000_000_000)
    } else {
        trim(d.as_secs_f64(), "s")
    }
}

/// `1_500_000.0` → `1.50 M` (for rates).
pub fn human_count(value: f64) -> String {
    if value >= 1e9 {
        format!("{:.2} G", value / 1e9)
    } else if value >= 1e6 {
        format!("{:.2} M", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.2} k", value / 1e3)
    } else {
        format!("{value:.1}")
    }
}

/// `rw-r-----` for 0o640.
pub fn mode_string(mode: u32) -> String {
    let mut s = String::with_capacity(9);
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

/// A Unix time as local time, `2026-11-27 03:28:14`; `None` (never) as `-`.
pub fn local_time(secs: Option<i64>) -> String {
    use chrono::{Local, TimeZone};
    match secs.and_then(|s| Local.timestamp_opt(s, 0).single()) {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => "-".to_string(),
    }
}

/// How the time columns of a table are written (lsipc's `--time-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// `03:28:14` today, `Nov 27 03:28` this year, else `2025-11-27`.
    #[default]
    Short,
    /// `Fri Nov 27 03:28:14 2026`, as asctime(3) and lsipc print it.
    Full,
    /// `2026-11-27T03:28:14+01:00`, ISO 8601 with the offset.
    Iso,
}

/// A Unix time in `format`, relative to `now` for the short form; `None` (never) as `-`.
pub fn time_text(secs: Option<i64>, now: i64, format: TimeFormat) -> String {
    use chrono::{Local, TimeZone};
    let local = || secs.and_then(|s| Local.timestamp_opt(s, 0).single());
    match format {
        TimeFormat::Short => short_time(secs, now),
        TimeFormat::Full => {
            local().map_or("-".into(), |t| t.format("%a %b %e %H:%M:%S %Y").to_string())
        }
        TimeFormat::Iso => {
            local().map_or("-".into(), |t| t.format("%Y-%m-%dT%H:%M:%S%:z").to_string())
        }
    }
}

/// A compact local time for tables: `03:28:14` on the day of `now` (Unix seconds),
/// `Nov 27 03:28` in its year, else a date.
pub fn short_time(secs: Option<i64>, now: i64) -> String {
    use chrono::{Datelike, Local, TimeZone};
    let Some(t) = secs.and_then(|s| Local.timestamp_opt(s, 0).single()) else {
        return "-".to_string();
    };
    let Some(now) = Local.timestamp_opt(now, 0).single() else {
        return t.format("%Y-%m-%d").to_string();
    };
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M:%S").to_string()
    } else if t.year() == now.year() {
        t.format("%b %d %H:%M").to_string()
    } else {
        t.format("%Y-%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        let addr = |t: &str| parse_listen_address(t).map(|a| a.to_string());
        assert_eq!(addr("9100"), Ok("127.0.0.1:9100".into()));
        assert_eq!(addr("0"), Ok("127.0.0.1:0".into()));
        assert_eq!(addr("0.0.0.0:9100"), Ok("0.0.0.0:9100".into()));
        assert_eq!(addr("[::1]:9100"), Ok("[::1]:9100".into()));
        assert_eq!(addr("localhost:9100"), Ok("127.0.0.1:9100".into()));
        assert!(
            addr(":9100")
                .unwrap_err()
                .contains("0.0.0.0:9100 for every interface")
        );
        for bad in [
            "",
            "70000",
            "host:9100",
            "1.2.3.4",
            "1.2.3.4:x",
            "localhost:",
        ] {
            assert!(
                addr(bad).unwrap_err().starts_with("listen address '"),
                "{bad}"
            );
        }
    }

    #[test]
    fn sizes_with_units() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("64k"), Ok(65536));
        assert_eq!(parse_size("1M"), Ok(1 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("10KB"), Ok(10_000));
        assert_eq!(parse_size("1.5K"), Ok(1536));
        assert_eq!(parse_size(" 7 "), Ok(7));
        assert_eq!(
            parse_size("16EiB"),
            Err("size '16EiB' is larger than 2^64 bytes".into())
        );
        assert!(parse_size("").is_err());
        assert!(parse_size("K").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("1.5").is_err());
        assert!(parse_size("12XB").is_err());
        assert!(parse_size("99999999999999999999999").is_err());
        assert!(parse_size("1..2K").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("10ms"), Ok(Duration::from_millis(10)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("10 parsecs").is_err());
        assert!(parse_duration("1e300").is_err());
    }

    #[test]
    fn modes() {
        assert_eq!(parse_mode("600"), Ok(0o600));
        assert_eq!(parse_mode("0640"), Ok(0o640));
        assert_eq!(parse_mode("0o644"), Ok(0o644));
        assert!(parse_mode("1777").is_err());
        assert!(parse_mode("rw").is_err());
        assert!(parse_mode("9").is_err());
        assert_eq!(mode_string(0o640), "rw-r-----");
    }

    #[test]
    fn durations_print_the_way_they_are_written() {
        for (d, text) in [
            (Duration::ZERO, "0s"),
            (Duration::from_nanos(40), "40ns"),
            (Duration::from_micros(250), "250us"),
            (Duration::from_millis(10), "10ms"),
            (Duration::from_micros(1500), "1.5ms"),
            (Duration::from_secs(1), "1s"),
            (Duration::from_millis(1500), "1.5s"),
            (Duration::from_secs(120), "2m"),
            (Duration::from_secs(7200), "2h"),
            (Duration::from_secs(90), "90s"),
        ] {
            assert_eq!(duration_text(d), text);
            assert_eq!(parse_duration(text), Ok(d), "{text}");
        }
    }

    #[test]
    fn short_times_are_relative_to_the_given_now() {
        // The shapes hold in every time zone: 03:49 UTC is far from midnight anywhere.
        let now = 1_795_750_153; // 2026-11-27 03:49:13 UTC
        let day = 86_400;
        let shape = |t: String| {
            t.chars()
                .map(|c| if c.is_ascii_digit() { '9' } else { c })
                .collect::<String>()
        };
        assert_eq!(short_time(None, now), "-");
        assert_eq!(shape(short_time(Some(now - 60), now)), "99:99:99");
        let this_year = short_time(Some(now - 30 * day), now);
        assert!(this_year.starts_with("Oct 2"), "{this_year}");
        assert_eq!(shape(this_year), "Oct 99 99:99");
        assert_eq!(shape(short_time(Some(now - 400 * day), now)), "9999-99-99");
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(100), "100 B");
        assert_eq!(human_size(4096), "4 KiB");
        assert_eq!(human_size(4176), "4.1 KiB");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(1 << 30), "1 GiB");
        assert_eq!(human_size(u64::MAX), "16 EiB");
        // Just below a unit: the next unit, not 1024 of this one.
        assert_eq!(human_size(1_048_575), "1.0 MiB");
        assert_eq!(human_size(1_073_741_823), "1.0 GiB");
        assert_eq!(human_size((1 << 40) - 1), "1.0 TiB");
        assert_eq!(human_size(1_048_064), "1.0 MiB", "1023.5 KiB");
        assert_eq!(human_size(1_047_552), "1023 KiB");
        assert_eq!(human_size(1023), "1023 B");
        // SHMALL's default in bytes: 18446744073692774399 pages of 4096 bytes.
        assert_eq!(
            human_size_wide(18_446_744_073_692_774_399u128 * 4096),
            "64 ZiB"
        );
        assert_eq!(bytes_text(1), "1 byte");
        assert_eq!(bytes_text(2), "2 bytes");
    }

    #[test]
    fn full_and_iso_times() {
        // The shapes hold in every time zone.
        let now = 1_795_750_153; // 2026-11-27 03:49:13 UTC
        let shape = |t: String| {
            t.chars()
                .map(|c| if c.is_ascii_digit() { '9' } else { c })
                .collect::<String>()
        };
        let full = time_text(Some(now), now, TimeFormat::Full);
        assert!(full.ends_with(" 2026") && full.len() == 24, "{full}");
        let iso = shape(time_text(Some(now), now, TimeFormat::Iso));
        assert!(
            iso == "9999-99-99T99:99:99+99:99" || iso == "9999-99-99T99:99:99-99:99",
            "{iso}"
        );
        assert_eq!(time_text(None, now, TimeFormat::Iso), "-");
        assert_eq!(
            time_text(Some(now - 60), now, TimeFormat::Short),
            short_time(Some(now - 60), now)
        );
    }
}
