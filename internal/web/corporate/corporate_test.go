package corporate_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/quote"
)

var (
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{1}, 64)...)
	svgBytes = []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	exeBytes = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 64)...)
)

func TestPublicPage(t *testing.T) {
	for _, tc := range []struct{ lang, path, signup, h1 string }{
		{"es", "/corporate", "/corporate/signup", "Dotación con propósito para tu empresa"},
		{"en", "/en/corporate", "/en/corporate/signup", "Workwear with a purpose for your company"},
	} {
		p := visitor(t).mustGet(tc.path)
		checkPage(t, p, tc.lang)
		if h := text(p.Find("h1")); h != tc.h1 {
			t.Errorf("%s h1 = %q", tc.path, h)
		}
		if c, _ := p.Find(`link[rel="canonical"]`).Attr("href"); c != "http://libres.test"+tc.path {
			t.Errorf("%s canonical = %q", tc.path, c)
		}
		alts := map[string]string{}
		p.Find(`link[rel="alternate"][hreflang]`).Each(func(_ int, s *goquery.Selection) {
			l, _ := s.Attr("hreflang")
			alts[l], _ = s.Attr("href")
		})
		if alts["es-CO"] != "http://libres.test/corporate" || alts["en"] != "http://libres.test/en/corporate" || alts["x-default"] == "" {
			t.Errorf("%s hreflang = %v", tc.path, alts)
		}
		if d, _ := p.Find(`meta[name="description"]`).Attr("content"); len(d) < 50 {
			t.Errorf("%s description = %q", tc.path, d)
		}
		if p.Find(`main a[href="`+tc.signup+`"]`).Length() == 0 {
			t.Errorf("%s: no sign-up link for a visitor", tc.path)
		}
		if p.Find(`.site-footer a[href="`+tc.path+`"]`).Length() != 1 {
			t.Errorf("%s: the footer does not link the page", tc.path)
		}
		if n := p.Find(".corp-steps li").Length(); n != 5 {
			t.Errorf("%s: %d steps, want request, quote, deposit, production, delivery", tc.path, n)
		}
	}
	// A company's person is offered the quote form instead.
	p := empresa(t).mustGet("/corporate")
	if p.Find(`main a[href="/corporate/quotes/new"]`).Length() == 0 || p.Find(`main a[href="/corporate/signup"]`).Length() != 0 {
		t.Errorf("corporate client's call to action: %q", text(p.Find(".actions")))
	}
}

// signupForm is a valid company sign-up.
func signupForm(nit, email string) url.Values {
	return url.Values{"name": {"Confecciones Prueba S.A.S."}, "nit": {nit}, "billing_address": {"Cra 7 # 12-34"},
		"city": {"Cali"}, "contact_name": {"Lucía Gómez"}, "contact_phone": {"+57 310 555 1234"}, "email": {email},
		"password": {"Tela-azul-bordada-77"}, "accept_policy": {"1"}}
}

func TestSignupBadNITKeepsValues(t *testing.T) {
	b := visitor(t)
	f := signupForm("800.197.268-5", "lucia.nit@empresa.test") // the check digit is 4
	f.Del("accept_policy")
	p := b.post("/corporate/signup", f)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad NIT = %d, want 422", p.status)
	}
	checkPage(t, p, "es")
	if e := text(p.Find("#f-nit-err")); !strings.Contains(e, "dígito de verificación") {
		t.Errorf("NIT error = %q", e)
	}
	if e := text(p.Find("#f-accept_policy-err")); e == "" {
		t.Errorf("no error for the unticked consent box")
	}
	for name, want := range map[string]string{"name": "Confecciones Prueba S.A.S.", "nit": "800.197.268-5",
		"city": "Cali", "contact_name": "Lucía Gómez", "email": "lucia.nit@empresa.test"} {
		if v := val(p, `input[name="`+name+`"]`); v != want {
			t.Errorf("%s re-shown as %q, want %q", name, v, want)
		}
	}
	if v := val(p, `input[name="password"]`); v != "" {
		t.Errorf("password echoed back: %q", v)
	}
	if p.Find(`input[name="accept_policy"][checked]`).Length() != 0 {
		t.Errorf("consent box ticked by the page")
	}
	var n int
	if err := testDB.Get(&n, `SELECT count(*) FROM users WHERE email = 'lucia.nit@empresa.test'`); err != nil || n != 0 {
		t.Errorf("users made by a refused sign-up: %d, %v", n, err)
	}

	// A weak password is reported with the company's mistakes, in English too.
	f = signupForm("800.197.268-5", "lucia.nit@empresa.test")
	f.Set("password", "123")
	p = b.post("/en/corporate/signup", f)
	if p.status != http.StatusUnprocessableEntity || text(p.Find("#f-password-err")) == "" || text(p.Find("#f-nit-err")) == "" {
		t.Errorf("English sign-up with two mistakes = %d; password %q, NIT %q", p.status,
			text(p.Find("#f-password-err")), text(p.Find("#f-nit-err")))
	}
	checkPage(t, p, "en")
}

func TestSignupCreatesPendingCompany(t *testing.T) {
	b := visitor(t)
	p := b.post("/corporate/signup", signupForm("900.123.456-8", "lucia@confecciones.test"))
	if p.status != http.StatusSeeOther || p.location != "/corporate/quotes" {
		t.Fatalf("sign-up = %d → %q; alert %q, errors %q", p.status, p.location, text(p.Find(".form-alert")), text(p.Find(".field-error")))
	}
	u, err := account.UserByEmail(context.Background(), testDB, "lucia@confecciones.test")
	if err != nil || u.Role != account.RoleCorporate || u.CompanyID == nil {
		t.Fatalf("user = %+v, %v", u, err)
	}
	co, err := testEnv.Quotes.Company(context.Background(), *u.CompanyID)
	if err != nil || co.Status != quote.CompanyPending || co.NIT != "900.123.456-8" || co.ContactEmail != "lucia@confecciones.test" {
		t.Fatalf("company = %+v, %v", co, err)
	}
	var mails int
	const q = `SELECT count(*) FROM river_job WHERE kind = 'email' AND args->>'template' = $1 AND (args->>'data')::jsonb->>'NIT' = $2`
	if err := testDB.Get(&mails, q, "company_signup", "900.123.456-8"); err != nil || mails == 0 {
		t.Errorf("staff emails about the sign-up: %d, %v", mails, err)
	}
	if err := testDB.Get(&mails, `SELECT count(*) FROM river_job WHERE kind = 'email' AND args->>'template' = 'account_verify'
		AND args->>'to' = 'lucia@confecciones.test'`); err != nil || mails != 1 {
		t.Errorf("verification emails: %d, %v", mails, err)
	}

	// Logged in at once; the list says the company waits, and the form is refused.
	list := b.mustGet("/corporate/quotes")
	checkPage(t, list, "es")
	if f := flash(list); f == "" {
		t.Errorf("no message after sign-up")
	}
	if n := text(list.Find(".notice")); !strings.Contains(n, "esperando aprobación") {
		t.Errorf("pending notice = %q", n)
	}
	if list.Find(`a[href^="/corporate/quotes/new"]`).Length() != 0 {
		t.Errorf("a pending company is offered the request form")
	}
	if p := b.get("/corporate/quotes/new"); p.status != http.StatusForbidden || !strings.Contains(text(p.Find("main")), "revisión") {
		t.Errorf("pending company's form = %d: %q", p.status, text(p.Find("main")))
	}
	if p := b.postFiles("/corporate/quotes", requestValues(in(30))); p.status != http.StatusForbidden {
		t.Errorf("pending company's request = %d, want 403", p.status)
	}

	// The same NIT again is refused on the NIT field, and no second user is made.
	p = visitor(t).post("/corporate/signup", signupForm("900123456-8", "otra@confecciones.test"))
	if p.status != http.StatusConflict || text(p.Find("#f-nit-err")) == "" {
		t.Errorf("NIT taken = %d, %q", p.status, text(p.Find("#f-nit-err")))
	}
	if _, err := account.UserByEmail(context.Background(), testDB, "otra@confecciones.test"); err == nil {
		t.Errorf("a user was made for a refused company")
	}
}

// in is a day n days from now, as the date input sends it.
func in(days int) string { return time.Now().AddDate(0, 0, days).Format("2006-01-02") }

// requestValues is a valid request with one line in the first row.
func requestValues(deadline string) url.Values {
	return url.Values{"rows": {"3"}, "deadline": {deadline}, "delivery_city": {"Medellín"}, "notes": {"Logo en el pecho"},
		"lines.0.garment": {"polo"}, "lines.0.fabric": {"piqué"}, "lines.0.colour": {"azul"},
		"lines.0.s": {"10"}, "lines.0.m": {"20"}, "lines.0.l": {"5"}, "lines.0.total": {"35"},
		"lines.0.customisation": {"embroidery"}, "lines.0.position": {"pecho izquierdo"}}
}

// request makes a quote as the company's person would and returns its id.
func request(t *testing.T, b *browser) int64 {
	t.Helper()
	p := b.postFiles("/corporate/quotes", requestValues(in(30)), upload{"logo.png", pngBytes})
	id, ok := strings.CutPrefix(p.location, "/corporate/quotes/")
	n, err := strconv.ParseInt(id, 10, 64)
	if p.status != http.StatusSeeOther || !ok || err != nil {
		t.Fatalf("request = %d → %q; errors %q %q", p.status, p.location, text(p.Find(".form-alert")), text(p.Find(".field-error")))
	}
	return n
}

func TestRequestKeepsFileAcrossError(t *testing.T) {
	b := empresa(t)
	form := b.mustGet("/corporate/quotes/new")
	checkPage(t, form, "es")
	if n := form.Find("fieldset.corp-line").Length(); n != 3 {
		t.Errorf("%d line rows, want 3", n)
	}
	if a, _ := form.Find(`input[type="file"][name="files"]`).Attr("accept"); a != ".png,.jpg,.jpeg,.pdf" {
		t.Errorf("file input accepts %q", a)
	}

	// "Add a line" shows a fourth row and keeps what was typed.
	add := requestValues(in(30))
	add.Set("add_line", "1")
	p := b.postFiles("/corporate/quotes", add)
	if p.status != http.StatusOK || p.Find("fieldset.corp-line").Length() != 4 || val(p, `input[name="lines.0.m"]`) != "20" {
		t.Errorf("add a line = %d with %d rows, M %q", p.status, p.Find("fieldset.corp-line").Length(), val(p, `input[name="lines.0.m"]`))
	}

	// A deadline in the past: the page comes back with everything, the logo kept.
	p = b.postFiles("/corporate/quotes", requestValues(in(-1)), upload{"logo.png", pngBytes})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("past deadline = %d, want 422", p.status)
	}
	checkPage(t, p, "es")
	if e := text(p.Find("#f-deadline-err")); e == "" {
		t.Errorf("no deadline error")
	}
	if v := val(p, `input[name="delivery_city"]`); v != "Medellín" {
		t.Errorf("city re-shown as %q", v)
	}
	if v, _ := p.Find(`select[name="lines.0.garment"] option[selected]`).Attr("value"); v != "polo" {
		t.Errorf("garment re-shown as %q", v)
	}
	if k := text(p.Find(".corp-kept-name")); k != "logo.png (guardado)" {
		t.Errorf("kept file shown as %q", k)
	}
	token := val(p, `input[name="kept"]`)
	if token == "" {
		t.Fatal("no kept file in the form")
	}

	// Ticking "remove" drops a kept file.
	drop := requestValues(in(-1))
	drop.Set("kept", token)
	drop.Set("drop", val(p, `input[name="drop"]`))
	if d := b.postFiles("/corporate/quotes", drop); d.status != http.StatusUnprocessableEntity || d.Find(".corp-kept-name").Length() != 0 {
		t.Errorf("removed kept file: %d, kept %q", d.status, text(d.Find(".corp-kept-name")))
	}

	// A forged token is not a file.
	forged := requestValues(in(30))
	forged.Set("kept", "eyJrIjoicXVvdGVzL2FhYSJ9.AAAA")
	if p := b.postFiles("/corporate/quotes", forged); p.status != http.StatusUnprocessableEntity {
		t.Errorf("forged kept file = %d, want 422", p.status)
	}

	// Sent again with the deadline fixed and no new file: the quote has the logo.
	again := requestValues(in(30))
	again.Set("kept", token)
	p = b.postFiles("/corporate/quotes", again)
	if p.status != http.StatusSeeOther {
		t.Fatalf("resubmit = %d; errors %q", p.status, text(p.Find(".field-error")))
	}
	show := b.mustGet(p.location)
	checkPage(t, show, "es")
	if f := text(show.Find(".downloads a")); !strings.Contains(f, "logo.png") {
		t.Errorf("quote files = %q", f)
	}
	if f := flash(show); f == "" {
		t.Errorf("no message after the request")
	}
	number := strings.TrimPrefix(text(show.Find("h1")), "Cotización ")
	list := b.mustGet("/corporate/quotes")
	checkPage(t, list, "es")
	row := list.Find("tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool { return text(s.Find("th")) == number })
	if row.Length() != 1 || !strings.Contains(text(row), "Solicitada") || !strings.Contains(text(row), "35") {
		t.Errorf("list row for %s = %q", number, text(row))
	}

	// The file link goes to a short-lived link.
	href, _ := show.Find(".downloads a").Attr("href")
	if p := b.get(href); p.status != http.StatusSeeOther || p.location == "" {
		t.Errorf("file link = %d → %q", p.status, p.location)
	}
}

func TestRefusedFiles(t *testing.T) {
	b := empresa(t)
	count := func() int {
		var n int
		if err := testDB.Get(&n, `SELECT count(*) FROM quotes`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	big := append(append([]byte{}, pngBytes...), make([]byte, 30<<20)...)
	p := b.postFiles("/corporate/quotes", requestValues(in(30)),
		upload{"logo.svg", svgBytes}, upload{"logo.png", exeBytes}, upload{"huge.png", big}, upload{"ok.png", pngBytes})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad files = %d, want 422", p.status)
	}
	errs := text(p.Find("#f-files-err"))
	for _, want := range []string{"logo.svg: Solo aceptamos", "logo.png: Solo aceptamos", "huge.png: Cada archivo"} {
		if !strings.Contains(errs, want) {
			t.Errorf("file errors %q lack %q", errs, want)
		}
	}
	if k := text(p.Find(".corp-kept-name")); k != "ok.png (guardado)" {
		t.Errorf("kept = %q, want only the good file", k)
	}
	if count() != before {
		t.Errorf("a quote was made with refused files")
	}
}

// otherCompany makes an approved company with one person and returns the person's email.
func otherCompany(t *testing.T, nit, email string) string {
	t.Helper()
	ctx := context.Background()
	co, err := testEnv.Quotes.SignUpCompany(ctx, quote.SignUpForm{Name: "Otra " + nit, NIT: nit, BillingAddress: "Calle 1",
		City: "Bogotá", ContactName: "Otro", ContactPhone: "3105550000"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testEnv.Quotes.ApproveCompany(ctx, audit.Actor{}, co.ID); err != nil {
		t.Fatal(err)
	}
	tx := testDB.MustBegin()
	if _, err := account.Provision(ctx, tx, account.NewUser{Email: email, Name: "Otro Cliente", Role: account.RoleCorporate,
		Password: "Tela-azul-bordada-77", CompanyID: co.ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return email
}

func TestAnotherCompanysQuoteIsNotFound(t *testing.T) {
	b := empresa(t)
	id := request(t, b)
	show := b.mustGet("/corporate/quotes/" + strconv.FormatInt(id, 10))
	href, _ := show.Find(".downloads a").Attr("href")
	other := loginAs(t, otherCompany(t, "800.197.268-4", "otro@otra.test"))
	for _, path := range []string{"/corporate/quotes/" + strconv.FormatInt(id, 10), href} {
		if p := other.get(path); p.status != http.StatusNotFound {
			t.Errorf("other company GET %s = %d, want 404", path, p.status)
		}
	}
	if p := other.post("/corporate/quotes/"+strconv.FormatInt(id, 10)+"/decline", url.Values{"reason": {"x"}}); p.status != http.StatusNotFound {
		t.Errorf("other company declines = %d, want 404", p.status)
	}
	if list := other.mustGet("/corporate/quotes"); list.Find("tbody tr").Length() != 0 {
		t.Errorf("other company's list shows %d quotes", list.Find("tbody tr").Length())
	}
	// A shopper is not let in at all.
	if p := loginAs(t, "cliente@libres.example").get("/corporate/quotes"); p.status != http.StatusForbidden {
		t.Errorf("customer GET /corporate/quotes = %d, want 403", p.status)
	}
}
