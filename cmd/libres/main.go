// Command libres runs the Libres storefront: serve, migrate up|down|status, seed demo,
// reconcile.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/metrics"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/seed"
	"github.com/libres/storefront/internal/web/pagecache"
	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/web"
)

const usage = `usage: libres <command>

commands:
  serve                    run the web store (LIBRES_WEB=false: a worker process)
  healthcheck              exit 0 if this machine's store answers /healthz on PORT within 2 s (the image's HEALTHCHECK)
  migrate up|down|status   apply, roll back (one; --all for every one) or list migrations
  seed demo [--if-empty] [--photo-width W]   load the sample catalog (with --if-empty: only into an empty store)
  seed synthetic [--products N] [--if-empty]   a large made-up catalog for make bench (default 10,000 products)
  seed logins              print the demo accounts' logins, when the store holds the demo
  user create --role admin --email ADDR [--name N]   add a user (password read from stdin; generated at a terminal)
  reconcile [--from YYYY-MM-DD] [--to YYYY-MM-DD]    check the ledger against orders, refunds and payouts (exit 1 on a difference)
  media backfill-webp      make WebP renditions for photos stored before the store made them

configuration comes from environment variables; see README.md.
`

// errUsage and *config.Error exit with code 2; other errors with 1.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err == nil {
		return
	}
	var ce *config.Error
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	case errors.As(err, &ce):
		fmt.Fprintf(os.Stderr, "libres: configuration: %v\n", err)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "libres: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	var h slog.Handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel})
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel})
	}
	log := slog.New(h)
	if err := cfg.RequireDatabase(); err != nil {
		return err
	}
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log, stdout)
	case "migrate":
		return migrate(ctx, cfg, log, args[1:], stdout)
	case "seed":
		return seedCmd(ctx, cfg, log, args[1:], stdout)
	case "user":
		return userCmd(ctx, cfg, log, args[1:], stdin, stdout)
	case "reconcile":
		return reconcileCmd(ctx, cfg, args[1:], stdout)
	case "media":
		return mediaCmd(ctx, cfg, log, args[1:], stdout)
	case "healthcheck":
		return healthcheck(ctx, cfg, stdout)
	default:
		return errUsage
	}
}

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "up" && args[0] != "down" && args[0] != "status") {
		return errUsage
	}
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	all := fs.Bool("all", false, "with down: roll back every migration")
	cfg.DatabaseURL = db.MigrationURL(cfg.DatabaseURL) // DDL gives up after a lock_timeout rather than queue the store behind it
	conn, err := openWithFlags(ctx, cfg, fs, args[1:])
	if err != nil {
		return err
	}
	defer conn.Close()
	switch args[0] {
	case "up":
		return db.MigrateUp(ctx, conn.DB, log)
	case "down":
		return db.MigrateDown(ctx, conn.DB, *all, log)
	default:
		return db.MigrateStatus(ctx, conn.DB, stdout)
	}
}

func seedCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 1 && args[0] == "logins" {
		return demoLogins(ctx, cfg, stdout)
	}
	if len(args) == 0 || (args[0] != "demo" && args[0] != "synthetic") {
		return errUsage
	}
	fs := flag.NewFlagSet("seed "+args[0], flag.ContinueOnError)
	ifEmpty := fs.Bool("if-empty", false, "only load into a store with no products")
	products, photoWidth := 0, 0
	if args[0] == "synthetic" {
		fs.IntVar(&products, "products", 10_000, "how many products to make (8 variants each)")
	} else {
		fs.IntVar(&photoWidth, "photo-width", 0, "width of the generated source photos (default 1600; 1280 keeps every rendition)")
	}
	conn, err := openWithFlags(ctx, cfg, fs, args[1:])
	if err != nil {
		return err
	}
	defer conn.Close()
	if fs.NArg() > 0 || (args[0] == "synthetic" && products <= 0) || photoWidth < 0 {
		return errUsage
	}
	store, err := openMedia(ctx, cfg)
	if err != nil {
		return err
	}
	if args[0] == "synthetic" {
		return seed.Synthetic(ctx, conn, store, log, seed.SyntheticOptions{Products: products, IfEmpty: *ifEmpty})
	}
	return seed.Load(ctx, conn, store, log, seed.Options{IfEmpty: *ifEmpty, PhotoWidth: photoWidth})
}

// openWithFlags parses a subcommand's flags, then opens the database it works on.
func openWithFlags(ctx context.Context, cfg config.Config, fs *flag.FlagSet, args []string) (*sqlx.DB, error) {
	if err := fs.Parse(args); err != nil {
		return nil, errUsage
	}
	return db.Open(ctx, cfg.DatabaseURL)
}

// openMedia returns the photo store: S3 when configured, else the local directory.
func openMedia(ctx context.Context, cfg config.Config) (media.Store, error) {
	if cfg.UseS3() {
		return media.NewS3(ctx, media.S3Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey,
			SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, Region: cfg.S3Region, Secure: cfg.S3Secure,
			PublicBaseURL: cfg.MediaBaseURL})
	}
	return media.NewDisk(cfg.MediaDir, cfg.MediaBaseURL)
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	fmt.Fprintln(stdout, "libres: effective configuration")
	cfg.Print(stdout)
	conn, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The storefront only builds photo URLs; with S3 it does not need the bucket to
	// answer at start-up. With local photos it serves them itself.
	var mediaHandler, privateFiles http.Handler
	var photos media.Store
	if cfg.UseS3() {
		// Uploads connect to the bucket on first use: browsing needs no S3 at start-up.
		photos = &lazyStore{open: func(ctx context.Context) (media.Store, error) { return openMedia(ctx, cfg) }, base: cfg.MediaBaseURL}
	} else {
		d, err := media.NewDisk(cfg.MediaDir, cfg.MediaBaseURL)
		if err != nil {
			return err
		}
		mediaHandler, privateFiles, photos = d.Handler(), d.PrivateHandler(), d
	}
	if cfg.Seller.Sample {
		log.Warn("no seller configured: the footer shows a sample identity; set LIBRES_SELLER_* before opening the shop")
	}
	// Workers run until stopWorkers, after the last request: a request's email is queued
	// in its transaction and delivered even if the process stops right after.
	stopWorkers, queue, err := startWorkers(context.WithoutCancel(ctx), conn, cfg, log)
	if err != nil {
		return err
	}
	// Metrics (LIBRES_METRICS_ADDR) on a listener of their own, served until the process
	// ends (through the grace period); nil when off, which every hook takes.
	var mx *metrics.Metrics
	if cfg.MetricsAddr != "" {
		mx = metrics.New(metrics.Options{DB: conn.DB, Log: log.With("component", "metrics")})
		ln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("metrics listener (LIBRES_METRICS_ADDR): %w", err)
		}
		ms := mx.Server(cfg.MetricsAddr, cfg.MetricsToken)
		go func() { _ = ms.Serve(ln) }()
		defer ms.Close()
		log.Info("metrics", "addr", ln.Addr().String(), "token", cfg.MetricsToken != "")
		queue.OnSendFailure(mx.EmailFailed)
	}
	defer func() {
		wctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := stopWorkers(wctx); err != nil {
			log.Warn("stop workers", "err", err)
		}
	}()
	accounts := account.New(conn, queue, account.Options{BaseURL: cfg.BaseURL})
	orders, err := newOrders(conn, queue, cfg)
	if err != nil {
		return err
	}
	var card payment.Provider
	var stripe *payment.Stripe
	if cfg.UseStripe() {
		if stripe, err = payment.NewStripe(payment.StripeConfig{SecretKey: cfg.Stripe.SecretKey,
			WebhookSecret: cfg.Stripe.WebhookSecret, APIURL: cfg.Stripe.APIURL, Log: log}); err != nil {
			return err
		}
		card = mx.Payments(stripe)
	} else {
		log.Info("card payment off (no STRIPE_SECRET_KEY): shoppers pay by transfer or on delivery")
	}
	// Gifts to the foundation: the orders' transfer instructions, ledger and link key
	// (its receipt links are signed under a purpose of their own).
	oo := orders.Options()
	donations := donation.New(conn, queue, donation.Options{BaseURL: cfg.BaseURL, Card: card, Ledger: oo.Ledger,
		Instructions: oo.ManualInstructions, LinkKey: oo.LinkKey, Currency: oo.Currency})
	quotes := quote.New(conn, photos, nil)
	quotes.Card, quotes.Mail, quotes.Ledger, quotes.BaseURL, quotes.StaffEmail = card, queue, orders.Options().Ledger, cfg.BaseURL, cfg.Seller.Email
	if cfg.Workers {
		go sweep(ctx, log, "expired quotes", 15*time.Minute, func(ctx context.Context) (int64, error) {
			n, err := quotes.Expire(ctx)
			return int64(n), err
		})
		go sweep(ctx, log, "quote expiry reminders", time.Hour, func(ctx context.Context) (int64, error) {
			n, err := quotes.RemindExpiring(ctx)
			return int64(n), err
		})
		go sweep(ctx, log, "expired sessions", time.Hour, accounts.DeleteExpiredSessions)
		go sweep(ctx, log, "stale carts", 6*time.Hour, orders.DeleteStaleCarts)
		go sweep(ctx, log, "expired card gifts", 15*time.Minute, donations.ExpireDue)
		sweeper := order.Sweeper{Service: orders, OnError: func(err error) { log.Warn("order sweeper", "err", err) }}
		go func() { _ = sweeper.Run(ctx) }()
	}
	// Catalog pages are kept rendered while a connection listens for catalog changes
	// (every replica drops its pages on each); it stops with the server.
	pages := pagecache.New(pagecache.Options{MaxBytes: int64(cfg.PageCacheMB) << 20, Log: log})
	if !cfg.Web {
		pages = nil // nothing to keep
	}
	mx.PageCache(pages)
	go func() {
		if err := pages.Listen(ctx, cfg.DatabaseURL); err != nil {
			log.Error("page cache off", "err", err)
		}
	}()
	var handler http.Handler
	if cfg.Web {
		srv, err := newServer(ctx, conn, cfg, log, site.Deps{MediaHandler: mediaHandler, PrivateFiles: privateFiles, Photos: photos,
			Accounts: accounts, SessionMax: accounts.SessionMax(), Orders: orders, Card: card, Stripe: stripe,
			Ledger: orders.Options().Ledger, Quotes: quotes, Donations: donations, Pages: pages, Metrics: mx})
		if err != nil {
			return err
		}
		handler = srv.Handler()
	} else {
		log.Info("web off (LIBRES_WEB=false): a worker process; the port answers only /healthz and /readyz")
		handler = probesOnly(conn, log)
	}
	hs := &http.Server{
		Addr:              fmt.Sprintf(":%d", cfg.Port),
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.DebugAddr != "" {
		go serveDebug(ctx, cfg.DebugAddr, log)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.ListenAndServe() }()
	log.Info("serving", "url", cfg.BaseURL, "port", cfg.Port)
	select {
	case err := <-errc:
		return fmt.Errorf("listen on port %d: %w", cfg.Port, err)
	case <-ctx.Done():
	}
	// A second Ctrl-C or SIGTERM during the grace period stops the process at once.
	signal.Reset(os.Interrupt, syscall.SIGTERM)
	log.Info("shutting down: finishing in-flight requests", "grace", time.Duration(cfg.ShutdownGrace)*time.Second)
	sctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.ShutdownGrace)*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// probesOnly is a worker process's handler: /healthz (alive) and /readyz (the
// database answers), 404 for the rest, so an orchestrator can probe it like a web one.
func probesOnly(conn *sqlx.DB, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		if err := conn.PingContext(ctx); err != nil {
			log.Warn("readiness: database unreachable", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"status":"unavailable","database":"unreachable"}`)
			return
		}
		_, _ = io.WriteString(w, `{"status":"ok","database":"ok"}`)
	})
	return mux
}

// newServer completes d with what every server has (catalog, templates, configuration)
// and builds the web side.
func newServer(ctx context.Context, conn *sqlx.DB, cfg config.Config, log *slog.Logger, d site.Deps) (*site.Site, error) {
	store := catalog.NewStore(conn)
	demo, err := store.Setting(ctx, "demo")
	if err != nil {
		return nil, err
	}
	d.Log, d.DB, d.Catalog, d.WebFS, d.Editor = log, conn, store, web.FS, catalog.NewEditor(conn)
	d.BaseURL, d.MediaBaseURL, d.Demo, d.Seller, d.TrustedProxies = cfg.BaseURL, cfg.MediaBaseURL, demo == "true", cfg.Seller, cfg.TrustedProxies
	return site.New(d)
}

// newOrders builds the cart and order service from the configuration.
func newOrders(conn *sqlx.DB, queue *notify.Queue, cfg config.Config) (*order.Service, error) {
	o := cfg.Orders
	for name := range o.ShippingByDepartment {
		if !slices.Contains(order.Departments, name) {
			return nil, &config.Error{Var: "LIBRES_SHIPPING_BY_DEPARTMENT_COP", Value: name,
				Reason: "not a Colombian department as the checkout lists them (e.g. Bogotá D.C., Antioquia, Valle del Cauca)"}
		}
	}
	var points []order.PickupPoint
	for _, p := range o.PickupPoints {
		if !slices.Contains(order.Departments, p.Department) {
			return nil, &config.Error{Var: "LIBRES_PICKUP_POINTS", Value: p.Department,
				Reason: "not a Colombian department as the checkout lists them (e.g. Bogotá D.C.)"}
		}
		points = append(points, order.PickupPoint(p))
	}
	methods := []payment.Method{payment.MethodTransfer, payment.MethodCOD}
	if cfg.UseStripe() {
		methods = append([]payment.Method{payment.MethodCard}, methods...)
	}
	return order.New(conn, queue, order.Options{
		Ledger:                 ledger.New(conn, ledger.Options{}),
		BaseURL:                cfg.BaseURL,
		ManualHold:             time.Duration(o.ManualHoldHours) * time.Hour,
		Shipping:               order.ShippingTable{Default: o.ShippingMinor, FreeFrom: o.FreeShippingFrom, ByDepartment: o.ShippingByDepartment},
		DonationChoices:        []int64{10_000_00, 20_000_00, 50_000_00},
		Methods:                methods,
		ManualInstructions:     map[string]string{"es": o.TransferES, "en": o.TransferEN},
		PickupPoints:           points,
		PickupUncollectedAfter: time.Duration(o.PickupUncollectedDays) * 24 * time.Hour,
		StaffEmail:             cfg.Seller.Email,
		LinkKey:                []byte(o.LinkKey),
	}), nil
}

// demoLogins prints the demo accounts that exist, with their shared password, so a
// newcomer running `make run` can log in as each role. It prints nothing for a store
// that is not the demo.
func demoLogins(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	conn, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer conn.Close()
	demo, err := catalog.NewStore(conn).Setting(ctx, "demo")
	if err != nil || demo != "true" {
		return err
	}
	fmt.Fprintln(stdout, "demo logins (password "+seed.DemoPassword+"):")
	for _, a := range seed.DemoAccounts() {
		if _, err := account.UserByEmail(ctx, conn, a.Email); err != nil {
			continue
		}
		fmt.Fprintf(stdout, "  %-16s %s\n", a.Role, a.Email)
	}
	return nil
}

// serveDebug serves Go's profiles (net/http/pprof) on a loopback address of their own
// until ctx ends; the public handler never routes /debug.
func serveDebug(ctx context.Context, addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ds := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = ds.Close()
	}()
	log.Info("profiles", "url", "http://"+addr+"/debug/pprof/")
	if err := ds.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("debug listener", "err", err)
	}
}
