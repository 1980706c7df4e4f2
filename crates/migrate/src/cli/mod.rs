//! The `manage` command line (Django's `manage.py` migration commands).
//!
//! A project adds `src/bin/manage.rs`:
//!
//! ```ignore
//! #[path = "../migrations/mod.rs"]
//! mod migrations;
//!
//! fn main() -> std::process::ExitCode {
//!     ormolu_migrate::cli::run(ormolu_migrate::cli::Models::registry(), migrations::all())
//! }
//! ```
//!
//! and gets `makemigrations`, `migrate`, `showmigrations`, `sqlmigrate`,
//! `squashmigrations`, `inspectdb` and `check`. The database URL comes from
//! `--database-url`, then `DATABASE_URL` (a `.env` file is read), then `database_url` in
//! `ormolu.toml`. Migration files go to `--migrations-dir`, else `migrations_dir` in
//! `ormolu.toml`, else `src/migrations` of the package (`CARGO_MANIFEST_DIR`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use ormolu::{Db, Executor};
use ormolu_core::meta::ModelMeta;

use crate::autodetector::{arrange, detect_changes, suggest_name};
use crate::error::{Error, Result};
use crate::executor::{Event, MigrateOptions, Migrator, Target};
use crate::graph::Graph;
use crate::operations::Migration;
use crate::questioner::{Answers, InteractiveQuestioner, Questioner};
use crate::state::ProjectState;
use crate::writer;

mod commands;
mod config;

pub use commands::{check_models, make_migrations, makemigrations};
use commands::{migrate_cmd, showmigrations, squash_cmd};
use config::{connect, questioner, Config};

/// The models `makemigrations` and `check` look at.
#[derive(Debug, Clone)]
pub enum Models {
    /// Every model registered by `#[derive(Model)]` in the program.
    Registry,
    /// These models.
    List(Vec<&'static ModelMeta>),
    /// A state given directly.
    State(ProjectState),
}

impl Models {
    /// Every registered model.
    pub fn registry() -> Models {
        Models::Registry
    }
    /// These models.
    pub fn list(models: impl IntoIterator<Item = &'static ModelMeta>) -> Models {
        Models::List(models.into_iter().collect())
    }
    /// The models as a state.
    pub fn state(&self) -> ProjectState {
        match self {
            Models::Registry => ProjectState::from_registry(),
            Models::List(v) => ProjectState::from_models(v.iter().copied()),
            Models::State(s) => s.clone(),
        }
    }
}

fn command() -> Command {
    let apps = || Arg::new("apps").num_args(0..).help("Limit to these apps");
    Command::new("manage")
        .about("ormolu's management commands: migrations and the database")
        .subcommand_required(true)
        .arg(
            Arg::new("database-url")
                .long("database-url")
                .global(true)
                .help("Database URL (else DATABASE_URL, .env, ormolu.toml)"),
        )
        .arg(
            Arg::new("migrations-dir")
                .long("migrations-dir")
                .global(true)
                .help("Folder of migration files (default: src/migrations)"),
        )
        .arg(Arg::new("config").long("config").global(true).help("Configuration file (default: ormolu.toml)"))
        .subcommand(
            Command::new("makemigrations")
                .about("Creates new migrations from the changes in the models")
                .arg(apps())
                .arg(Arg::new("name").long("name").short('n').help("Name of the migration (after its number)"))
                .arg(
                    Arg::new("empty")
                        .long("empty")
                        .action(ArgAction::SetTrue)
                        .help("An empty migration to fill by hand"),
                )
                .arg(Arg::new("dry-run").long("dry-run").action(ArgAction::SetTrue).help("Show what would be written"))
                .arg(
                    Arg::new("check")
                        .long("check")
                        .action(ArgAction::SetTrue)
                        .help("Exit non-zero if models and migrations disagree"),
                )
                .arg(
                    Arg::new("noinput")
                        .long("noinput")
                        .alias("no-input")
                        .action(ArgAction::SetTrue)
                        .help("Ask nothing"),
                )
                .arg(
                    Arg::new("verbose")
                        .long("verbose")
                        .short('v')
                        .action(ArgAction::SetTrue)
                        .help("Print the files' source"),
                )
                .arg(
                    Arg::new("rename-model")
                        .long("rename-model")
                        .action(ArgAction::Append)
                        .help("Answer a rename question: app.Old=New"),
                )
                .arg(
                    Arg::new("rename-field")
                        .long("rename-field")
                        .action(ArgAction::Append)
                        .help("Answer a rename question: app.Model.old=new"),
                )
                .arg(
                    Arg::new("default")
                        .long("default")
                        .action(ArgAction::Append)
                        .help("A one-off value for existing rows: app.Model.field=VALUE"),
                ),
        )
        .subcommand(
            Command::new("migrate")
                .about("Applies migrations (or unapplies back to a target)")
                .arg(Arg::new("app").help("App label"))
                .arg(Arg::new("target").help("Migration name (or prefix), or `zero`"))
                .arg(Arg::new("plan").long("plan").action(ArgAction::SetTrue).help("Show what would be done"))
                .arg(Arg::new("fake").long("fake").action(ArgAction::SetTrue).help("Record without running")),
        )
        .subcommand(
            Command::new("showmigrations")
                .about("Lists migrations and whether they are applied")
                .arg(apps())
                .arg(Arg::new("plan").long("plan").action(ArgAction::SetTrue).help("In the order they apply")),
        )
        .subcommand(
            Command::new("sqlmigrate")
                .about("Prints the SQL of a migration for the configured database")
                .arg(Arg::new("app").required(true))
                .arg(Arg::new("name").required(true))
                .arg(
                    Arg::new("backwards")
                        .long("backwards")
                        .action(ArgAction::SetTrue)
                        .help("The SQL that unapplies it"),
                ),
        )
        .subcommand(
            Command::new("squashmigrations")
                .about("Squashes an app's migrations up to one into a single migration")
                .arg(Arg::new("app").required(true))
                .arg(
                    Arg::new("names")
                        .num_args(1..=2)
                        .required(true)
                        .value_names(["START", "UPTO"])
                        .help("[first migration to squash] the last migration to squash"),
                )
                .arg(Arg::new("squashed-name").long("squashed-name").help("Name of the squashed migration")),
        )
        .subcommand(
            Command::new("inspectdb")
                .about("Prints models for the tables of an existing database")
                .arg(Arg::new("tables").num_args(0..)),
        )
        .subcommand(Command::new("check").about("Checks the models for problems"))
}

/// Runs the command line of this process and returns its exit code.
pub fn run(models: Models, migrations: Vec<Migration>) -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout();
    let code = runtime.block_on(run_args(args, &models, migrations, &mut out));
    ExitCode::from(code as u8)
}

/// Runs a command line (`args[0]` is the program), writing to `out`; returns the exit
/// code (errors are printed to stderr).
pub async fn run_args(
    args: Vec<String>,
    models: &Models,
    migrations: Vec<Migration>,
    out: &mut (dyn Write + Send),
) -> i32 {
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match dispatch(&matches, models, migrations, out).await {
        Ok(code) => code,
        Err(e) => {
            let _ = out.flush();
            eprintln!("error: {e}");
            1
        }
    }
}

/// Runs a command line against a database already connected (tests, programs that
/// embed the commands); `--database-url` is ignored.
pub async fn run_with_db(
    args: Vec<String>,
    models: &Models,
    migrations: Vec<Migration>,
    db: &Db,
    out: &mut (dyn Write + Send),
) -> i32 {
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match dispatch_on(&matches, models, migrations, Some(db), out).await {
        Ok(code) => code,
        Err(e) => {
            let _ = out.flush();
            eprintln!("error: {e}");
            let _ = writeln!(out, "error: {e}");
            1
        }
    }
}

async fn dispatch(
    m: &ArgMatches,
    models: &Models,
    migrations: Vec<Migration>,
    out: &mut (dyn Write + Send),
) -> Result<i32> {
    dispatch_on(m, models, migrations, None, out).await
}

async fn dispatch_on(
    m: &ArgMatches,
    models: &Models,
    migrations: Vec<Migration>,
    given: Option<&Db>,
    out: &mut (dyn Write + Send),
) -> Result<i32> {
    let cfg = Config::load(m.get_one::<String>("config").map(String::as_str))?;
    let (name, sub) = m.subcommand().expect("subcommand required");
    let db_url = sub.get_one::<String>("database-url").cloned().or(m.get_one::<String>("database-url").cloned());
    let dir = sub
        .get_one::<String>("migrations-dir")
        .or(m.get_one::<String>("migrations-dir"))
        .map(PathBuf::from)
        .unwrap_or_else(|| cfg.migrations_dir());
    let connect = || async {
        match given {
            Some(db) => Ok(db.clone()),
            None => connect(&cfg.database_url(db_url.as_deref())?).await,
        }
    };
    match name {
        "makemigrations" => makemigrations(sub, models, migrations, &dir, out),
        "migrate" => {
            let db = connect().await?;
            migrate_cmd(sub, &db, models, migrations, out).await
        }
        "showmigrations" => {
            let db = connect().await?;
            showmigrations(sub, &db, migrations, out).await
        }
        "sqlmigrate" => {
            let db = connect().await?;
            let app = sub.get_one::<String>("app").expect("required");
            let name = sub.get_one::<String>("name").expect("required");
            let lines = Migrator::new(&db, migrations).sql_for(app, name, sub.get_flag("backwards")).await?;
            for l in lines {
                writeln!(out, "{l}").ok();
            }
            Ok(0)
        }
        "squashmigrations" => squash_cmd(sub, migrations, &dir, out),
        "inspectdb" => {
            let db = connect().await?;
            let tables: Vec<String> =
                sub.get_many::<String>("tables").map(|v| v.cloned().collect()).unwrap_or_default();
            let src = crate::inspectdb::inspect(&db, &tables).await?;
            write!(out, "{src}").ok();
            Ok(0)
        }
        "check" => {
            let issues = check_models(&models.state());
            if issues.is_empty() {
                writeln!(out, "System check identified no issues.").ok();
                Ok(0)
            } else {
                for i in &issues {
                    writeln!(out, "{i}").ok();
                }
                writeln!(out, "System check identified {} issue(s).", issues.len()).ok();
                Ok(1)
            }
        }
        _ => unreachable!("clap knows the subcommands"),
    }
}
