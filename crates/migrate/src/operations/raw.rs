//! The operations that run what the migration's author wrote: [`RunSql`] (raw SQL)
//! and [`RunCode`] (Rust code, written with [`code!`](crate::code) as a [`CodeFn`]).

use futures_util::future::BoxFuture;
use ormolu::Executor;

use crate::error::Result;
use crate::historical::Apps;

/// The function of a [`RunCode`] operation: it gets the historical models of the
/// migration's state and the connection (inside the migration's transaction where
/// the database has one). Write it with [`code!`](crate::code).
pub type CodeFn = for<'a> fn(&'a Apps, &'a (dyn Executor + 'a)) -> BoxFuture<'a, Result<()>>;

/// Raw SQL, with the SQL that undoes it (Django's `RunSQL`).
#[derive(Debug, Clone, PartialEq)]
pub struct RunSql {
    /// Statements run forwards.
    pub forward: Vec<String>,
    /// Statements run backwards; `None`: irreversible (an empty list: nothing to undo).
    pub backward: Option<Vec<String>>,
}

impl RunSql {
    /// Forward statements, irreversible until [`RunSql::reverse`] is given.
    pub fn new<S: Into<String>>(forward: impl IntoIterator<Item = S>) -> RunSql {
        RunSql { forward: forward.into_iter().map(Into::into).collect(), backward: None }
    }
    /// The statements that undo it (`[]` for nothing to undo, Django's `RunSQL.noop`).
    pub fn reverse<S: Into<String>>(mut self, backward: impl IntoIterator<Item = S>) -> Self {
        self.backward = Some(backward.into_iter().map(Into::into).collect());
        self
    }
}

/// Rust code run as a migration step (Django's `RunPython`): a data migration
/// through historical models.
#[derive(Clone)]
pub struct RunCode {
    /// What it does (shown by `migrate --plan` and `sqlmigrate`).
    pub description: String,
    /// Forwards.
    pub forward: CodeFn,
    /// Backwards; `None`: irreversible.
    pub backward: Option<CodeFn>,
}

impl RunCode {
    /// Code run forwards.
    pub fn new(description: impl Into<String>, forward: CodeFn) -> RunCode {
        RunCode { description: description.into(), forward, backward: None }
    }
    /// Code that undoes it.
    pub fn reverse(mut self, backward: CodeFn) -> Self {
        self.backward = Some(backward);
        self
    }
    /// A step that does nothing (a no-op reverse, Django's `RunPython.noop`).
    pub fn noop<'a>(_: &'a Apps, _: &'a (dyn Executor + 'a)) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

impl std::fmt::Debug for RunCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RunCode({:?}, reversible: {})", self.description, self.backward.is_some())
    }
}

impl PartialEq for RunCode {
    fn eq(&self, other: &Self) -> bool {
        self.description == other.description && self.backward.is_some() == other.backward.is_some()
    }
}

/// Writes a [`CodeFn`] from a block: `code!(|apps, db| { … Ok(()) })`.
///
/// ```
/// use ormolu_migrate::{code, CodeFn};
///
/// fn forwards() -> CodeFn {
///     code!(|apps, db| {
///         let product = apps.model("shop", "Product")?;
///         for mut row in product.objects().all(db).await? {
///             let name: String = row.value("name")?;
///             row.set("name", name.trim().to_string());
///             product.save(db, &row).await?;
///         }
///         Ok(())
///     })
/// }
/// # let _ = forwards();
/// ```
#[macro_export]
macro_rules! code {
    (|$apps:ident, $db:ident| $body:block) => {{
        fn __ormolu_code<'a>(
            $apps: &'a $crate::Apps,
            $db: &'a (dyn $crate::__private::Executor + 'a),
        ) -> $crate::__private::BoxFuture<'a, $crate::Result<()>> {
            ::std::boxed::Box::pin(async move $body)
        }
        __ormolu_code as $crate::CodeFn
    }};
}
