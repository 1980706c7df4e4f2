//! Creating and dropping the tables of models, through any executor.

use ormolu_core::meta::ModelMeta;
use ormolu_core::schema::{check_models, create_tables_sql, drop_table_sql, with_auto_through};
use ormolu_core::Result;

use crate::executor::Executor;

/// Creates the tables (with indexes and constraints) of these models, in
/// dependency order. A field the backend cannot store (an array field outside
/// PostgreSQL) is `Error::NotSupported`, before any table is made.
pub async fn create_tables(exec: &(impl Executor + ?Sized), models: &[&ModelMeta]) -> Result<()> {
    check_models(exec.dialect(), models)?;
    let stmts = create_tables_sql(exec.dialect(), models);
    let mut conn = exec.conn().await?;
    for s in stmts {
        conn.batch(&s).await?;
    }
    Ok(())
}

/// Drops the tables of these models and their auto-created many-to-many tables
/// (in reverse order), if they exist.
pub async fn drop_tables(exec: &(impl Executor + ?Sized), models: &[&ModelMeta]) -> Result<()> {
    let all = with_auto_through(models);
    let mut conn = exec.conn().await?;
    for m in all.iter().rev() {
        conn.batch(&drop_table_sql(exec.dialect(), m)).await?;
    }
    Ok(())
}
