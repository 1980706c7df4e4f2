//! The markdown tables of the `report` binary, and the targets of issue #6.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::stream::StreamResult;
use crate::{Imp, Workload};

/// The medians of one workload and size.
#[derive(Debug, Clone)]
pub struct Row {
    /// The workload.
    pub workload: Workload,
    /// Its size.
    pub n: usize,
    /// Median time per run, per implementation.
    pub medians: BTreeMap<Imp, Duration>,
}

/// Everything measured on one backend.
#[derive(Debug, Clone, Default)]
pub struct BackendReport {
    /// `sqlite`, `postgres`, `mysql`.
    pub backend: &'static str,
    /// One row per workload and size.
    pub rows: Vec<Row>,
    /// Rows streamed, and each implementation's stream measurement.
    pub stream: Option<(usize, Vec<(Imp, StreamResult)>)>,
}

/// A performance target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// ormolu at most this many times the raw driver.
    VsRaw(f64),
    /// ormolu at most this many times the fastest of raw, Diesel and SQLx.
    VsFastest(f64),
    /// ormolu under this time.
    Below(Duration),
}

impl Target {
    fn describe(self) -> String {
        match self {
            Target::VsRaw(x) => format!("≤{x:.2}× raw"),
            Target::VsFastest(x) => format!("≤{x:.2}× fastest"),
            Target::Below(d) => format!("<{}", fmt_duration(d)),
        }
    }
}

/// The target of issue #6 for `w` at size `n` on `backend`, if any.
pub fn target(backend: &str, w: Workload, n: usize) -> Option<Target> {
    use Workload::*;
    match (backend, w) {
        (_, Filter3Build) => Some(Target::Below(Duration::from_micros(2))),
        ("sqlite", Trivial | Medium) if n == 1 => Some(Target::VsRaw(2.0)),
        ("sqlite", Trivial | Medium) if n >= 10_000 => Some(Target::VsRaw(1.15)),
        ("sqlite", Associations) => Some(Target::VsRaw(1.3)),
        ("sqlite", Insert) if n == 100 => Some(Target::VsRaw(1.25)),
        // "On every workload": ormolu's own ones too.
        (
            "postgres" | "mysql",
            Trivial | Medium | Associations | Insert | GetPk | Filter3Run | BulkCreate | UpdateF,
        ) => Some(Target::VsFastest(1.10)),
        _ => None,
    }
}

/// Peak memory target of streaming a million rows.
pub const STREAM_PEAK_TARGET_KIB: u64 = 64 * 1024;

/// `12.3 µs`, `4.56 ms`: three significant digits.
pub fn fmt_duration(d: Duration) -> String {
    let ns = d.as_secs_f64() * 1e9;
    let (v, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    let prec = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.prec$} {unit}")
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}

/// ormolu's time over the fastest of raw, Diesel and SQLx.
pub fn vs_fastest(m: &BTreeMap<Imp, Duration>) -> Option<f64> {
    let o = *m.get(&Imp::Ormolu)?;
    let best = [Imp::Raw, Imp::Diesel, Imp::Sqlx].iter().filter_map(|i| m.get(i)).min()?;
    Some(ratio(o, *best))
}

/// Whether ormolu meets `t` in `m`.
pub fn meets(t: Target, m: &BTreeMap<Imp, Duration>) -> Option<bool> {
    let o = *m.get(&Imp::Ormolu)?;
    Some(match t {
        Target::VsRaw(x) => ratio(o, *m.get(&Imp::Raw)?) <= x,
        Target::VsFastest(x) => vs_fastest(m)? <= x,
        Target::Below(d) => o < d,
    })
}

fn backend_title(b: &str) -> &'static str {
    match b {
        "sqlite" => "SQLite",
        "postgres" => "PostgreSQL",
        "mysql" => "MariaDB",
        _ => "?",
    }
}

/// The markdown section of one backend.
pub fn markdown(r: &BackendReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "### {}\n", backend_title(r.backend));
    let imps = Imp::ALL;
    s.push_str("| workload | rows |");
    for i in imps {
        let _ = write!(s, " {} |", i.name());
    }
    s.push_str(" ormolu / raw | ormolu / fastest of raw, Diesel, SQLx | target |\n|---|---:|");
    for _ in imps {
        s.push_str("---:|");
    }
    s.push_str("---:|---:|---|\n");
    for row in &r.rows {
        let rows = if row.workload == Workload::Filter3Build { "–".to_string() } else { row.n.to_string() };
        let _ = write!(s, "| {} | {rows} |", row.workload.name());
        let raw = row.medians.get(&Imp::Raw).copied();
        for i in imps {
            match (row.medians.get(&i), raw) {
                (Some(&d), Some(r)) if i != Imp::Raw => {
                    let _ = write!(s, " {} ({:.2}×) |", fmt_duration(d), ratio(d, r));
                }
                (Some(&d), _) => {
                    let _ = write!(s, " {} |", fmt_duration(d));
                }
                (None, _) => s.push_str(" – |"),
            }
        }
        match (row.medians.get(&Imp::Ormolu), raw) {
            (Some(&o), Some(r)) => {
                let _ = write!(s, " **{:.2}×** |", ratio(o, r));
            }
            _ => s.push_str(" – |"),
        }
        match vs_fastest(&row.medians) {
            Some(x) => {
                let _ = write!(s, " {x:.2}× |");
            }
            None => s.push_str(" – |"),
        }
        match target(r.backend, row.workload, row.n) {
            Some(t) => {
                let mark = match meets(t, &row.medians) {
                    Some(true) => "✅",
                    Some(false) => "❌",
                    None => "?",
                };
                let _ = writeln!(s, " {mark} {} |", t.describe());
            }
            None => s.push_str(" |\n"),
        }
    }
    if let Some((n, results)) = &r.stream {
        let _ = writeln!(
            s,
            "\nStreaming {n} rows of `users` (each in a child process; peak = `VmHWM`):\n\n\
             | implementation | time | rows/s | RSS before | peak RSS | target |\n|---|---:|---:|---:|---:|---|"
        );
        for (imp, res) in results {
            let target = if imp == &Imp::Ormolu && *n >= 1_000_000 {
                let mark = if res.peak_kib < STREAM_PEAK_TARGET_KIB { "✅" } else { "❌" };
                format!("{mark} <64 MiB")
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "| {} | {} | {:.0} | {:.1} MiB | {:.1} MiB | {target} |",
                imp.name(),
                fmt_duration(Duration::from_secs_f64(res.secs)),
                res.rows as f64 / res.secs.max(1e-9),
                res.before_kib as f64 / 1024.0,
                res.peak_kib as f64 / 1024.0,
            );
        }
    }
    s
}

/// The machine: CPU model, cores, memory, kernel, compiler.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':').map(|(_, v)| v.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{model}, {cores} cores available (`nproc`), {:.1} GiB RAM, Linux {}",
        mem_kib as f64 / 1024.0 / 1024.0,
        kernel.trim()
    )
}
