//! Where the command line finds its settings (`--database-url`, `DATABASE_URL`,
//! `.env`, `ormolu.toml`), connecting, and the rename questioner.

use super::*;

/// Settings from `ormolu.toml` (`key = "value"` lines).
#[derive(Debug, Default)]
pub(super) struct Config {
    values: BTreeMap<String, String>,
    base: PathBuf,
}

impl Config {
    pub(super) fn load(path: Option<&str>) -> Result<Config> {
        let base = std::env::var("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("."));
        let (file, required) = match path {
            Some(p) => (PathBuf::from(p), true),
            None => {
                let here = PathBuf::from("ormolu.toml");
                (if here.exists() { here } else { base.join("ormolu.toml") }, false)
            }
        };
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config { values: BTreeMap::new(), base })
            }
            Err(e) => return Err(Error::io(&file, e)),
        };
        let mut values = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('[') {
                continue;
            }
            let (k, v) = line
                .split_once('=')
                .ok_or_else(|| Error::Config(format!("{}:{}: expected `key = \"value\"`", file.display(), n + 1)))?;
            values.insert(k.trim().to_string(), v.trim().trim_matches('"').to_string());
        }
        Ok(Config { values, base })
    }

    pub(super) fn database_url(&self, arg: Option<&str>) -> Result<String> {
        if let Some(u) = arg {
            return Ok(u.to_string());
        }
        let _ = dotenvy::dotenv();
        if let Ok(u) = std::env::var("DATABASE_URL") {
            if !u.is_empty() {
                return Ok(u);
            }
        }
        self.values.get("database_url").cloned().ok_or_else(|| {
            Error::Config(
                "no database configured: pass --database-url, set DATABASE_URL (in the environment or a .env \
                 file), or write database_url = \"…\" in ormolu.toml"
                    .into(),
            )
        })
    }

    pub(super) fn migrations_dir(&self) -> PathBuf {
        match self.values.get("migrations_dir") {
            Some(d) => self.base.join(d),
            None => self.base.join("src").join("migrations"),
        }
    }
}

/// A URL with its password hidden.
pub(super) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub(super) async fn connect(url: &str) -> Result<Db> {
    let db = Db::connect(url)
        .await
        .map_err(|e| Error::Config(format!("cannot connect to the database at {}: {e}", redact(url))))?;
    // Pools connect lazily: make sure the database answers now.
    db.conn().await.map_err(|e| Error::Config(format!("cannot connect to the database at {}: {e}", redact(url))))?;
    Ok(db)
}

pub(super) fn questioner(sub: &ArgMatches) -> Result<Box<dyn Questioner>> {
    let mut a = Answers::none();
    for r in sub.get_many::<String>("rename-model").into_iter().flatten() {
        let (lhs, new) =
            r.split_once('=').ok_or_else(|| Error::Config(format!("--rename-model {r}: expected app.Old=New")))?;
        let (app, old) =
            lhs.split_once('.').ok_or_else(|| Error::Config(format!("--rename-model {r}: expected app.Old=New")))?;
        a = a.rename_model(app, old, new);
    }
    for r in sub.get_many::<String>("rename-field").into_iter().flatten() {
        let bad = || Error::Config(format!("--rename-field {r}: expected app.Model.old=new"));
        let (lhs, new) = r.split_once('=').ok_or_else(bad)?;
        let parts: Vec<&str> = lhs.split('.').collect();
        let [app, model, old] = parts.as_slice() else { return Err(bad()) };
        a = a.rename_field(app, model, old, new);
    }
    for r in sub.get_many::<String>("default").into_iter().flatten() {
        let bad = || Error::Config(format!("--default {r}: expected app.Model.field=VALUE"));
        let (lhs, v) = r.split_once('=').ok_or_else(bad)?;
        let parts: Vec<&str> = lhs.split('.').collect();
        let [app, model, field] = parts.as_slice() else { return Err(bad()) };
        a = a.default_for(app, model, field, v);
    }
    let given = !a.model_renames.is_empty() || !a.field_renames.is_empty() || !a.defaults.is_empty();
    if !sub.get_flag("noinput") && !given && std::io::stdin().is_terminal() {
        return Ok(Box::new(InteractiveQuestioner::terminal()));
    }
    Ok(Box::new(a))
}
