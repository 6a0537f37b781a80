package admin_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/encoding/charmap"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/seed"
)

// statementFixture is a workshop of its own with a lead of its own, and a paid order of
// two units of one of its products.
type statementFixture struct {
	workshop, other int64
	name, slug      string
	lead            *browser
	order           order.Order
	month           string
}

func newStatementFixture(t *testing.T) statementFixture {
	t.Helper()
	ctx := context.Background()
	n := seq.Add(1)
	f := statementFixture{name: fmt.Sprintf("Taller Núñez %d", n), slug: fmt.Sprintf("taller-nunez-%d", n)}
	if err := testDB.Get(&f.workshop, `INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
		VALUES ($1, $2, 'Cárcel de Bellavista', 'prison', 'Medellín', 'Antioquia', 'Zapatería', 'Shoemaking') RETURNING id`,
		f.slug, f.name); err != nil {
		t.Fatal(err)
	}
	f.other = newWorkshop(t)
	email := fmt.Sprintf("lead-nunez-%d@libres.test", n)
	if _, err := account.Provision(ctx, testDB, account.NewUser{Email: email, Name: "Líder", Role: account.RoleLead,
		Lang: "es", Password: seed.DemoPassword, WorkshopIDs: []int64{f.workshop}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	f.lead = loginAs(t, email)
	v := newVariant(t, f.workshop, 50000, 10)
	f.order = placeOrder(t, nil, payment.MethodTransfer, item{v, 2})
	paid, err := testSite.Deps.Orders.MarkPaid(ctx, audit.Actor{Email: "admin@libres.example"}, f.order.ID, "consignación 123")
	if err != nil {
		t.Fatal(err)
	}
	f.order = paid
	f.month = time.Now().In(ledger.Bogota).Format("2006-01")
	return f
}

func (f statementFixture) statement(workshop int64) string {
	return "/studio/statements/" + strconv.FormatInt(workshop, 10) + "/" + f.month
}

// TestLeadStatement: after an order is paid, the lead of its workshop finds the sale on
// the month's statement (units by product and size, gross, the workshop's part), in the
// list of statements, and on the production record.
func TestLeadStatement(t *testing.T) {
	f := newStatementFixture(t)
	p := f.lead.mustGet(f.statement(f.workshop))
	if h1 := text(p.Find("h1")); !strings.Contains(h1, f.name) {
		t.Errorf("h1 = %q, want the workshop's name", h1)
	}
	rows := p.Find("table.statement-units tbody tr")
	if rows.Length() != 1 {
		t.Fatalf("%d unit rows, want 1: %q", rows.Length(), text(p.Find("table.statement-units")))
	}
	cells := rows.First().Find("td")
	if size, sold := text(cells.Eq(0)), text(cells.Eq(1)); size != "U" || sold != "2" {
		t.Errorf("unit row size %q sold %q, want U and 2", size, sold)
	}
	figures := map[string]string{}
	p.Find(".figures .figure").Each(func(_ int, s *goquery.Selection) {
		figures[text(s.Find("dt"))] = text(s.Find("dd"))
	})
	if got := figures["Ventas brutas"]; got != "$ 100.000" {
		t.Errorf("gross = %q, want $ 100.000 (figures %v)", got, figures)
	}
	if got := figures["Parte del taller"]; got != "$ 60.000" {
		t.Errorf("workshop's part = %q, want $ 60.000 at the default 60 %%", got)
	}
	if n := p.Find("table.statement-entries tbody tr").Length(); n != 1 {
		t.Errorf("%d entries, want the sale", n)
	}
	if svg := p.Find("figure.chart svg[role=img]"); svg.Find("title").Length() == 0 || svg.Find("desc").Length() == 0 {
		t.Errorf("chart without title and desc")
	}
	if n := p.Find(".chart-data table tbody tr").Length(); n != 12 {
		t.Errorf("chart data table has %d months, want 12", n)
	}
	if m := text(p.Find("main")); strings.Contains(m, "statements.") || strings.Contains(m, "%!") {
		t.Errorf("untranslated key or bad format: %q", m)
	}

	list := f.lead.mustGet("/studio/statements")
	if n := list.Find("section.bo-card").Length(); n != 1 {
		t.Errorf("the lead's list shows %d workshops, want their one", n)
	}
	if list.Find(`a[href="`+f.statement(f.workshop)+`"]`).Length() == 0 {
		t.Errorf("the list does not link this month's statement")
	}

	prod := f.lead.mustGet("/studio/production/" + strconv.FormatInt(f.workshop, 10) + "/" + f.month)
	if sold := text(prod.Find("table.production tbody tr td").Eq(1)); sold != "2" {
		t.Errorf("production record sold = %q, want 2", sold)
	}
}

// TestStatementOfAnotherWorkshop: every statement page and file of a workshop that is
// not the lead's is a 404, as is a month to come or one that is not a month.
func TestStatementOfAnotherWorkshop(t *testing.T) {
	f := newStatementFixture(t)
	demoLead := loginAs(t, "lead@libres.example")
	next := time.Now().In(ledger.Bogota).AddDate(0, 1, 0).Format("2006-01")
	w := strconv.FormatInt(f.workshop, 10)
	for _, tc := range []struct {
		b    *browser
		path string
	}{
		{demoLead, "/studio/statements/" + w + "/" + f.month},
		{demoLead, "/studio/statements/" + w + "/" + f.month + "/entries.csv"},
		{demoLead, "/studio/statements/" + w + "/" + f.month + "/summary.csv"},
		{demoLead, "/studio/statements/" + w + "/" + f.month + "/statement.pdf"},
		{demoLead, "/studio/production/" + w + "/" + f.month},
		{demoLead, "/studio/production/" + w + "/" + f.month + "/production.pdf"},
		{f.lead, f.statement(f.other)},
		{f.lead, f.statement(f.other) + "/statement.pdf"},
		{f.lead, "/studio/statements/" + w + "/" + next},
		{f.lead, "/studio/statements/" + w + "/2026-13"},
		{f.lead, "/studio/statements/" + w + "/march"},
		{f.lead, "/studio/statements/999999999/" + f.month},
	} {
		if p := tc.b.get(tc.path); p.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", tc.path, p.status)
		}
	}
	// The demo lead's list does not show the workshop either.
	if strings.Contains(demoLead.mustGet("/studio/statements").body, f.name) {
		t.Errorf("another lead's list names the workshop")
	}
}

// TestStatementFiles: the CSV files have their headers and the sale; the PDF is a PDF
// naming the workshop, its facility and the foundation, with the Spanish letters right.
func TestStatementFiles(t *testing.T) {
	f := newStatementFixture(t)
	base := f.statement(f.workshop)

	entries := f.lead.get(base + "/entries.csv")
	if entries.status != http.StatusOK || !strings.HasPrefix(entries.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("entries.csv = %d %s", entries.status, entries.header.Get("Content-Type"))
	}
	recs := readCSV(t, entries.body)
	if len(recs) != 2 || recs[0][0] != "id" || !strings.Contains(strings.Join(recs[1], ","), f.order.Number) {
		t.Errorf("entries.csv = %q, want a header and the sale of %s", recs, f.order.Number)
	}

	summary := f.lead.get(base + "/summary.csv")
	recs = readCSV(t, summary.body)
	wantHead := "workshop_id,workshop,month,product_id,product,size,units_sold,units_refunded,gross,refunds,net,share_bps,share,adjustments,payouts,opening_balance,closing_balance,currency"
	if len(recs) != 3 || strings.Join(recs[0], ",") != wantHead {
		t.Fatalf("summary.csv = %q", recs)
	}
	if total := recs[2]; total[4] != "TOTAL" || total[6] != "2" || total[8] != "100000.00" || total[12] != "60000.00" {
		t.Errorf("summary total row = %q", total)
	}
	if cd := summary.header.Get("Content-Disposition"); !strings.Contains(cd, f.slug+"-resumen-"+f.month+".csv") {
		t.Errorf("Content-Disposition = %q", cd)
	}

	doc := f.lead.get(base + "/statement.pdf")
	if doc.status != http.StatusOK || doc.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("statement.pdf = %d %s", doc.status, doc.header.Get("Content-Type"))
	}
	checkPDF(t, doc.body, f.name, "Cárcel de Bellavista", testSite.Deps.Seller.Name, "Ventas brutas")

	prod := f.lead.get("/studio/production/" + strconv.FormatInt(f.workshop, 10) + "/" + f.month + "/production.pdf")
	if prod.status != http.StatusOK {
		t.Fatalf("production.pdf = %d", prod.status)
	}
	checkPDF(t, prod.body, f.name, "Registro de producción", "Unidades hechas")
	if strings.Contains(prod.body, "Ana Compradora") || strings.Contains(doc.body, "Ana Compradora") {
		t.Errorf("a PDF names the shopper")
	}

	// The admin opens the same statement under /admin/ledger.
	adm := admin(t).get("/admin/ledger/" + strconv.FormatInt(f.workshop, 10) + "/" + f.month + "/statement.pdf")
	if adm.status != http.StatusOK || !strings.HasPrefix(adm.body, "%PDF-") {
		t.Errorf("admin statement.pdf = %d", adm.status)
	}
}

// checkPDF: body is a PDF holding each string as the cp1252 text Helvetica shows.
func checkPDF(t *testing.T, body string, want ...string) {
	t.Helper()
	if !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("not a PDF: %q", body[:min(len(body), 20)])
	}
	for _, s := range want {
		enc, err := charmap.Windows1252.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains([]byte(body), []byte(enc)) {
			t.Errorf("PDF lacks %q", s)
		}
	}
}

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v in %q", err, body)
	}
	return recs
}

// pesos reads a formatted amount ("$ 1.250.000", "-$ 5.000") as whole pesos.
func pesos(t *testing.T, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	if neg {
		n = -n
	}
	return n
}

// TestLedgerOverview: the overview's totals move by exactly what a paid order brought
// (lines, shipping, donation), and the workshop's row holds its lines.
func TestLedgerOverview(t *testing.T) {
	b := admin(t)
	before := b.mustGet("/admin/ledger")
	netBefore := pesos(t, text(before.Find("dd.ledger-net")))
	f := newStatementFixture(t)
	p := b.mustGet("/admin/ledger")
	checkAdminPage(t, p, "es", "/admin/ledger")
	if got, want := pesos(t, text(p.Find("dd.ledger-net")))-netBefore, f.order.Total/100; got != want {
		t.Errorf("net moved by %d, want the order's total %d", got, want)
	}
	row := p.Find(`tr[data-workshop="` + strconv.FormatInt(f.workshop, 10) + `"]`)
	if row.Length() != 1 {
		t.Fatalf("no row for the workshop")
	}
	cells := row.Find("td")
	if units, gross := text(cells.Eq(0)), text(cells.Eq(1)); units != "2" || gross != "$ 100.000" {
		t.Errorf("row units %q gross %q, want 2 and $ 100.000", units, gross)
	}
	if bal := text(row.Find(".ledger-balance")); bal != "$ 60.000" {
		t.Errorf("balance = %q, want $ 60.000", bal)
	}
	csvPage := b.get("/admin/ledger.csv")
	if csvPage.status != http.StatusOK || !strings.Contains(csvPage.body, f.name) {
		t.Errorf("ledger.csv = %d, want the workshop in it", csvPage.status)
	}
	if bad := b.get("/admin/ledger?from=2026-99-01"); bad.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad date = %d, want 422", bad.status)
	}
}

// TestRecordPayout: a payout within the balance is recorded; one above it is refused
// until the confirmation box is ticked.
func TestRecordPayout(t *testing.T) {
	f := newStatementFixture(t)
	b := admin(t)
	w := strconv.FormatInt(f.workshop, 10)
	path := "/admin/ledger/" + w + "/payouts"
	today := time.Now().In(ledger.Bogota).Format(time.DateOnly)
	form := url.Values{"amount": {"20.000"}, "date": {today}, "method": {"transfer"}, "reference": {"TR-1"}}
	p := b.submit(path, form)
	if got := flash(p); got != "Pago registrado." {
		t.Errorf("flash = %q", got)
	}
	balance := func(p page) string { return text(p.Find(`tr[data-workshop="` + w + `"] .ledger-balance`)) }
	if got := balance(p); got != "$ 40.000" {
		t.Errorf("balance after paying 20.000 = %q, want $ 40.000", got)
	}

	form.Set("amount", "100000")
	over := b.post(path, form)
	if over.status != http.StatusConflict {
		t.Fatalf("over the balance = %d, want 409", over.status)
	}
	box := over.Find("#p" + w + "-confirm")
	if box.Length() != 1 || !strings.Contains(text(over.Find("#payout-"+w+" .form-alert")), "$ 40.000") {
		t.Fatalf("the refused form shows no confirmation box or balance: %q", text(over.Find("#payout-"+w)))
	}
	if v := val(over, "#p"+w+"-amount"); v != "100000" {
		t.Errorf("the amount typed is lost: %q", v)
	}
	form.Set("confirm_over_balance", "1")
	p = b.submit(path, form)
	if got := balance(p); got != "-$ 60.000" {
		t.Errorf("balance after the confirmed payout = %q, want -$ 60.000", got)
	}

	bad := b.post(path, url.Values{"amount": {"cero"}, "date": {today}, "method": {"transfer"}})
	if bad.status != http.StatusUnprocessableEntity || bad.Find("#p"+w+"-amount-err").Length() != 1 {
		t.Errorf("an amount that is not one = %d, field error %q", bad.status, text(bad.Find("#p"+w+"-amount-err")))
	}

	st := f.lead.mustGet(f.statement(f.workshop))
	if n := st.Find("table.statement-entries tbody tr").Length(); n != 3 {
		t.Errorf("the lead's statement has %d entries, want the sale and two payouts", n)
	}
}

// TestWorkshopShare: staff set a workshop's share from today; a bad percentage is a
// field error with the input kept.
func TestWorkshopShare(t *testing.T) {
	w := strconv.FormatInt(newWorkshop(t), 10)
	b := admin(t)
	p := b.mustGet("/admin/workshops/" + w + "/share")
	if got := text(p.Find(".share-current")); !strings.Contains(got, "60") {
		t.Errorf("current share = %q, want the default 60 %%", got)
	}
	today := time.Now().In(ledger.Bogota).Format(time.DateOnly)
	bad := b.post("/admin/workshops/"+w+"/share", url.Values{"percent": {"120"}, "from": {today}})
	if bad.status != http.StatusUnprocessableEntity || bad.Find("#f-percent-err").Length() != 1 || val(bad, "#f-percent") != "120" {
		t.Errorf("120 %% = %d, error %q", bad.status, text(bad.Find("#f-percent-err")))
	}
	p = b.submit("/admin/workshops/"+w+"/share", url.Values{"percent": {"62,5"}, "from": {today}})
	if got := text(p.Find(".share-current")); !strings.Contains(got, "62,5") {
		t.Errorf("current share after saving = %q, want 62,5 %%", got)
	}
	if n := p.Find("table.share-history tbody tr").Length(); n != 1 {
		t.Errorf("%d shares in the history, want 1", n)
	}
}

// TestImpactSetting: a figure shows on the public workshop page only once staff turn
// it on, and goes when they turn it off.
func TestImpactSetting(t *testing.T) {
	f := newStatementFixture(t)
	b := admin(t)
	t.Cleanup(func() { b.post("/admin/impact", url.Values{}) })
	public := func() page {
		res, err := http.Get(testURL + "/taller/" + f.slug)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		doc, err := goquery.NewDocumentFromReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("workshop page = %d", res.StatusCode)
		}
		return page{Document: doc, status: res.StatusCode}
	}
	if n := public().Find("section.impact").Length(); n != 0 {
		t.Errorf("figures shown before any is turned on")
	}
	p := b.submit("/admin/impact", url.Values{"items_sold_year": {"1"}})
	if !p.Find("#im-items_sold_year").Is("[checked]") || p.Find("#im-items_sold").Is("[checked]") {
		t.Errorf("the switches do not show what was saved")
	}
	figs := public().Find("section.impact .figure")
	if figs.Length() != 1 || text(figs.Find("dt")) != "Piezas vendidas este año" || text(figs.Find("dd")) != "2" {
		t.Errorf("public figures = %q, want items sold this year: 2", text(figs))
	}
	b.submit("/admin/impact", url.Values{})
	if n := public().Find("section.impact").Length(); n != 0 {
		t.Errorf("figures still shown once turned off")
	}
}
