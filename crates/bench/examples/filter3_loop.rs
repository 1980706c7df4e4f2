//! A measurement loop for the "3-filter QuerySet: build+compile" workload, for
//! iterating on compiler speed and for profilers (callgrind collects `one_filter3`).
//!
//! ```sh
//! cargo run -p ormolu-bench --release --example filter3_loop -- [sqlite|postgres|mysql] [ITERATIONS] [nocache]
//! ```
//!
//! `nocache` compiles every time (`Compiler::select`), bypassing the shape cache.

use std::time::Instant;

use ormolu::core::compiler::Compiler;
use ormolu::core::dialect::{Dialect, MySql, Postgres, Sqlite};

#[inline(never)]
fn one_filter3(d: &'static dyn Dialect, nocache: bool) -> usize {
    let qs = ormolu_bench::orm::filter3();
    let sql = if nocache {
        Compiler::new(d, qs.query()).select().expect("compiles").sql
    } else {
        qs.sql_for(d).expect("compiles")
    };
    sql.sql.len() + sql.params.len()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let d: &'static dyn Dialect = match args.next().as_deref() {
        Some("postgres") => &Postgres,
        Some("mysql") => &MySql,
        _ => &Sqlite,
    };
    let n: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let nocache = args.next().as_deref() == Some("nocache");
    println!("{}", ormolu_bench::orm::filter3().sql_for(d).expect("compiles"));
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let mut acc = 0usize;
        for _ in 0..n {
            acc = acc.wrapping_add(std::hint::black_box(one_filter3(std::hint::black_box(d), nocache)));
        }
        let ns = t.elapsed().as_nanos() as f64 / n as f64;
        std::hint::black_box(acc);
        best = best.min(ns);
    }
    let what = if nocache { "uncached" } else { "cached" };
    println!("{} ({what}): {best:.0} ns/iter (best of 5 x {n})", d.name());
}
