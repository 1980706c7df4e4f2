//! `report --pin`: the benchmark and the local database server on one CPU while a
//! server backend is measured, their previous CPU sets restored afterwards.
//!
//! On a small machine a loopback round trip has two latencies: the client and the
//! server process on the same core hand off in a few microseconds, on two cores the
//! wake-up of the other (often idle, clocked down) core costs tens more, and which
//! one a connection gets changes from run to run. The 1–10-row cells, a round trip
//! or three each, then read 0.6× in one run and 2.9× in the next for the same code.
//! Pinned, every implementation gets the same-core hand-off, and a ratio measures the
//! clients. `taskset` (util-linux) does the work; every thread of the benchmark and
//! of every server process is moved (the server's future backends inherit it from
//! its postmaster / main process). SQLite has no server: it is never pinned.
//!
//! Only the latency-bound cells are pinned: up to [`PIN_MAX_ROWS`] rows. From 1 000
//! rows a cell is throughput-bound: the wake-up cost is spread over many rows, and
//! pinned the server and the client would share one core, which no deployment does.
//! That measures something else: a client that decodes rows while they arrive
//! (tokio-postgres, mysql_async, so ormolu and SQLx) then competes for the core with
//! the server that sends them, while one that waits for the whole result and decodes
//! it after (Diesel's libpq) does not (docs/benchmarks.md, item 60).

use std::process::Command;

use crate::Res;

/// The CPU everything is pinned to.
pub const PIN_CPU: usize = 0;

/// The largest cell (in rows) that `--pin` pins.
pub const PIN_MAX_ROWS: usize = 100;

/// Pins the benchmark and `backend`'s server for a cell of `rows` rows when `pin`
/// asks for it and the cell is small enough ([`PIN_MAX_ROWS`]); `None` otherwise
/// (SQLite, a large cell, or no `--pin`).
pub fn for_cell(backend: &str, pin: bool, rows: usize) -> Res<Option<Pinned>> {
    match server_processes(backend) {
        Some(servers) if pin && rows <= PIN_MAX_ROWS => Pinned::apply(servers).map(Some),
        _ => Ok(None),
    }
}

/// Processes moved to [`PIN_CPU`], with the CPU list each had; restored when dropped.
#[derive(Debug)]
pub struct Pinned {
    restore: Vec<(u32, String)>,
}

/// The server process names of a backend (`None`: no server to pin).
pub fn server_processes(backend: &str) -> Option<&'static [&'static str]> {
    match backend {
        "postgres" => Some(&["postgres"]),
        "mysql" | "mariadb" => Some(&["mariadbd", "mysqld"]),
        _ => None,
    }
}

impl Pinned {
    /// Pins this process and every process named in `servers` to [`PIN_CPU`]. Fails
    /// (having restored what it had moved) when no server process is found or one
    /// cannot be moved: a run asked to be pinned is never silently unpinned.
    pub fn apply(servers: &[&str]) -> Res<Pinned> {
        let mut pids: Vec<u32> = Vec::new();
        for name in servers {
            let out = Command::new("pgrep").args(["-x", name]).output()?;
            pids.extend(String::from_utf8_lossy(&out.stdout).split_whitespace().filter_map(|p| p.parse::<u32>().ok()));
        }
        if pids.is_empty() {
            return Err(crate::err(format!("--pin: no server process named {} is running here", servers.join(" or "))));
        }
        pids.push(std::process::id());
        let mut pinned = Pinned { restore: Vec::new() };
        for pid in pids {
            let before = cpu_list(pid)?;
            set_cpu_list(pid, &PIN_CPU.to_string())?;
            pinned.restore.push((pid, before));
        }
        Ok(pinned)
    }
}

impl Drop for Pinned {
    fn drop(&mut self) {
        for (pid, list) in self.restore.drain(..).rev() {
            if let Err(e) = set_cpu_list(pid, &list) {
                eprintln!("--pin: could not give process {pid} its CPUs ({list}) back: {e}");
            }
        }
    }
}

/// The CPU list of `pid` (`taskset -c -p`: "pid 12's current affinity list: 0,1").
fn cpu_list(pid: u32) -> Res<String> {
    let out = Command::new("taskset").args(["-c", "-p", &pid.to_string()]).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    match text.rsplit_once(": ") {
        Some((_, list)) if out.status.success() => Ok(list.trim().to_string()),
        _ => Err(crate::err(format!("--pin: taskset cannot read the CPUs of process {pid}: {text}"))),
    }
}

/// Moves every thread of `pid` to the CPUs in `list`.
fn set_cpu_list(pid: u32, list: &str) -> Res<()> {
    let out = Command::new("taskset").args(["-a", "-c", "-p", list, &pid.to_string()]).output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(crate::err(format!(
            "--pin: taskset cannot move process {pid} to CPUs {list}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}
