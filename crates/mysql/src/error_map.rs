//! `mysql_async` errors to ormolu [`Error`]s: integrity violations with their kind
//! and constraint name, other server errors with their SQL, the rest as connection,
//! pool or configuration errors.

use mysql_async::{DriverError, Error as MyError, ServerError};
use ormolu_core::error::IntegrityKind;
use ormolu_core::Error;

/// Maps an error of running `sql`.
#[cold]
#[inline(never)]
pub(crate) fn map_error(err: MyError, sql: &str) -> Error {
    match err {
        MyError::Server(e) => server_error(e, sql),
        MyError::Driver(DriverError::PoolDisconnected) => Error::Pool("the pool is closed".into()),
        // Bad parameters are the caller's statement's fault: keep the SQL.
        MyError::Driver(
            e @ (DriverError::StmtParamsMismatch { .. }
            | DriverError::StmtParamsNumberExceedsLimit { .. }
            | DriverError::Params(_)
            | DriverError::MixedParams),
        ) => Error::Database { message: e.to_string(), sql: sql.to_string(), source: Some(Box::new(e)) },
        other => connection_error(other),
    }
}

/// Maps an error of opening or taking a connection (no statement involved).
pub(crate) fn map_connect_error(err: MyError) -> Error {
    match err {
        MyError::Url(e) => Error::Config(format!("bad MySQL URL: {e}")),
        MyError::Driver(DriverError::PoolDisconnected) => Error::Pool("the pool is closed".into()),
        other => connection_error(other),
    }
}

fn connection_error(err: MyError) -> Error {
    Error::Connection { message: err.to_string(), source: Some(Box::new(err)) }
}

/// The integrity kind of a server error code, if it is an integrity error.
fn integrity_kind(code: u16) -> Option<IntegrityKind> {
    Some(match code {
        // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME
        1062 | 1586 => IntegrityKind::Unique,
        // ER_ROW_IS_REFERENCED_2, ER_NO_REFERENCED_ROW_2, ER_NO_REFERENCED_ROW, ER_ROW_IS_REFERENCED
        1451 | 1452 | 1216 | 1217 => IntegrityKind::ForeignKey,
        // ER_BAD_NULL_ERROR, ER_NO_DEFAULT_FOR_FIELD
        1048 | 1364 => IntegrityKind::NotNull,
        // MySQL's ER_CHECK_CONSTRAINT_VIOLATED, MariaDB's ER_CONSTRAINT_FAILED
        3819 | 4025 => IntegrityKind::Check,
        _ => return None,
    })
}

fn server_error(e: ServerError, sql: &str) -> Error {
    match integrity_kind(e.code) {
        Some(kind) => Error::Integrity {
            kind,
            constraint: constraint_name(kind, &e.message),
            message: e.message.clone(),
            source: Some(Box::new(e)),
        },
        None => Error::Database {
            message: format!("({}) {}", e.code, e.message),
            sql: sql.to_string(),
            source: Some(Box::new(e)),
        },
    }
}

/// The text between `start` and the next `end` after it.
fn between<'m>(message: &'m str, start: &str, end: char) -> Option<&'m str> {
    let rest = &message[message.find(start)? + start.len()..];
    rest.find(end).map(|i| &rest[..i])
}

/// The constraint (or column) named in an integrity error's message.
pub(crate) fn constraint_name(kind: IntegrityKind, message: &str) -> Option<String> {
    let name = match kind {
        // "Duplicate entry 'x' for key 'shop_user.username'" (MySQL 8) or "... for key 'username'"
        // (MariaDB). The entry may itself contain quotes, so read from the last "for key '".
        IntegrityKind::Unique => {
            let rest = &message[message.rfind("for key '")? + "for key '".len()..];
            rest.strip_suffix('\'').or_else(|| rest.split('\'').next())
        }
        // "... a foreign key constraint fails (`db`.`t`, CONSTRAINT `name` FOREIGN KEY ...)"
        IntegrityKind::ForeignKey => between(message, "CONSTRAINT `", '`'),
        // "Column 'name' cannot be null" / "Field 'name' doesn't have a default value"
        IntegrityKind::NotNull => between(message, "Column '", '\'').or_else(|| between(message, "Field '", '\'')),
        // MariaDB: "CONSTRAINT `name` failed for `db`.`t`"; MySQL: "Check constraint 'name' is violated."
        IntegrityKind::Check => {
            between(message, "CONSTRAINT `", '`').or_else(|| between(message, "constraint '", '\''))
        }
        IntegrityKind::Other => None,
    };
    name.filter(|n| !n.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(kind: IntegrityKind, m: &str) -> Option<String> {
        constraint_name(kind, m)
    }

    #[test]
    fn parses_constraint_names() {
        use IntegrityKind::*;
        let mysql = "Duplicate entry 'bob' for key 'shop_user.username'";
        assert_eq!(name(Unique, mysql).as_deref(), Some("shop_user.username"));
        let maria = "Duplicate entry 'it''s for key 'x' for key 'username'";
        assert_eq!(name(Unique, maria).as_deref(), Some("username"));
        let fk = "Cannot add or update a child row: a foreign key constraint fails (`db`.`book`, \
                  CONSTRAINT `book_author_fk` FOREIGN KEY (`author_id`) REFERENCES `author` (`id`))";
        assert_eq!(name(ForeignKey, fk).as_deref(), Some("book_author_fk"));
        assert_eq!(name(ForeignKey, "Cannot add or update a child row: a foreign key constraint fails"), None);
        assert_eq!(name(NotNull, "Column 'title' cannot be null").as_deref(), Some("title"));
        assert_eq!(name(NotNull, "Field 'title' doesn't have a default value").as_deref(), Some("title"));
        assert_eq!(name(Check, "CONSTRAINT `price_pos` failed for `db`.`t`").as_deref(), Some("price_pos"));
        assert_eq!(name(Check, "Check constraint 'price_pos' is violated.").as_deref(), Some("price_pos"));
    }

    #[test]
    fn maps_server_errors() {
        let e =
            ServerError { code: 1062, message: "Duplicate entry '1' for key 'PRIMARY'".into(), state: "23000".into() };
        match map_error(MyError::Server(e), "INSERT") {
            Error::Integrity { kind: IntegrityKind::Unique, constraint, .. } => {
                assert_eq!(constraint.as_deref(), Some("PRIMARY"))
            }
            other => panic!("{other:?}"),
        }
        let e = ServerError { code: 1064, message: "syntax".into(), state: "42000".into() };
        assert!(matches!(map_error(MyError::Server(e), "SELEC 1"), Error::Database { sql, .. } if sql == "SELEC 1"));
    }
}
