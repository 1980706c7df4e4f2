//! Streaming rows on a blocking thread, in constant memory.
//!
//! A long scan must not block the async runtime, so [`SqliteRowStream`] lends the
//! connection (the deadpool object) to a `spawn_blocking` task that steps the
//! statement and sends rows through a bounded channel, in chunks of up to
//! [`CHUNK_ROWS`] rows ([`CHANNEL_CAPACITY`] chunks):
//! memory stays constant and the task waits while the consumer is slow. When the
//! query ends the task sends the connection back through a oneshot channel, which
//! the next call on the [`SqliteConnection`] awaits first.
//!
//! Dropping the stream early closes the channel and interrupts the statement
//! (`sqlite3_interrupt`), so the task stops promptly; the connection still comes
//! back through the oneshot and is not lost.

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::Stream;
use ormolu_core::driver::Row;
use ormolu_core::{Error, Result, Value};
use rusqlite::InterruptHandle;
use tokio::sync::{mpsc, oneshot};

use crate::conn::SqliteConnection;
use crate::run;

/// Chunks of rows buffered between the blocking task and the consumer.
pub(crate) const CHANNEL_CAPACITY: usize = 4;

/// Rows per chunk: the task sends rows in chunks (one channel hand-off per chunk, not
/// per row); a chunk is also sent once it is [`CHUNK_WAIT`] old.
pub(crate) const CHUNK_ROWS: usize = 256;

/// The longest a fetched row waits in the task before it is sent.
pub(crate) const CHUNK_WAIT: std::time::Duration = std::time::Duration::from_millis(1);

enum State {
    /// Not started: waits for the connection, then starts the task (on first poll,
    /// so that creating the stream needs no runtime).
    Start,
    /// The task is running.
    Running { rows: mpsc::Receiver<Result<Vec<Row>>>, chunk: std::vec::IntoIter<Row>, interrupt: InterruptHandle },
    /// Finished (or failed to start).
    Done,
}

/// The stream returned by [`SqliteConnection`]'s `stream`.
pub(crate) struct SqliteRowStream<'a> {
    conn: &'a mut SqliteConnection,
    sql: &'a str,
    params: &'a [Value],
    state: State,
}

impl<'a> SqliteRowStream<'a> {
    pub(crate) fn new(conn: &'a mut SqliteConnection, sql: &'a str, params: &'a [Value]) -> Self {
        SqliteRowStream { conn, sql, params, state: State::Start }
    }

    /// Lends the connection to a new blocking task running the query.
    fn start(&mut self) -> Result<State> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::Usage("streaming SQLite rows needs a Tokio runtime".into()))?;
        let obj = self.conn.lend().ok_or_else(|| Error::Usage("connection is not ready".into()))?;
        let interrupt = obj.get_interrupt_handle();
        let (tx, rows) = mpsc::channel(CHANNEL_CAPACITY);
        let (give_back, back) = oneshot::channel();
        let (sql, params) = (self.sql.to_owned(), self.params.to_vec());
        runtime.spawn_blocking(move || {
            run::stream(&obj, &sql, &params, &tx);
            // If the connection wrapper is gone too, dropping `obj` returns it to the pool.
            let _ = give_back.send(obj);
        });
        self.conn.set_pending(back);
        Ok(State::Running { rows, chunk: Vec::new().into_iter(), interrupt })
    }
}

impl Stream for SqliteRowStream<'_> {
    type Item = Result<Row>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Row>>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Start => {
                    let started = match ready!(this.conn.poll_ready(cx)) {
                        Ok(()) => this.start(),
                        Err(e) => Err(e),
                    };
                    match started {
                        Ok(state) => this.state = state,
                        Err(e) => {
                            this.state = State::Done;
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                }
                State::Running { rows, chunk, .. } => {
                    if let Some(row) = chunk.next() {
                        return Poll::Ready(Some(Ok(row)));
                    }
                    match ready!(rows.poll_recv(cx)) {
                        Some(Ok(next)) => *chunk = next.into_iter(),
                        Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                        None => this.state = State::Done,
                    }
                }
                State::Done => return Poll::Ready(None),
            }
        }
    }
}

impl Drop for SqliteRowStream<'_> {
    fn drop(&mut self) {
        if let State::Running { rows, interrupt, .. } = &mut self.state {
            rows.close();
            // Harmless if the statement already finished: SQLite clears the flag
            // when the next statement starts on an idle connection.
            interrupt.interrupt();
        }
    }
}
