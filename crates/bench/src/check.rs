//! Runs every workload once on tiny sizes with every implementation and checks they
//! all return what the raw driver returns (the smoke test, and `report --check`).

use crate::{Bench, Imp, Output, Res, Workload};

/// Checks every workload on `b`; returns how many (workload, size, implementation)
/// runs were compared.
pub async fn check_all<B: Bench>(b: &mut B) -> Res<usize> {
    let mut runs = 0;
    for w in Workload::ALL {
        for &n in w.smoke_sizes() {
            runs += check_one(b, w, n).await?;
        }
    }
    // Streaming, on a few rows.
    b.fill_many(50).await?;
    for imp in [Imp::Raw, Imp::Ormolu] {
        let got = b.stream_users(imp).await?;
        if got != 50 {
            return Err(crate::err(format!("{}: stream with {} read {got} rows, not 50", B::NAME, imp.name())));
        }
        runs += 1;
    }
    Ok(runs)
}

/// Checks one workload and size; returns the number of implementations compared.
pub async fn check_one<B: Bench>(b: &mut B, w: Workload, n: usize) -> Res<usize> {
    b.prepare(w, n).await?;
    let mut expected: Option<(Imp, Output)> = None;
    let mut runs = 0;
    for imp in b.imps(w) {
        let out = b
            .run(imp, w, n, true)
            .await
            .map_err(|e| crate::err(format!("{} {} n={n} {}: {e}", B::NAME, w.name(), imp.name())))?;
        if w.writes() {
            b.cleanup(w).await?;
        }
        // Benchmark mode must work too.
        b.run(imp, w, n, false)
            .await
            .map_err(|e| crate::err(format!("{} {} n={n} {} (bench mode): {e}", B::NAME, w.name(), imp.name())))?;
        if w.writes() {
            b.cleanup(w).await?;
        }
        runs += 1;
        let out = out.sorted();
        if let Output::None = out {
            continue;
        }
        if !is_plausible(w, n, &out) {
            return Err(crate::err(format!(
                "{} {} n={n} {}: unexpected result {out:?}",
                B::NAME,
                w.name(),
                imp.name()
            )));
        }
        match &expected {
            None => expected = Some((imp, out)),
            Some((first, e)) if *e != out => {
                return Err(crate::err(format!(
                    "{} {} n={n}: {} returned\n{out:?}\nbut {} returned\n{e:?}",
                    B::NAME,
                    w.name(),
                    imp.name(),
                    first.name()
                )))
            }
            Some(_) => {}
        }
    }
    Ok(runs)
}

/// Whether `out` has the size the data implies (so that all implementations
/// agreeing on nothing is caught).
fn is_plausible(w: Workload, n: usize, out: &Output) -> bool {
    match (w, out) {
        (Workload::Trivial | Workload::Insert | Workload::BulkCreate, Output::Users(v)) => v.len() == n,
        (Workload::Medium, Output::Pairs(v)) => {
            v.len() == n && v.iter().filter(|(_, p)| p.is_some()).count() == n.div_ceil(2)
        }
        (Workload::Associations, Output::Tree(t)) => {
            t.len() == n && t.iter().all(|(_, ps)| ps.len() == 2 && ps.iter().all(|(_, cs)| cs.len() == 2))
        }
        (Workload::GetPk, Output::Users(v)) => v.len() == 1 && v[0].id == crate::data::GET_PK_ID,
        (Workload::Filter3Run, Output::Users(v)) => v.len() == 10,
        (Workload::UpdateF, Output::Count(c)) => *c == crate::data::UPDATE_F_ROWS as u64,
        _ => false,
    }
}
