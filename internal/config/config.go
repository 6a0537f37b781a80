// Package config reads the store's configuration from environment variables, validates
// it, and prints it with secrets masked.
package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/libres/storefront/internal/nit"
)

// Config is the effective configuration. Field tags name the environment variable.
type Config struct {
	Port          int
	DatabaseURL   string
	BaseURL       string
	MediaDir      string
	MediaBaseURL  string
	S3Endpoint    string
	S3AccessKey   string
	S3SecretKey   string
	S3Bucket      string
	S3Region      string
	S3Secure      bool
	Seller        Seller
	LogLevel      slog.Level
	LogFormat     string // text or json
	ShutdownGrace int    // seconds
	// TrustedProxies are the proxies whose X-Forwarded-For names the client.
	TrustedProxies []string
	SMTPURL        string // smtp://[user:pass@]host:port, smtps://…; empty: emails wait in the queue
	MailFrom       string // From header of the store's emails
	Workers        bool   // run the background workers (email delivery) in this process
	Web            bool   // serve the store; false: only /healthz and /readyz (a worker process)
	PageCacheMB    int    // memory for rendered catalog pages; 0: render every request
	DebugAddr      string // loopback host:port for /debug/pprof; empty: off
	MetricsAddr    string // host:port of the listener serving /metrics; empty: off
	MetricsToken   string // when set, /metrics wants Authorization: Bearer <token>
	Stripe         Stripe
	Orders         Orders
}

// Stripe is the card payment provider's configuration; empty SecretKey means card
// payment is off and only the manual methods (transfer, cash on delivery) are offered.
type Stripe struct {
	SecretKey     string // sk_test_… / sk_live_… (or a restricted rk_… key)
	WebhookSecret string // whsec_…, the signing secret of the webhook endpoint
	APIURL        string // empty: Stripe's own API; stripe-mock's URL in tests
}

// Seller identifies who sells, as Colombian consumer law (Ley 1480) requires online
// shops to show. Sample is true when none was configured: the demo's sample identity.
type Seller struct {
	Name, NIT, Address, Phone, Email string
	Sample                           bool
}

var sellerVars = []string{"LIBRES_SELLER_NAME", "LIBRES_SELLER_NIT", "LIBRES_SELLER_ADDRESS", "LIBRES_SELLER_PHONE", "LIBRES_SELLER_EMAIL"}

// Error names the variable whose value is invalid.
type Error struct {
	Var, Value, Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid %s=%q: %s", e.Var, e.Value, e.Reason)
}

// Vars lists every variable the store reads, with its default and meaning (README table).
var Vars = []struct{ Name, Default, Meaning string }{
	{"PORT", "8080", "HTTP port (the server listens on all interfaces)"},
	{"DATABASE_URL", "(required; `make run` sets it)", "PostgreSQL URL"},
	{"LIBRES_BASE_URL", "http://localhost:$PORT", "public origin used in canonical URLs, sitemap, OpenGraph"},
	{"LIBRES_MEDIA_DIR", ".data/media", "photo directory when S3 is not configured"},
	{"LIBRES_MEDIA_BASE_URL", "/media, or http(s)://ENDPOINT/BUCKET with S3", "public base URL of photos (S3 endpoint, CDN or the app)"},
	{"LIBRES_S3_ENDPOINT", "(empty: photos on local disk)", "host:port of the S3-compatible server"},
	{"LIBRES_S3_ACCESS_KEY", "", "S3 access key"},
	{"LIBRES_S3_SECRET_KEY", "", "S3 secret key"},
	{"LIBRES_S3_BUCKET", "libres-photos", "bucket for photos (created if missing)"},
	{"LIBRES_S3_REGION", "us-east-1", "S3 region"},
	{"LIBRES_S3_SECURE", "false", "use TLS to the S3 endpoint"},
	{"LIBRES_SELLER_NAME", "(sample, marked as such)", "legal name of the seller, shown in the footer (Ley 1480)"},
	{"LIBRES_SELLER_NIT", "(sample)", "seller's NIT with check digit, e.g. 800.197.268-4 (validated)"},
	{"LIBRES_SELLER_ADDRESS", "(sample)", "seller's address"},
	{"LIBRES_SELLER_PHONE", "(sample)", "seller's phone"},
	{"LIBRES_SELLER_EMAIL", "(sample)", "seller's e-mail"},
	{"LIBRES_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"LIBRES_LOG_FORMAT", "text", "text or json"},
	{"LIBRES_SHUTDOWN_GRACE", "15", "seconds in-flight requests get on shutdown"},
	{"SMTP_URL", "(empty: emails are queued and wait; `make run` starts Mailpit)", "mail server: smtp://[user:pass@]host:port (STARTTLS when offered; add ?starttls=required to insist), or smtps://host:465 for implicit TLS"},
	{"LIBRES_MAIL_FROM", "Libres <no-reply@HOST of LIBRES_BASE_URL>", "From address of the store's emails"},
	{"LIBRES_WORKERS", "true", "run background workers (email delivery) in this process; false for web-only replicas"},
	{"LIBRES_WEB", "true", "serve the store in this process; false for worker-only processes (PORT then answers only /healthz and /readyz)"},
	{"LIBRES_DEBUG_ADDR", "(empty: off)", "loopback host:port (e.g. 127.0.0.1:6060) serving Go's /debug/pprof profiles; never on the public listener"},
	{"LIBRES_METRICS_ADDR", "(empty: off)", "host:port of a separate listener serving Prometheus /metrics (e.g. :9090); the public PORT never serves it (docs/operations.md)"},
	{"LIBRES_METRICS_TOKEN", "(empty: no token)", "when set (16 characters or more), /metrics answers only requests with Authorization: Bearer <token>"},
	{"LIBRES_PAGE_CACHE_MB", "64", "memory in MB for catalog pages kept rendered (dropped on every catalog change, on every replica); 0: render every request"},
	{"STRIPE_SECRET_KEY", "(empty: card payment off, manual payment only)", "Stripe secret key, sk_test_… or sk_live_… (a restricted rk_… key needs Checkout Sessions and Refunds write access)"},
	{"STRIPE_WEBHOOK_SECRET", "(required with STRIPE_SECRET_KEY)", "signing secret (whsec_…) of the webhook endpoint https://HOST/webhooks/stripe, created with API version 2023-10-16 (docs/payments.md)"},
	{"STRIPE_API_URL", "(empty: https://api.stripe.com)", "Stripe API base URL; set only to point at stripe-mock (http://127.0.0.1:PORT); https required with a live key"},
	{"LIBRES_ORDER_LINK_KEY", "(empty: random per process, links break at restart)", "secret of at least 32 characters that signs the order links in emails; the same on every replica"},
	{"LIBRES_MANUAL_HOLD_HOURS", "72", "hours a bank-transfer order holds its stock before it is cancelled (a reminder goes 24 h before)"},
	{"LIBRES_SHIPPING_COP", "15000", "shipping price in whole pesos"},
	{"LIBRES_FREE_SHIPPING_FROM_COP", "300000", "order subtotal in whole pesos from which shipping is free; 0: never"},
	{"LIBRES_SHIPPING_BY_DEPARTMENT_COP", "Bogotá D.C.=9000;Cundinamarca=12000", "shipping prices of some departments in whole pesos (Department=pesos;…), or none; the others pay LIBRES_SHIPPING_COP"},
	{"LIBRES_TRANSFER_INSTRUCTIONS_ES", "(sample, marked as such)", "bank-transfer instructions emailed to shoppers in Spanish (bank, account, holder, NIT)"},
	{"LIBRES_TRANSFER_INSTRUCTIONS_EN", "(the Spanish text)", "the same in English"},
	{"LIBRES_PICKUP_POINTS", "(the foundation's Bogotá store, marked as a sample)", `pickup points as a JSON array [{"id","name","address","city","department","hours_es","hours_en","instructions_es","instructions_en","workshops":[slugs; empty: all]}], or none`},
	{"LIBRES_PICKUP_UNCOLLECTED_DAYS", "14", "days a pickup order may wait, ready, before it is flagged for staff as not collected"},
	{"LIBRES_TRUSTED_PROXIES", "(empty: none)", "comma-separated IPs or CIDRs of the proxies in front of the app, whose X-Forwarded-For gives the client's address (login throttling, logs)"},
}

// Load reads the configuration through getenv (os.Getenv in main, a map in tests).
func Load(getenv func(string) string) (Config, error) {
	c := Config{}
	var errs []error
	str := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	integer := func(name string, def, min, max int) int {
		v := str(name, "")
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			errs = append(errs, &Error{name, v, fmt.Sprintf("want a whole number from %d to %d", min, max)})
			return def
		}
		return n
	}
	boolean := func(name string, def bool) bool {
		v := str(name, strconv.FormatBool(def))
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, &Error{name, v, "want true or false"})
		}
		return b
	}

	c.Port = integer("PORT", 8080, 1, 65535)
	c.DatabaseURL = str("DATABASE_URL", "")
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, &Error{"DATABASE_URL", maskURL(c.DatabaseURL), "want postgres://user@host:port/dbname"})
		}
	}
	c.BaseURL = strings.TrimRight(str("LIBRES_BASE_URL", fmt.Sprintf("http://localhost:%d", c.Port)), "/")
	// An origin only: the app serves its pages at the root, so a path here would make
	// every canonical URL and sitemap entry point where nothing is served.
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, &Error{"LIBRES_BASE_URL", c.BaseURL, "want an origin such as https://libres.example.co (no path, query or user)"})
	}
	c.MediaDir = str("LIBRES_MEDIA_DIR", ".data/media")
	c.S3Endpoint = str("LIBRES_S3_ENDPOINT", "")
	c.S3AccessKey = str("LIBRES_S3_ACCESS_KEY", "")
	c.S3SecretKey = str("LIBRES_S3_SECRET_KEY", "")
	c.S3Bucket = str("LIBRES_S3_BUCKET", "libres-photos")
	c.S3Region = str("LIBRES_S3_REGION", "us-east-1")
	c.S3Secure = boolean("LIBRES_S3_SECURE", false)
	if c.S3Endpoint != "" {
		if strings.Contains(c.S3Endpoint, "/") {
			errs = append(errs, &Error{"LIBRES_S3_ENDPOINT", c.S3Endpoint, "want host:port without a scheme or path"})
		}
		if c.S3AccessKey == "" || c.S3SecretKey == "" {
			errs = append(errs, &Error{"LIBRES_S3_ACCESS_KEY", "", "S3 needs both LIBRES_S3_ACCESS_KEY and LIBRES_S3_SECRET_KEY"})
		}
	}
	defMedia := "/media"
	if c.S3Endpoint != "" {
		scheme := "http"
		if c.S3Secure {
			scheme = "https"
		}
		defMedia = scheme + "://" + c.S3Endpoint + "/" + c.S3Bucket
	}
	c.MediaBaseURL = strings.TrimRight(str("LIBRES_MEDIA_BASE_URL", defMedia), "/")
	if u, err := url.Parse(c.MediaBaseURL); err != nil || u.RawQuery != "" || u.Fragment != "" ||
		(u.Host != "" && u.Scheme != "http" && u.Scheme != "https") ||
		(u.Host == "" && (!strings.HasPrefix(c.MediaBaseURL, "/") || strings.HasPrefix(c.MediaBaseURL, "//") || u.Path == "/")) {
		errs = append(errs, &Error{"LIBRES_MEDIA_BASE_URL", c.MediaBaseURL, "want an http(s) URL such as https://cdn.example.co/photos, or a path such as /media"})
	}
	c.Seller, errs = loadSeller(str, errs)
	lvl := str("LIBRES_LOG_LEVEL", "info")
	if err := c.LogLevel.UnmarshalText([]byte(lvl)); err != nil {
		errs = append(errs, &Error{"LIBRES_LOG_LEVEL", lvl, "want debug, info, warn or error"})
	}
	c.LogFormat = str("LIBRES_LOG_FORMAT", "text")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, &Error{"LIBRES_LOG_FORMAT", c.LogFormat, "want text or json"})
	}
	c.ShutdownGrace = integer("LIBRES_SHUTDOWN_GRACE", 15, 0, 600)
	c.SMTPURL = str("SMTP_URL", "")
	if c.SMTPURL != "" {
		if reason := checkSMTPURL(c.SMTPURL); reason != "" {
			errs = append(errs, &Error{"SMTP_URL", maskURL(c.SMTPURL), reason})
		}
	}
	host := "localhost"
	if u, err := url.Parse(c.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	c.MailFrom = str("LIBRES_MAIL_FROM", "Libres <no-reply@"+host+">")
	if a, err := mail.ParseAddress(c.MailFrom); err != nil || !strings.Contains(a.Address, "@") {
		errs = append(errs, &Error{"LIBRES_MAIL_FROM", c.MailFrom, "want an address such as Libres <no-reply@libres.example.co>"})
	}
	c.Workers = boolean("LIBRES_WORKERS", true)
	c.Web = boolean("LIBRES_WEB", true)
	if !c.Web && !c.Workers {
		errs = append(errs, &Error{"LIBRES_WEB", "false", "with LIBRES_WORKERS=false too this process would do nothing: turn one on"})
	}
	c.PageCacheMB = integer("LIBRES_PAGE_CACHE_MB", 64, 0, 4096)
	if c.DebugAddr = str("LIBRES_DEBUG_ADDR", ""); c.DebugAddr != "" {
		host, _, err := net.SplitHostPort(c.DebugAddr)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			errs = append(errs, &Error{"LIBRES_DEBUG_ADDR", c.DebugAddr, "want a loopback address such as 127.0.0.1:6060 (profiles are not for the public)"})
		}
	}
	c.MetricsAddr, c.MetricsToken = str("LIBRES_METRICS_ADDR", ""), str("LIBRES_METRICS_TOKEN", "")
	if c.MetricsAddr != "" {
		_, port, err := net.SplitHostPort(c.MetricsAddr)
		if p, perr := strconv.Atoi(port); err != nil || perr != nil || p < 1 || p > 65535 {
			errs = append(errs, &Error{"LIBRES_METRICS_ADDR", c.MetricsAddr, "want host:port such as :9090 or 127.0.0.1:9090"})
		} else if p == c.Port {
			errs = append(errs, &Error{"LIBRES_METRICS_ADDR", c.MetricsAddr, "want a port other than PORT: metrics are never on the public listener"})
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		errs = append(errs, &Error{"LIBRES_METRICS_TOKEN", "****", "want 16 characters or more (or none)"})
	}
	if v := str("LIBRES_TRUSTED_PROXIES", ""); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
				errs = append(errs, &Error{"LIBRES_TRUSTED_PROXIES", v, "want IP addresses or CIDR ranges separated by commas, e.g. 10.0.0.0/8"})
				break
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	c.Stripe, errs = loadStripe(str, errs)
	c.Orders, errs = loadOrders(str, errs)
	return c, errors.Join(errs...)
}

// loadStripe reads the card payment settings: the secret key and the webhook secret
// together (a key alone could take payments that no verified event ever confirms), or
// neither.
func loadStripe(str func(name, def string) string, errs []error) (Stripe, []error) {
	s := Stripe{SecretKey: str("STRIPE_SECRET_KEY", ""), WebhookSecret: str("STRIPE_WEBHOOK_SECRET", ""),
		APIURL: strings.TrimRight(str("STRIPE_API_URL", ""), "/")}
	live := strings.HasPrefix(s.SecretKey, "sk_live_") || strings.HasPrefix(s.SecretKey, "rk_live_")
	if s.SecretKey != "" && !live && !strings.HasPrefix(s.SecretKey, "sk_test_") && !strings.HasPrefix(s.SecretKey, "rk_test_") {
		errs = append(errs, &Error{"STRIPE_SECRET_KEY", maskSecret(s.SecretKey), "want a secret key starting sk_test_ or sk_live_ (or a restricted rk_test_/rk_live_ key), not a publishable pk_ key"})
	}
	if s.WebhookSecret != "" && !strings.HasPrefix(s.WebhookSecret, "whsec_") {
		errs = append(errs, &Error{"STRIPE_WEBHOOK_SECRET", maskSecret(s.WebhookSecret), "want the webhook endpoint's signing secret, starting whsec_"})
	}
	if s.SecretKey != "" && s.WebhookSecret == "" {
		errs = append(errs, &Error{"STRIPE_WEBHOOK_SECRET", "", "required with STRIPE_SECRET_KEY: payments are confirmed only by signed webhooks (docs/payments.md)"})
	}
	if s.SecretKey == "" && s.WebhookSecret != "" {
		errs = append(errs, &Error{"STRIPE_SECRET_KEY", "", "required with STRIPE_WEBHOOK_SECRET (set both, or neither for manual payment only)"})
	}
	if s.APIURL != "" {
		u, err := url.Parse(s.APIURL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/v1"):
			errs = append(errs, &Error{"STRIPE_API_URL", maskURL(s.APIURL), "want a base URL such as http://127.0.0.1:12111 (stripe-mock) or empty for Stripe's own"})
		case live && u.Scheme != "https":
			errs = append(errs, &Error{"STRIPE_API_URL", s.APIURL, "a live key is sent only over https"})
		}
	}
	return s, errs
}

// maskSecret shows a Stripe key's kind (sk_live_, whsec_…) and hides the rest.
func maskSecret(s string) string {
	if s == "" {
		return ""
	}
	for _, p := range []string{"sk_test_", "sk_live_", "rk_test_", "rk_live_", "pk_test_", "pk_live_", "whsec_"} {
		if strings.HasPrefix(s, p) {
			return p + "****"
		}
	}
	return "****"
}

// UseStripe says whether card payment through Stripe is configured.
func (c Config) UseStripe() bool { return c.Stripe.SecretKey != "" }

// checkSMTPURL returns why s is not a usable SMTP_URL, or "".
func checkSMTPURL(s string) string {
	const want = "want smtp://[user:pass@]host:port[?starttls=required] or smtps://[user:pass@]host:port"
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return want
	}
	if p, err := strconv.Atoi(u.Port()); err != nil || p < 1 || p > 65535 {
		return want + " (the port is required)"
	}
	for k, v := range u.Query() {
		if k != "starttls" || len(v) != 1 || v[0] != "required" || u.Scheme != "smtp" {
			return want + " (the only option is starttls=required, with smtp://)"
		}
	}
	return ""
}

// loadSeller reads the seller's identity: all five variables, or none (the sample).
func loadSeller(str func(name, def string) string, errs []error) (Seller, []error) {
	set := 0
	for _, v := range sellerVars {
		if str(v, "") != "" {
			set++
		}
	}
	if set == 0 {
		return Seller{Name: "Fundación Libres", NIT: "900.123.456-8", Address: "Calle 00 # 00-00, Bogotá D.C., Colombia",
			Phone: "+57 300 123 4567", Email: "hola@libres.example", Sample: true}, errs
	}
	for _, v := range sellerVars {
		if str(v, "") == "" {
			errs = append(errs, &Error{v, "", "the seller is identified by all of " + strings.Join(sellerVars, ", ")})
		}
	}
	s := Seller{Name: str("LIBRES_SELLER_NAME", ""), Address: str("LIBRES_SELLER_ADDRESS", ""),
		Phone: str("LIBRES_SELLER_PHONE", ""), Email: str("LIBRES_SELLER_EMAIL", "")}
	if raw := str("LIBRES_SELLER_NIT", ""); raw != "" {
		n, err := nit.Parse(raw)
		if err != nil {
			errs = append(errs, &Error{"LIBRES_SELLER_NIT", raw, err.Error()})
		}
		s.NIT = n.String()
	}
	if s.Email != "" && !strings.Contains(s.Email, "@") {
		errs = append(errs, &Error{"LIBRES_SELLER_EMAIL", s.Email, "want an e-mail address"})
	}
	return s, errs
}

func (s Seller) label() string {
	if s.Sample {
		return s.NIT + " (sample seller: set LIBRES_SELLER_* before opening the shop)"
	}
	return s.NIT
}

// RequireDatabase reports an error naming DATABASE_URL when it is empty.
func (c Config) RequireDatabase() error {
	if c.DatabaseURL == "" {
		return &Error{"DATABASE_URL", "", "required: a PostgreSQL URL (make run starts a private cluster and sets it)"}
	}
	return nil
}

// UseS3 says whether photos go to S3 rather than the local directory.
func (c Config) UseS3() bool { return c.S3Endpoint != "" }

// Print writes the effective configuration, one variable a line, secrets masked.
func (c Config) Print(w io.Writer) {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "****"
	}
	lines := [][2]string{
		{"PORT", strconv.Itoa(c.Port)},
		{"DATABASE_URL", maskURL(c.DatabaseURL)},
		{"LIBRES_BASE_URL", c.BaseURL},
		{"LIBRES_MEDIA_DIR", c.MediaDir},
		{"LIBRES_MEDIA_BASE_URL", c.MediaBaseURL},
		{"LIBRES_S3_ENDPOINT", c.S3Endpoint},
		{"LIBRES_S3_ACCESS_KEY", mask(c.S3AccessKey)},
		{"LIBRES_S3_SECRET_KEY", mask(c.S3SecretKey)},
		{"LIBRES_S3_BUCKET", c.S3Bucket},
		{"LIBRES_S3_REGION", c.S3Region},
		{"LIBRES_S3_SECURE", strconv.FormatBool(c.S3Secure)},
		{"LIBRES_SELLER_NIT", c.Seller.label()},
		{"LIBRES_LOG_LEVEL", c.LogLevel.String()},
		{"LIBRES_LOG_FORMAT", c.LogFormat},
		{"LIBRES_SHUTDOWN_GRACE", strconv.Itoa(c.ShutdownGrace)},
		{"SMTP_URL", maskURL(c.SMTPURL)},
		{"LIBRES_MAIL_FROM", c.MailFrom},
		{"LIBRES_WORKERS", strconv.FormatBool(c.Workers)},
		{"LIBRES_WEB", strconv.FormatBool(c.Web)},
		{"LIBRES_PAGE_CACHE_MB", strconv.Itoa(c.PageCacheMB)},
		{"LIBRES_METRICS_ADDR", c.MetricsAddr},
		{"LIBRES_METRICS_TOKEN", mask(c.MetricsToken)},
		{"LIBRES_TRUSTED_PROXIES", strings.Join(c.TrustedProxies, ",")},
		{"STRIPE_SECRET_KEY", maskSecret(c.Stripe.SecretKey)},
		{"STRIPE_WEBHOOK_SECRET", maskSecret(c.Stripe.WebhookSecret)},
		{"STRIPE_API_URL", maskURL(c.Stripe.APIURL)},
	}
	for _, l := range append(lines, c.Orders.printLines()...) {
		fmt.Fprintf(w, "  %-22s %s\n", l[0], l[1])
	}
}

// maskURL hides the password of a URL (postgres://user:****@host/db).
func maskURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "****")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "****")
		u.RawQuery = q.Encode()
	}
	return strings.Replace(u.String(), "%2A%2A%2A%2A", "****", 1)
}
