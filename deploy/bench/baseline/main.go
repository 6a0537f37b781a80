// Command baseline is the database yardstick of `make bench`, beside the plaintext
// ceiling (deploy/bench/ceiling):
//   - GET /      the least a database-backed HTML page can cost: one query (24 products)
//     rendered with a tiny html/template on every request;
//   - POST /write the least a write can cost: a transaction that inserts one row and
//     commits, answered with a redirect like the store's forms. The store's writes
//     (add to cart, placing an order) are reported as a ratio of its req/s.
//
// It uses plain net/http and the same driver and pool size as the store, on the same
// database. It is not part of the store.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "github.com/lib/pq" // registers the "postgres" driver
)

const pageHTML = `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Baseline</title></head>
<body><h1>Productos</h1><ul>
{{range .}}<li><a href="/p/{{.ID}}">{{.Title}}</a></li>
{{end}}</ul></body></html>
`

const listQuery = `SELECT id, title_es FROM products ORDER BY id LIMIT 24`

// writesTable holds the write baseline's rows; the bench database is thrown away.
const writesTable = `CREATE TABLE IF NOT EXISTS bench_writes (
	id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at   timestamptz NOT NULL DEFAULT now(),
	note text NOT NULL
)`

type product struct {
	ID    int64
	Title string
}

// handler serves the one page. It holds its dependencies instead of using globals.
type handler struct {
	db   *sql.DB
	page *template.Template
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	products, err := h.list(r.Context())
	if err != nil {
		log.Printf("baseline: %v", err)
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := h.page.Execute(w, products); err != nil {
		log.Printf("baseline: render page: %v", err)
	}
}

func (h *handler) list(ctx context.Context) ([]product, error) {
	rows, err := h.db.QueryContext(ctx, listQuery)
	if err != nil {
		return nil, fmt.Errorf("query products: %w", err)
	}
	defer rows.Close()
	products := make([]product, 0, 24)
	for rows.Next() {
		var p product
		if err := rows.Scan(&p.ID, &p.Title); err != nil {
			return nil, fmt.Errorf("scan product: %w", err)
		}
		products = append(products, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read products: %w", err)
	}
	return products, nil
}

// write is the minimal write: one row inserted in its own transaction.
type write struct{ db *sql.DB }

func (h write) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h.insert(r.Context(), r.FormValue("note")); err != nil {
		log.Printf("baseline: %v", err)
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h write) insert(ctx context.Context, note string) error {
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() // a no-op after Commit
	if _, err := tx.ExecContext(ctx, `INSERT INTO bench_writes (note) VALUES ($1)`, note); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func run(addr, dbURL string) error {
	if dbURL == "" {
		return errors.New("DATABASE_URL is not set")
	}
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	// Same pool size as internal/db.Open, so the comparison is about the code, not the pool.
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}
	if _, err := db.ExecContext(ctx, writesTable); err != nil {
		return fmt.Errorf("create the writes table: %w", err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /{$}", &handler{db: db, page: template.Must(template.New("page").Parse(pageHTML))})
	mux.Handle("POST /write", write{db: db})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Printf("baseline: listening on %s", addr)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	flag.Parse()
	if err := run(*addr, os.Getenv("DATABASE_URL")); err != nil {
		log.Fatalf("baseline: %v", err)
	}
}
