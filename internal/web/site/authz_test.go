package site

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/nit"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/seed"
)

// TestAuthorizationMatrix walks the router's own route list, so a new back-office route
// cannot escape it: every /studio, /admin and /corporate/quotes route is tried as
// anonymous (sent to the login page), a customer (403), the demo company's user and a
// user of another company (403 outside the company room; inside it, another company's
// quote, file or payment is 404), a lead of another workshop (404 for the workshop's
// objects and jobs, 403 in /admin), the workshop's lead and an admin (allowed in their
// rooms). Every other route must be one the test knows to be public or to need a login.
func TestAuthorizationMatrix(t *testing.T) {
	ctx := context.Background()
	f := newAuthzFixture(t)

	type role struct {
		name  string
		token string
	}
	roles := []role{
		{"anonymous", ""},
		{"customer", f.login(t, "cliente@libres.example")},
		{"corporate of the company", f.login(t, "empresa@libres.example")},
		{"corporate of another company", f.login(t, f.corporateB)},
		{"lead of another workshop", f.login(t, f.leadB)},
		{"lead of the workshop", f.login(t, "lead@libres.example")},
		{"admin", f.login(t, "admin@libres.example")}, // last: its POSTs change things
	}
	checked, routes := 0, 0
	for _, r := range testSrv.Engine().Routes() {
		room := roomOf(r.Path)
		if room != "" {
			routes++
		}
		if room == "" {
			if !f.knownRoute(r.Path) {
				t.Errorf("%s %s is neither a back-office route nor a known public or account route: add it to the matrix", r.Method, r.Path)
			}
			continue
		}
		for _, ro := range roles {
			path, owned, err := f.fill(ctx, r.Path)
			if err != nil {
				t.Fatalf("%s %s: %v", r.Method, r.Path, err)
			}
			status, loc := f.do(t, r.Method, path, ro.token)
			got := fmt.Sprintf("%s %s as %s: %d %s", r.Method, path, ro.name, status, loc)
			if ro.name == "anonymous" {
				if r.Method == http.MethodGet && !(status == http.StatusSeeOther && strings.HasPrefix(loc, "/login?next=")) {
					t.Errorf("%s, want a redirect to /login?next=…", got)
				}
				if r.Method != http.MethodGet && status != http.StatusUnauthorized {
					t.Errorf("%s, want 401", got)
				}
				checked++
				continue
			}
			want := expected(room, ro.name, owned)
			if want == 0 && !allowed(status, loc) || want != 0 && status != want {
				t.Errorf("%s, want %v", got, map[bool]string{true: "allowed", false: http.StatusText(want)}[want == 0])
			}
			checked++
		}
	}
	if checked < 7*40 {
		t.Fatalf("only %d back-office requests checked: the route list looks wrong", checked)
	}
	t.Logf("authorization matrix: %d back-office routes x %d audiences = %d requests checked", routes, len(roles), checked)
}

// roomOf is the back office a route belongs to ("" for the rest).
func roomOf(path string) string {
	for _, room := range []string{"/studio", "/admin", "/corporate/quotes"} {
		if path == room || strings.HasPrefix(path, room+"/") || strings.HasPrefix(path, room+".") {
			return room
		}
	}
	return ""
}

// expected is the status a logged-in role must get in a room (0: allowed); owned says
// the path names an object of workshop A or of the demo company.
func expected(room, role string, owned bool) int {
	member := map[string][]string{
		"/studio":           {"lead of another workshop", "lead of the workshop", "admin"},
		"/admin":            {"admin"},
		"/corporate/quotes": {"corporate of the company", "corporate of another company"},
	}[room]
	if !slices.Contains(member, role) {
		return http.StatusForbidden
	}
	if owned && (role == "lead of another workshop" || role == "corporate of another company") {
		return http.StatusNotFound
	}
	return 0
}

// allowed: the request got through the role and ownership checks (a form without its
// fields may still be refused as invalid, which is the handler's business).
func allowed(status int, loc string) bool {
	if status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound || status >= 500 {
		return false
	}
	return !strings.HasPrefix(loc, "/login")
}

type authzFixture struct {
	leadB      string // email of a lead of another workshop
	corporateB string // email of a user of another (approved) company
	quoteID    int64  // a quote of the demo company made by workshop A, deposit paid
	fileID     int64  // its logo
	paymentID  int64  // its deposit
	companyID  int64  // a company waiting for approval
	workshopA  int64
	productA   int64
	victimID   int64 // a customer admin routes may disable, with an open deletion request
	guestReqID int64 // an open deletion request of a guest (no account)
	orderID    int64 // an order admin routes act on (made on first use)
	donationID int64 // a pending transfer gift admin routes act on (made on first use)
	n          int
	cookieName string
	http       *http.Client
}

func newAuthzFixture(t *testing.T) *authzFixture {
	t.Helper()
	ctx := context.Background()
	f := &authzFixture{cookieName: testSrv.Kit.SessionCookieName(),
		http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}}
	lead, err := account.UserByEmail(ctx, testDB, "lead@libres.example")
	if err != nil || len(lead.WorkshopIDs) == 0 {
		t.Fatalf("demo lead: %v %+v", err, lead)
	}
	f.workshopA = lead.WorkshopIDs[0]
	var other int64
	if err := testDB.GetContext(ctx, &other, `SELECT id FROM workshops WHERE id <> $1 ORDER BY id LIMIT 1`, f.workshopA); err != nil {
		t.Fatal(err)
	}
	f.leadB = fmt.Sprintf("lead-b-%d@libres.test", time.Now().UnixNano())
	if _, err := account.Provision(ctx, testDB, account.NewUser{Email: f.leadB, Name: "Lead B", Role: account.RoleLead,
		Lang: "es", Password: seed.DemoPassword, WorkshopIDs: []int64{other}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	victim, err := account.Provision(ctx, testDB, account.NewUser{Email: fmt.Sprintf("victim-%d@libres.test", time.Now().UnixNano()),
		Name: "Cliente de prueba", Role: account.RoleCustomer, Lang: "es", Password: seed.DemoPassword}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.victimID = victim.ID
	testDB.MustExec(`INSERT INTO deletion_requests (user_id, requested_at) VALUES ($1, now())`, victim.ID)
	if err := testDB.GetContext(ctx, &f.guestReqID, `INSERT INTO deletion_requests (email, requested_at) VALUES ($1, now()) RETURNING id`,
		fmt.Sprintf("guest-%d@libres.test", time.Now().UnixNano())); err != nil {
		t.Fatal(err)
	}
	f.corporateB, f.companyID = authzCompanies(t)
	f.quoteID, f.fileID, f.paymentID = authzQuote(t, f.workshopA)
	// The photos made for :photo routes go again, so other tests see the product as it was.
	t.Cleanup(func() { testDB.MustExec(`DELETE FROM photos WHERE object_key LIKE 'photos/authz%'`) })
	if err := testDB.GetContext(ctx, &f.productA, `SELECT id FROM products WHERE workshop_id = $1 ORDER BY id LIMIT 1`, f.workshopA); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *authzFixture) login(t *testing.T, email string) string {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), testDB, email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	token, err := testAccounts.CreateSession(context.Background(), u.ID, "127.0.0.1", "authz-test")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// fill replaces a route's parameters with objects of workshop A (a fresh photo each
// time, since some requests delete it); owned says the path names such an object.
func (f *authzFixture) fill(ctx context.Context, path string) (string, bool, error) {
	owned := false
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if !strings.HasPrefix(p, ":") && !strings.HasPrefix(p, "*") {
			continue
		}
		var v int64
		switch prev := parts[i-1]; {
		case p == ":month":
			// A statement's month: the current one (Bogotá), which every workshop has.
			parts[i] = time.Now().In(ledger.Bogota).Format("2006-01")
			continue
		case p == ":workshop":
			v, owned = f.workshopA, true
		case p == ":photo":
			f.n++
			key := fmt.Sprintf("photos/authz%028d", f.n)
			if err := catalog.AddPhoto(ctx, testDB, catalog.Photo{ProductID: f.productA, Key: key, Width: 10, Height: 10,
				Renditions: pq.Int64Array{320}, Position: 100 + f.n}); err != nil {
				return "", false, err
			}
			if err := testDB.GetContext(ctx, &v, `SELECT id FROM photos WHERE object_key = $1`, key); err != nil {
				return "", false, err
			}
		case prev == "quotes" || prev == "jobs":
			v, owned = f.quoteID, true
		case p == ":file":
			v, owned = f.fileID, true
		case p == ":payment":
			v, owned = f.paymentID, true
		case prev == "companies":
			v = f.companyID
		case prev == "products":
			v, owned = f.productA, true
		case prev == "workshops":
			v, owned = f.workshopA, true
		case prev == "users" || prev == "privacy":
			v = f.victimID
		case prev == "guests":
			v = f.guestReqID
		case prev == "categories":
			v = 1
		case prev == "donations":
			if f.donationID == 0 {
				d, _, err := testSrv.Donations.Give(ctx, donation.Form{Amount: "50000", Method: "transfer", Name: "Donante de prueba",
					Email: fmt.Sprintf("donor-%d@libres.test", time.Now().UnixNano()), Consent: true, Lang: "es", IP: "127.0.0.1"})
				if err != nil {
					return "", false, err
				}
				f.donationID = d.ID
			}
			v = f.donationID
		case prev == "orders":
			if f.orderID == 0 {
				id, err := placeTestOrder(ctx)
				if err != nil {
					return "", false, err
				}
				f.orderID = id
			}
			v = f.orderID
		default:
			return "", false, fmt.Errorf("no test object for parameter %s after %q: extend the matrix", p, prev)
		}
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "/"), owned, nil
}

// placeTestOrder places a bank-transfer order of one unit of the best-stocked variant
// on sale, as a guest would.
func placeTestOrder(ctx context.Context) (int64, error) {
	var variant int64
	if err := testDB.GetContext(ctx, &variant, `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
		JOIN workshops w ON w.id = p.workshop_id WHERE p.status = 'active' AND w.active AND v.stock_on_hand > 0
		ORDER BY v.stock_on_hand DESC, v.id LIMIT 1`); err != nil {
		return 0, err
	}
	_, token, err := testSrv.Deps.Orders.Add(ctx, "", 0, variant, "1")
	if err != nil {
		return 0, err
	}
	o, err := testSrv.Deps.Orders.Place(ctx, token, 0, order.CheckoutInput{Email: "authz@libres.test", Name: "Matriz",
		Phone: "300 123 4567", Department: "Antioquia", City: "Medellín", AddressLine: "Calle 1 # 2-3", Donation: "0",
		PaymentMethod: string(payment.MethodTransfer), AcceptPolicy: true, PolicyVersion: "2026-01", Lang: "es"})
	return o.ID, err
}

func (f *authzFixture) do(t *testing.T, method, path, token string) (int, string) {
	t.Helper()
	var body *strings.Reader
	if method == http.MethodPost {
		body = strings.NewReader(url.Values{"version": {"1"}}.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, testURL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: f.cookieName, Value: token})
	}
	res, err := f.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// knownRoute lists what may live outside the back offices: the storefront, its
// operational routes, and the account pages (whose /cuenta part needs a login, checked
// in TestAccountPagesNeedLogin).
func (f *authzFixture) knownRoute(path string) bool {
	for _, prefix := range []string{"/static/", "/media/", "/files/", "/healthz", "/readyz", "/robots.txt", "/sitemap.xml",
		"/catalogo", "/buscar", "/producto/", "/t/", "/donar", "/talleres", "/taller/", "/en", "/login", "/logout", "/registro",
		"/cuenta", "/account", "/corporate", "/nosotros", "/carrito", "/pagar", "/pedido", "/envios-y-devoluciones", "/privacidad", "/terminos", "/contacto"} {
		if path == "/" || strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}

// TestAccountPagesNeedLogin: every route under /cuenta and /en/account that is not a
// door (a link from an email) sends a visitor to the login page and back.
func TestAccountPagesNeedLogin(t *testing.T) {
	f := newAuthzFixture(t)
	doors := map[string]bool{}
	for _, p := range []account.Purpose{account.PurposeReset, account.PurposeVerify, account.PurposeInvite} {
		doors[p.Path("es")], doors[p.Path("en")] = true, true
	}
	doors["/cuenta/recuperar"], doors["/en/account/forgot"] = true, true
	n := 0
	for _, r := range testSrv.Engine().Routes() {
		if !(strings.HasPrefix(r.Path, "/cuenta") || strings.HasPrefix(r.Path, "/en/account")) || doors[r.Path] {
			continue
		}
		status, loc := f.do(t, r.Method, r.Path, "")
		if r.Method == http.MethodGet {
			wantLogin := "/login?next="
			if strings.HasPrefix(r.Path, "/en/") {
				wantLogin = "/en/login?next="
			}
			if status != http.StatusSeeOther || !strings.HasPrefix(loc, wantLogin+url.QueryEscape(r.Path)) {
				t.Errorf("GET %s as a visitor: %d %s, want a redirect to %s%s", r.Path, status, loc, wantLogin, r.Path)
			}
		} else if status != http.StatusUnauthorized {
			t.Errorf("%s %s as a visitor: %d, want 401", r.Method, r.Path, status)
		}
		n++
	}
	if n < 8 {
		t.Fatalf("only %d account routes checked", n)
	}
}

// authzCompanies makes a user of another approved company and a company waiting for
// approval.
func authzCompanies(t *testing.T) (corporateB string, pending int64) {
	t.Helper()
	ctx := context.Background()
	n := time.Now().UnixNano()
	nitOf := func(k int64) string {
		num := fmt.Sprintf("8%08d", k%100000000)
		return nit.NIT{Number: num, DV: nit.CheckDigit(num)}.String()
	}
	other, err := account.CreateCompany(ctx, testDB, fmt.Sprintf("Otra Empresa %d S.A.S.", n), nitOf(n))
	if err != nil {
		t.Fatal(err)
	}
	corporateB = fmt.Sprintf("corp-b-%d@libres.test", n)
	if _, err := account.Provision(ctx, testDB, account.NewUser{Email: corporateB, Name: "Compras B", Role: account.RoleCorporate,
		Lang: "es", Password: seed.DemoPassword, CompanyID: other.ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	c, err := testSrv.Deps.Quotes.SignUpCompany(ctx, quote.SignUpForm{Name: fmt.Sprintf("Pendiente %d Ltda.", n), NIT: nitOf(n + 1),
		BillingAddress: "Calle 1 # 2-3", City: "Bogotá", ContactName: "Ana", ContactPhone: "3001234567",
		ContactEmail: fmt.Sprintf("pendiente-%d@libres.test", n)})
	if err != nil {
		t.Fatal(err)
	}
	return corporateB, c.ID
}

// authzQuote makes a quote of the demo company, priced with workshop A doing all the
// work, accepted and with its deposit received by transfer: every room has it in view.
func authzQuote(t *testing.T, workshopA int64) (quoteID, fileID, paymentID int64) {
	t.Helper()
	ctx := context.Background()
	svc := testSrv.Deps.Quotes
	buyer, err := account.UserByEmail(ctx, testDB, "empresa@libres.example")
	if err != nil || buyer.CompanyID == nil {
		t.Fatalf("demo corporate user: %v", err)
	}
	admin, err := account.UserByEmail(ctx, testDB, "admin@libres.example")
	if err != nil {
		t.Fatal(err)
	}
	staff := audit.Actor{ID: admin.ID, Email: admin.Email}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	deadline := time.Now().AddDate(0, 0, 40).Format("2006-01-02")
	q, err := svc.Request(ctx, *buyer.CompanyID, buyer.ID, quote.RequestForm{Deadline: deadline, DeliveryCity: "Bogotá",
		Lines: []quote.LineForm{{Garment: "polo", Colour: "Azul", M: "10", L: "5", Customisation: "embroidery"}}},
		[]quote.Upload{{Name: "logo.png", Body: png}})
	if err != nil {
		t.Fatal(err)
	}
	valid := time.Now().AddDate(0, 0, 10)
	if _, err := svc.Quote(ctx, staff, q.ID, quote.Pricing{UnitMinor: map[int]int64{1: 40_000_00}, LeadTimeDays: 20,
		ValidUntil: time.Date(valid.Year(), valid.Month(), valid.Day(), 0, 0, 0, 0, time.UTC),
		Workshops:  []quote.Assignment{{WorkshopID: workshopA, WorkBps: 10000}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Accept(ctx, *buyer.CompanyID, buyer.ID, q.ID, 1, true); err != nil {
		t.Fatal(err)
	}
	d, err := svc.View(ctx, 0, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.RecordTransfer(ctx, staff, q.ID, quote.PaymentDeposit, d.Money.DepositDue, "authz")
	if err != nil {
		t.Fatal(err)
	}
	return q.ID, q.Files[0].ID, p.ID
}
