//! What ormolu keeps with a `mysql_async` connection while it holds it: [`Kept`],
//! leased through [`ormolu_core::warm`].
//!
//! `mysql_async`'s pool takes a returned connection through its recycler task, so
//! a query right after another finds it not yet back: it takes another idle
//! connection (another server thread, cold), and every checkout pays the recycler
//! hop, a liveness write and a scheduler pass. A connection given back clean (its
//! last command succeeded, no transaction open, no statement left to close) goes to
//! [`Hot`] instead, with its kept statements, and the next checkout takes it (see
//! [`ormolu_core::warm`] for when connections go back to the driver's pool).

use mysql_async::Conn;

use crate::stmts::Stmts;

/// A connection and the statements kept for it (see [`crate::stmts`]); it derefs to
/// the connection.
pub(crate) struct Kept {
    pub(crate) conn: Conn,
    pub(crate) stmts: Stmts,
}

impl std::ops::Deref for Kept {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.conn
    }
}

impl std::ops::DerefMut for Kept {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.conn
    }
}

/// Clean connections returned lately, with their statements.
pub(crate) type Hot = ormolu_core::warm::Warm<Kept>;

/// A connection out of the pool with its statements: dropped reusable, both go to
/// [`Hot`]; else the connection goes to the driver's pool (and the statements kept
/// are forgotten).
pub(crate) type Lease = ormolu_core::warm::Lease<Kept>;
