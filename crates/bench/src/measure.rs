//! The sampling harness of the `report` binary, and the criterion entry point.
//!
//! A workload is measured for every implementation together: after a warm-up that
//! picks, per implementation, how many iterations fill one short sample, the
//! samples are taken in rounds (one sample of every implementation per round) so
//! that a change in the machine's load hits every implementation alike. Each round
//! runs the implementations in a new order (a seeded shuffle), so none always
//! follows the same neighbour: what one implementation leaves behind in the process
//! (the allocator's free lists, the server's caches) lands on all of them alike. The
//! result is the median time per iteration.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::{Bench, Imp, Res, Workload};

/// How long to measure.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Warm-up time per implementation.
    pub warmup: Duration,
    /// Target duration of one sample (iterations are batched up to it).
    pub sample: Duration,
    /// Measuring time per implementation (after warm-up), which sets the number of
    /// samples within `min_samples..=max_samples`.
    pub budget: Duration,
    /// Fewest samples per implementation.
    pub min_samples: usize,
    /// Most samples per implementation.
    pub max_samples: usize,
}

impl Config {
    /// `--quick`: about a quarter of a second per implementation and size.
    pub const QUICK: Config = Config {
        warmup: Duration::from_millis(60),
        sample: Duration::from_millis(3),
        budget: Duration::from_millis(200),
        min_samples: 9,
        max_samples: 60,
    };
    /// The full run: about a second per implementation and size; at least 31 rounds,
    /// so that the 10 000-row sizes (where the slowest peer's samples set the number
    /// of rounds) still get a median that one noisy stretch cannot move.
    pub const FULL: Config = Config {
        warmup: Duration::from_millis(200),
        sample: Duration::from_millis(5),
        budget: Duration::from_millis(800),
        min_samples: 31,
        max_samples: 150,
    };
}

/// The median time per iteration of each of `imps` running `w` at size `n` (the
/// data must have been prepared).
///
/// Samples are short (a few milliseconds) and taken round-robin, so a burst of load
/// on a shared machine (or on a shared database server) lands on every
/// implementation alike instead of on whichever ran during it.
pub async fn medians<B: Bench>(
    b: &mut B,
    w: Workload,
    n: usize,
    imps: &[Imp],
    cfg: Config,
) -> Res<BTreeMap<Imp, Duration>> {
    let mut iters = BTreeMap::new();
    let mut slowest_sample = cfg.sample.as_secs_f64();
    // `ORMOLU_BENCH_ROUNDS=N`: exactly N rounds of one iteration each after one warm-up
    // iteration, whatever the timing (for profiling under callgrind, where every
    // sample is slow: the runs of two round counts differ by exactly their iterations).
    let rounds: Option<usize> = std::env::var("ORMOLU_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok());
    for &imp in imps {
        if rounds.is_some() {
            b.time(imp, w, n, 1).await?;
            iters.insert(imp, 1);
            continue;
        }
        // Warm-up: single iterations until the warm-up time is spent.
        let start = Instant::now();
        let mut runs = 0u64;
        let mut spent = Duration::ZERO;
        while start.elapsed() < cfg.warmup || runs == 0 {
            spent += b.time(imp, w, n, 1).await?;
            runs += 1;
        }
        let per = spent.as_secs_f64() / runs as f64;
        let k = (cfg.sample.as_secs_f64() / per.max(1e-9)).floor().max(1.0) as u64;
        slowest_sample = slowest_sample.max(per * k as f64);
        iters.insert(imp, k);
    }
    let samples = ((cfg.budget.as_secs_f64() / slowest_sample) as usize).clamp(cfg.min_samples, cfg.max_samples);
    let samples = rounds.unwrap_or(samples);
    let mut times: BTreeMap<Imp, Vec<f64>> = BTreeMap::new();
    let mut order = imps.to_vec();
    let mut rng = Shuffle::new((n as u64) ^ ((w as u64) << 32));
    // `ORMOLU_BENCH_SAMPLES=1`: every sample on stderr, with the implementation that ran before it.
    let dump = std::env::var_os("ORMOLU_BENCH_SAMPLES").is_some();
    let mut prev: Option<Imp> = None;
    for _ in 0..samples {
        rng.shuffle(&mut order);
        for &imp in &order {
            let k = iters[&imp];
            let took = b.time(imp, w, n, k).await?;
            if dump {
                eprintln!(
                    "sample {} {} n={n} after {}: {:?}",
                    w.id(),
                    imp.name(),
                    prev.map_or("-", Imp::name),
                    Duration::from_secs_f64(took.as_secs_f64() / k as f64)
                );
            }
            prev = Some(imp);
            times.entry(imp).or_default().push(took.as_secs_f64() / k as f64);
        }
    }
    Ok(times.into_iter().map(|(imp, v)| (imp, Duration::from_secs_f64(median(v)))).collect())
}

/// A small seeded generator (xorshift64*) for the order of each round: the same
/// run order on every run of the report, without a dependency.
struct Shuffle(u64);

impl Shuffle {
    fn new(seed: u64) -> Self {
        Shuffle(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Fisher–Yates.
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// The median of `v` (not empty).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Whether `backend` is to be measured: listed in `ORMOLU_TEST_BACKENDS` (default
/// all three), as in the test suite.
pub fn backend_enabled(backend: &str) -> bool {
    std::env::var("ORMOLU_TEST_BACKENDS")
        .unwrap_or_else(|_| "sqlite,postgres,mysql".into())
        .split(',')
        .any(|b| b.trim().eq_ignore_ascii_case(backend))
}

/// The criterion benchmarks of one backend (`benches/<backend>.rs`): one group per
/// workload and size, one benchmark per implementation, timed with the same
/// [`Bench::time`] as the report. `CRITERION_QUICK=1` uses the quick sizes.
pub fn criterion_main<B: Bench>() {
    if !backend_enabled(B::NAME) {
        eprintln!("{}: not in ORMOLU_TEST_BACKENDS, not benchmarked", B::NAME);
        return;
    }
    let quick = std::env::var_os("CRITERION_QUICK").is_some();
    let mut c = criterion::Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    let rt = crate::runtime();
    let mut b = rt.block_on(B::open()).unwrap_or_else(|e| panic!("backend `{}` is unreachable: {e}", B::NAME));
    for w in Workload::ALL {
        for &n in w.sizes(quick) {
            rt.block_on(b.prepare(w, n)).unwrap_or_else(|e| panic!("{} {}: {e}", B::NAME, w.id()));
            let mut g = c.benchmark_group(format!("{}/{}", B::NAME, w.id()));
            for imp in b.imps(w) {
                g.bench_with_input(criterion::BenchmarkId::new(imp.name(), n), &n, |bench, &n| {
                    bench.iter_custom(|iters| {
                        rt.block_on(b.time(imp, w, n, iters))
                            .unwrap_or_else(|e| panic!("{} {} {}: {e}", B::NAME, w.id(), imp.name()))
                    })
                });
            }
            g.finish();
        }
    }
    rt.block_on(b.close()).expect("drop the benchmark database");
    c.final_summary();
}
