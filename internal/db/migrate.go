package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/libres/storefront/migrations"
)

func provider(db *sql.DB) (*goose.Provider, error) {
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// riverMigrator applies the job queue's schema (River's river_* tables). River ships
// its migrations inside the library and records them in its own river_migration
// table, so they are run through its migrator rather than copied into migrations/:
// upgrading River then brings its schema changes along (docs/email-queue.md).
func riverMigrator(db *sql.DB, log *slog.Logger) (*rivermigrate.Migrator[*sql.Tx], error) {
	// River logs each step at info; the store logs them itself, in goose's format.
	quiet := slog.New(minLevel{log.Handler(), slog.LevelWarn})
	m, err := rivermigrate.New(riverdatabasesql.New(db), &rivermigrate.Config{Logger: quiet})
	if err != nil {
		return nil, fmt.Errorf("load job queue migrations: %w", err)
	}
	return m, nil
}

// migrateLockKey is the PostgreSQL advisory lock a migration holds: two `libres
// migrate` at once (two deploys, a Job retried while the first still runs) take turns
// instead of racing on the same DDL.
const migrateLockKey = 0x6c6962726573 // "libres"

// MigrationLockTimeout is how long a migration statement waits for a table lock
// (MigrationURL) before it fails: DDL waiting behind a long transaction would otherwise
// queue every request that touches the table behind it (docs/migrations.md).
const MigrationLockTimeout = "5s"

// MigrationURL returns url with lock_timeout set to MigrationLockTimeout, unless the
// url sets one itself; lib/pq passes it to the server as a run-time parameter, so every
// connection the migration opens has it.
func MigrationURL(dsn string) string {
	if strings.Contains(dsn, "lock_timeout") {
		return dsn
	}
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("lock_timeout", MigrationLockTimeout)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " lock_timeout=" + MigrationLockTimeout // key=value form
}

// locked runs fn while this process holds the migration lock, on a connection of its
// own, waiting for another process's migration to finish first.
func locked(ctx context.Context, db *sql.DB, fn func() error) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.Close()
	// The wait for another migration is not a table lock: no lock_timeout for it.
	if _, err := conn.ExecContext(ctx, `SET lock_timeout = 0`); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, uerr := conn.ExecContext(uctx, `SELECT pg_advisory_unlock($1)`, migrateLockKey); uerr != nil {
			err = errors.Join(err, fmt.Errorf("migration unlock: %w", uerr))
		}
	}()
	return fn()
}

// MigrateUp applies every pending migration: the store's own (goose), then the job
// queue's (River), holding the migration lock.
func MigrateUp(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	return locked(ctx, db, func() error { return migrateUp(ctx, db, log) })
}

func migrateUp(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	p, err := provider(db)
	if err != nil {
		return err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	for _, r := range res {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	rm, err := riverMigrator(db, log)
	if err != nil {
		return err
	}
	rres, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("migrate job queue up: %w", err)
	}
	for _, v := range rres.Versions {
		log.Info("job queue migration applied", "river_version", v.Version, "name", v.Name, "duration", v.Duration)
	}
	return nil
}

// MigrateDown rolls back the newest of the store's migrations, or, when all is true,
// every migration including the job queue's schema, holding the migration lock.
func MigrateDown(ctx context.Context, db *sql.DB, all bool, log *slog.Logger) error {
	return locked(ctx, db, func() error { return migrateDown(ctx, db, all, log) })
}

func migrateDown(ctx context.Context, db *sql.DB, all bool, log *slog.Logger) error {
	p, err := provider(db)
	if err != nil {
		return err
	}
	if all {
		rm, err := riverMigrator(db, log)
		if err != nil {
			return err
		}
		rres, err := rm.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1})
		if err != nil {
			return fmt.Errorf("migrate job queue down: %w", err)
		}
		for _, v := range rres.Versions {
			log.Info("job queue migration rolled back", "river_version", v.Version)
		}
		res, err := p.DownTo(ctx, 0)
		if err != nil {
			return fmt.Errorf("migrate down to 0: %w", err)
		}
		for _, r := range res {
			log.Info("migration rolled back", "version", r.Source.Version)
		}
		return nil
	}
	r, err := p.Down(ctx)
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	log.Info("migration rolled back", "version", r.Source.Version)
	return nil
}

// MigrateStatus writes one line per migration: version, applied or pending, file.
func MigrateStatus(ctx context.Context, db *sql.DB, w io.Writer) error {
	p, err := provider(db)
	if err != nil {
		return err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migration status: %w", err)
	}
	for _, s := range st {
		when := "pending"
		if s.State == goose.StateApplied {
			when = "applied " + s.AppliedAt.Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(w, "%05d  %-28s  %s\n", s.Source.Version, when, s.Source.Path)
	}
	return nil
}

// minLevel passes on only records at or above level.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.level}
}
func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.level}
}
