//! Runs every workload, size and implementation on each backend and prints markdown
//! tables of medians and ratios (see `docs/benchmarks.md`).
//!
//! ```sh
//! cargo run -p ormolu-bench --release --bin report -- [--quick] [--backend sqlite|postgres|mysql]...
//!     [--workload trivial|medium|associations|insert|get_pk|filter3_build|filter3_run|bulk_create|update_f]...
//!     [--size N]... [--imp raw|ormolu|Diesel|SQLx|SeaORM]... [--stream-rows N] [--no-stream] [--pin] [--out FILE]
//! ```
//!
//! `--pin`: while a PostgreSQL or MariaDB cell of up to 100 rows is measured, the
//! benchmark and the server run on one CPU (see `ormolu_bench::pin`).

use std::io::Write as _;
use std::process::ExitCode;

use ormolu_bench::measure::{medians, Config};
use ormolu_bench::mysql::MysqlBench;
use ormolu_bench::pin;
use ormolu_bench::postgres::PostgresBench;
use ormolu_bench::report::{fmt_duration, machine, markdown, BackendReport, Row};
use ormolu_bench::sqlite::SqliteBench;
use ormolu_bench::stream::{child, imp_by_name, run_child};
use ormolu_bench::{Bench, Imp, Res, Workload};

struct Args {
    quick: bool,
    backends: Vec<String>,
    workloads: Vec<Workload>,
    sizes: Vec<usize>,
    imps: Vec<Imp>,
    stream_rows: usize,
    pin: bool,
    out: Option<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: report [--quick] [--backend sqlite|postgres|mysql]... [--workload ID]... [--size N]... \
         [--imp NAME]... [--stream-rows N] [--no-stream] [--pin] [--out FILE]\n  workload ids: {}",
        Workload::ALL.map(|w| w.id()).join(", ")
    );
    std::process::exit(2)
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Args {
    let mut a = Args {
        quick: false,
        backends: Vec::new(),
        workloads: Vec::new(),
        sizes: Vec::new(),
        imps: Vec::new(),
        stream_rows: 1_000_000,
        pin: false,
        out: None,
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => a.quick = true,
            "--backend" => a.backends.push(it.next().unwrap_or_else(|| usage())),
            "--workload" => {
                let id = it.next().unwrap_or_else(|| usage());
                a.workloads.push(Workload::ALL.into_iter().find(|w| w.id() == id).unwrap_or_else(|| usage()));
            }
            "--size" => a.sizes.push(it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage())),
            "--imp" => a.imps.push(it.next().and_then(|v| imp_by_name(&v)).unwrap_or_else(|| usage())),
            "--stream-rows" => a.stream_rows = it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage()),
            "--no-stream" => a.stream_rows = 0,
            "--pin" => a.pin = true,
            "--out" => a.out = Some(it.next().unwrap_or_else(|| usage())),
            "--bench" => {} // passed by `cargo bench` to every target
            _ => usage(),
        }
    }
    if a.backends.is_empty() {
        a.backends = vec!["sqlite".into(), "postgres".into(), "mysql".into()];
    }
    if a.workloads.is_empty() {
        a.workloads = Workload::ALL.to_vec();
    }
    a
}

async fn measure_backend<B: Bench>(args: &Args) -> Res<BackendReport> {
    let cfg = if args.quick { Config::QUICK } else { Config::FULL };
    let mut b = B::open().await.map_err(|e| ormolu_bench::err(format!("backend `{}` is unreachable: {e}", B::NAME)))?;
    let result = measure_with(&mut b, args, cfg).await;
    b.close().await?;
    result
}

async fn measure_with<B: Bench>(b: &mut B, args: &Args, cfg: Config) -> Res<BackendReport> {
    let mut report = BackendReport { backend: B::NAME, ..BackendReport::default() };
    for &w in &args.workloads {
        let imps: Vec<Imp> = b.imps(w).into_iter().filter(|i| args.imps.is_empty() || args.imps.contains(i)).collect();
        for &n in w.sizes(args.quick).iter().filter(|n| args.sizes.is_empty() || args.sizes.contains(n)) {
            b.prepare(w, n).await?;
            let pinned = pin::for_cell(B::NAME, args.pin, n)?;
            let m = medians(b, w, n, &imps, cfg).await?;
            drop(pinned);
            let line: Vec<String> = m.iter().map(|(i, d)| format!("{} {}", i.name(), fmt_duration(*d))).collect();
            eprintln!("{} {} n={n}: {}", B::NAME, w.id(), line.join(", "));
            report.rows.push(Row { workload: w, n, medians: m });
        }
    }
    if args.stream_rows > 0 {
        b.fill_many(args.stream_rows).await?;
        let exe = std::env::current_exe()?;
        let mut results = Vec::new();
        for imp in [Imp::Raw, Imp::Ormolu] {
            let r = run_child(&exe, B::NAME, &b.namespace(), imp)?;
            eprintln!(
                "{} stream {} rows {}: {}, peak RSS {:.1} MiB",
                B::NAME,
                r.rows,
                imp.name(),
                fmt_duration(std::time::Duration::from_secs_f64(r.secs)),
                r.peak_kib as f64 / 1024.0
            );
            results.push((imp, r));
        }
        report.stream = Some((args.stream_rows, results));
    }
    Ok(report)
}

fn stream_child(backend: &str, namespace: &str, imp: &str) -> Res<()> {
    let imp = imp_by_name(imp).ok_or_else(|| ormolu_bench::err(format!("unknown implementation {imp}")))?;
    let rt = ormolu_bench::runtime();
    let r = rt.block_on(async {
        match backend {
            "sqlite" => child::<SqliteBench>(namespace, imp).await,
            "postgres" => child::<PostgresBench>(namespace, imp).await,
            "mysql" => child::<MysqlBench>(namespace, imp).await,
            other => Err(ormolu_bench::err(format!("unknown backend {other}"))),
        }
    })?;
    println!("{}", r.to_line());
    Ok(())
}

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().map(String::as_str) == Some("--stream-child") {
        let v: Vec<String> = argv.skip(1).collect();
        let [backend, ns, imp] = v.as_slice() else { usage() };
        return match stream_child(backend, ns, imp) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let args = parse_args(argv);
    let rt = ormolu_bench::runtime();
    let started = std::time::Instant::now();
    let mut sections = Vec::new();
    let mut failed = false;
    for backend in &args.backends {
        let r = rt.block_on(async {
            match backend.as_str() {
                "sqlite" => measure_backend::<SqliteBench>(&args).await,
                "postgres" => measure_backend::<PostgresBench>(&args).await,
                "mysql" | "mariadb" => measure_backend::<MysqlBench>(&args).await,
                other => Err(ormolu_bench::err(format!("unknown backend {other}"))),
            }
        });
        match r {
            Ok(r) => sections.push(markdown(&r)),
            Err(e) => {
                eprintln!("{backend}: {e}");
                failed = true;
            }
        }
    }
    let mut out = String::new();
    out.push_str(&format!(
        "Machine: {}. Run: `report{}{}` ({} mode, {:.0} s{}). Times are medians per run; \
         (×) is the ratio to the raw driver.\n\n",
        machine(),
        if args.quick { " --quick" } else { "" },
        if args.pin { " --pin" } else { "" },
        if args.quick { "quick" } else { "full" },
        started.elapsed().as_secs_f64(),
        if args.pin {
            "; PostgreSQL and MariaDB cells of up to 100 rows measured with the benchmark and the server on CPU 0, \
             larger ones unpinned"
        } else {
            ""
        }
    ));
    for s in &sections {
        out.push_str(s);
        out.push('\n');
    }
    print!("{out}");
    let _ = std::io::stdout().flush();
    if let Some(path) = &args.out {
        if let Err(e) = std::fs::write(path, &out) {
            eprintln!("cannot write {path}: {e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
