//! The commands: makemigrations, migrate, showmigrations, squashmigrations, check.

use super::*;

/// Checks that every migration file on disk is compiled in.
pub(super) fn check_compiled(dir: &Path, migrations: &[Migration]) -> Result<()> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Ok(()) };
    let compiled: BTreeSet<(String, String)> = migrations.iter().map(|m| (m.app.clone(), m.name.clone())).collect();
    let mut missing = Vec::new();
    for e in rd.flatten() {
        if e.path().is_dir() {
            let app = e.file_name().to_string_lossy().to_string();
            for stem in writer::migration_files(&e.path())? {
                if !compiled.contains(&(app.clone(), stem.clone())) {
                    missing.push(format!("{app}/{stem}.rs"));
                }
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "migration files in {} are not compiled into this program: {}; rebuild it (cargo run again) first",
            dir.display(),
            missing.join(", ")
        )))
    }
}

/// What `makemigrations` decides, without writing anything: the new migrations for
/// `models` given the existing `migrations` (limited to `apps` when not empty;
/// empty ones with `empty`).
pub fn make_migrations(
    models: &ProjectState,
    migrations: Vec<Migration>,
    apps: &[String],
    name: Option<&str>,
    empty: bool,
    questioner: &mut dyn Questioner,
) -> Result<Vec<Migration>> {
    let graph = Graph::new(migrations, &BTreeSet::new())?;
    for app in graph.apps() {
        let leaves = graph.leaf_nodes(&app);
        if leaves.len() > 1 {
            return Err(Error::Graph(format!(
                "conflicting migrations in app `{app}`: {} all are latest; write a migration depending on all of them to merge",
                leaves.iter().map(|k| k.1.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let known: BTreeSet<String> = models.apps().into_iter().chain(graph.apps()).collect();
    for a in apps {
        if !known.contains(a) {
            return Err(Error::Config(format!(
                "no app `{a}` (apps: {})",
                known.iter().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    if empty {
        if apps.is_empty() {
            return Err(Error::Config("--empty needs the app(s) to make an empty migration for".into()));
        }
        let mut out = Vec::new();
        for app in apps {
            let changes = BTreeMap::from([(app.clone(), Vec::new())]);
            let mut m = arrange(changes, &graph, None)?.remove(0);
            let suffix = name.map(str::to_string).unwrap_or_else(|| suggest_name(&[], false));
            let number: String = m.name.chars().take(4).collect();
            m.name = format!("{number}_{suffix}");
            out.push(m);
        }
        return Ok(out);
    }
    let from = graph.project_state()?;
    let filter = (!apps.is_empty()).then_some(apps);
    let changes = detect_changes(&from, models, questioner, filter)?;
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    arrange(changes, &graph, name)
}

/// `makemigrations`.
pub fn makemigrations(
    sub: &ArgMatches,
    models: &Models,
    migrations: Vec<Migration>,
    dir: &Path,
    out: &mut (dyn Write + Send),
) -> Result<i32> {
    check_compiled(dir, &migrations)?;
    let apps: Vec<String> = sub.get_many::<String>("apps").map(|v| v.cloned().collect()).unwrap_or_default();
    let name = sub.get_one::<String>("name").map(String::as_str);
    let mut q = questioner(sub)?;
    let new = make_migrations(&models.state(), migrations, &apps, name, sub.get_flag("empty"), q.as_mut())?;
    if new.is_empty() {
        match apps.as_slice() {
            [] => writeln!(out, "No changes detected"),
            [one] => writeln!(out, "No changes detected in app '{one}'"),
            many => writeln!(out, "No changes detected in apps '{}'", many.join("', '")),
        }
        .ok();
        return Ok(0);
    }
    let dry = sub.get_flag("dry-run") || sub.get_flag("check");
    for m in &new {
        let path = dir.join(&m.app).join(format!("{}.rs", m.name));
        writeln!(out, "Migrations for '{}':\n  {}", m.app, path.display()).ok();
        for op in &m.operations {
            writeln!(out, "    - {}", op.describe()).ok();
        }
        if dry && sub.get_flag("verbose") {
            writeln!(out, "{}", writer::migration_source(m)?).ok();
        }
        if !dry {
            writer::write_migration(dir, m)?;
        }
    }
    if sub.get_flag("check") {
        return Ok(1);
    }
    Ok(0)
}

fn describe_target(t: &Target, graph: &Graph) -> String {
    match t {
        Target::Latest => {
            format!("  Apply all migrations: {}", graph.apps().into_iter().collect::<Vec<_>>().join(", "))
        }
        Target::App(a) => format!("  Apply all migrations: {a}"),
        Target::Zero(a) => format!("  Unapply all migrations: {a}"),
        Target::Migration(a, n) => format!("  Target specific migration: {n}, from {a}"),
    }
}

pub(super) async fn migrate_cmd(
    sub: &ArgMatches,
    db: &Db,
    models: &Models,
    migrations: Vec<Migration>,
    out: &mut (dyn Write + Send),
) -> Result<i32> {
    let target = Target::parse(
        sub.get_one::<String>("app").map(String::as_str),
        sub.get_one::<String>("target").map(String::as_str),
    );
    let migrator = Migrator::new(db, migrations);
    let applied = migrator.applied().await?;
    let graph = migrator.graph(&applied)?;
    if sub.get_flag("plan") {
        let plan = Migrator::plan(&graph, &target, &applied)?;
        writeln!(out, "Planned operations:").ok();
        if plan.is_empty() {
            writeln!(out, "  No planned migration operations.").ok();
        }
        for step in plan {
            writeln!(out, "{}.{}", step.key.0, step.key.1).ok();
            let m = graph.node(&step.key).expect("planned");
            let ops: Vec<_> =
                if step.backwards { m.operations.iter().rev().collect() } else { m.operations.iter().collect() };
            for op in ops {
                let undo = if step.backwards { "Undo " } else { "" };
                let mark = if step.backwards && !op.reversible() { " (IRREVERSIBLE)" } else { "" };
                writeln!(out, "    {undo}{}{mark}", op.describe()).ok();
            }
        }
        return Ok(0);
    }
    writeln!(out, "Operations to perform:\n{}\nRunning migrations:", describe_target(&target, &graph)).ok();
    let fake = sub.get_flag("fake");
    let mut any = false;
    let mut on_event = |e: Event| match e {
        Event::Start { key, backwards } => {
            any = true;
            let verb = if backwards { "Unapplying" } else { "Applying" };
            write!(out, "  {verb} {}.{}...", key.0, key.1).ok();
            out.flush().ok();
        }
        Event::Done { elapsed, fake, .. } => {
            let what = if fake { "FAKED" } else { "OK" };
            writeln!(out, " {what} ({}ms)", elapsed.as_millis()).ok();
        }
        Event::Skipped { .. } => {
            writeln!(out, " already done by another process").ok();
        }
    };
    let result = migrator.migrate(&target, MigrateOptions { fake }, &mut on_event).await;
    if let Err(e) = result {
        writeln!(out, " FAILED").ok();
        return Err(e);
    }
    if !any {
        writeln!(out, "  No migrations to apply.").ok();
    }
    if matches!(target, Target::Latest | Target::App(_)) {
        let state = migrator.graph(&migrator.applied().await?)?.project_state()?;
        let pending = detect_changes(&state, &models.state(), &mut Answers::none(), None);
        let apps: Vec<String> = match pending {
            Ok(c) => c.into_keys().collect(),
            Err(_) => vec!["(some)".into()],
        };
        if !apps.is_empty() {
            writeln!(
                out,
                "  Your models in app(s): '{}' have changes that are not yet reflected in a migration, and so won't be applied.\n  \
                 Run 'manage makemigrations' to make new migrations, and then re-run 'manage migrate' to apply them.",
                apps.join("', '")
            )
            .ok();
        }
    }
    Ok(0)
}

pub(super) async fn showmigrations(
    sub: &ArgMatches,
    db: &Db,
    migrations: Vec<Migration>,
    out: &mut (dyn Write + Send),
) -> Result<i32> {
    let migrator = Migrator::new(db, migrations);
    let applied = migrator.applied().await?;
    let graph = migrator.graph(&applied)?;
    let eff = Migrator::effective_applied(&graph, &applied);
    let mark = |k: &(String, String)| if eff.contains(k) { "[X]" } else { "[ ]" };
    let note = |k: &(String, String)| match graph.replacements.get(k) {
        Some(r) => format!(" ({} squashed migrations)", r.len()),
        None => String::new(),
    };
    let apps: Vec<String> = sub.get_many::<String>("apps").map(|v| v.cloned().collect()).unwrap_or_default();
    if sub.get_flag("plan") {
        for k in graph.full_order() {
            if apps.is_empty() || apps.contains(&k.0) {
                writeln!(out, "{} {}.{}{}", mark(&k), k.0, k.1, note(&k)).ok();
            }
        }
        return Ok(0);
    }
    let all_apps = graph.apps();
    for a in &apps {
        if !all_apps.contains(a) {
            return Err(Error::Config(format!("app `{a}` has no migrations")));
        }
    }
    for app in all_apps {
        if !apps.is_empty() && !apps.contains(&app) {
            continue;
        }
        writeln!(out, "{app}").ok();
        for k in graph.full_order().into_iter().filter(|k| k.0 == app) {
            writeln!(out, " {} {}{}", mark(&k), k.1, note(&k)).ok();
        }
    }
    Ok(0)
}

pub(super) fn squash_cmd(
    sub: &ArgMatches,
    migrations: Vec<Migration>,
    dir: &Path,
    out: &mut (dyn Write + Send),
) -> Result<i32> {
    let graph = Graph::new(migrations, &BTreeSet::new())?;
    let app = sub.get_one::<String>("app").expect("required");
    let names: Vec<&String> = sub.get_many::<String>("names").expect("required").collect();
    let (start, upto) = match names.as_slice() {
        [upto] => (None, upto.as_str()),
        [start, upto] => (Some(start.as_str()), upto.as_str()),
        _ => unreachable!("one or two names"),
    };
    let name = sub.get_one::<String>("squashed-name").map(String::as_str);
    let m = crate::squash::squash(&graph, app, start, upto, name)?;
    let n_before: usize = m.replaces.len();
    let path = writer::write_migration(dir, &m)?;
    writeln!(
        out,
        "Created new squashed migration {}\n  ({n_before} migrations squashed into {} operation(s)).\n  \
         Commit it and keep the old migrations until every database has applied it; then delete them and \
         remove the `.replaces(...)` lines.",
        path.display(),
        m.operations.len()
    )
    .ok();
    Ok(0)
}

/// Problems in the models (Django's system checks for models): reverse accessors that
/// clash, relations to models that do not exist, duplicate tables and index names,
/// missing primary keys. Each message names the model and the field.
pub fn check_models(state: &ProjectState) -> Vec<String> {
    let mut issues = Vec::new();
    let mut tables: BTreeMap<String, String> = BTreeMap::new();
    let mut accessors: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for m in state.models.values() {
        let label = m.label();
        if let Some(other) = tables.insert(m.table.clone(), label.clone()) {
            issues.push(format!("{label}: (models.E028) table '{}' is also used by {other}.", m.table));
        }
        if m.pk().is_none() {
            issues.push(format!("{label}: (models.E004) the model has no primary key."));
        }
        for ix in m.indexes.iter().map(|i| i.name.clone()).chain(m.constraints.iter().map(|c| c.name().to_string())) {
            if let Some(other) = names.insert(ix.clone(), label.clone()) {
                issues.push(format!("{label}: (models.E030) index/constraint name '{ix}' is also used by {other}."));
            }
        }
        for f in &m.fields {
            let Some(r) = &f.relation else { continue };
            let Ok(target) = state.resolve(&r.to, &m.app) else {
                issues.push(format!(
                    "{label}.{}: (fields.E300) the field points at '{}', which is not a model.",
                    f.name, r.to
                ));
                continue;
            };
            if let Some(tf) = &r.to_field {
                if target.field_named(tf).is_none() {
                    issues.push(format!(
                        "{label}.{}: (fields.E312) to_field '{tf}' is not a field of {}.",
                        f.name,
                        target.label()
                    ));
                }
            }
            if r.related_name.as_deref().is_some_and(|n| n.ends_with('+')) {
                continue;
            }
            let lower = m.name.to_lowercase();
            let acc = r.related_name.clone().unwrap_or_else(|| {
                if r.one_to_one {
                    lower.clone()
                } else {
                    format!("{lower}_set")
                }
            });
            accessors.entry(target.label()).or_default().push((acc, format!("{label}.{}", f.name)));
        }
        for x in &m.many_to_many {
            let Ok(target) = state.resolve(&x.to, &m.app) else {
                issues.push(format!(
                    "{label}.{}: (fields.E300) the field points at '{}', which is not a model.",
                    x.name, x.to
                ));
                continue;
            };
            if let Some(t) = &x.through {
                if state.resolve(t, &m.app).is_err() {
                    issues.push(format!("{label}.{}: (fields.E331) the join model '{t}' is not a model.", x.name));
                }
            }
            if x.related_name.as_deref().is_some_and(|n| n.ends_with('+')) {
                continue;
            }
            let acc = x.related_name.clone().unwrap_or_else(|| format!("{}_set", m.name.to_lowercase()));
            accessors.entry(target.label()).or_default().push((acc, format!("{label}.{}", x.name)));
        }
    }
    for (target, accs) in &accessors {
        let Some((app, name)) = target.split_once('.') else { continue };
        let Some(t) = state.get(app, name) else { continue };
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (acc, field) in accs {
            if t.field_named(acc).is_some() || t.m2m_named(acc).is_some() {
                issues.push(format!(
                    "{field}: (fields.E302) reverse accessor '{acc}' clashes with field {target}.{acc}; add or change a related_name."
                ));
            }
            if let Some(other) = seen.insert(acc, field) {
                issues.push(format!(
                    "{field}: (fields.E304) reverse accessor '{target}.{acc}' clashes with the one of {other}; add or change a related_name."
                ));
            }
        }
    }
    issues
}
